import { access } from 'node:fs/promises';
import {
  RaqibError,
  type DensityEstimate,
  type DensityEstimateOptions,
  type DensityEstimator,
  type DensityMap,
  type RgbImage,
} from '@raqib/core';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { moduleLogger } from '../logging/logger.js';
import { decodeDensityPoints, type DensityPointOptions } from './decode/density-points.js';
import { defaultModelPath } from './default-model-path.js';
import { readModelMetadata, type ModelMetadata } from './model-metadata.js';
import { resolveModelPrecision, type ModelPrecision } from './model-precision.js';
import { fillPlanarInput, type InputPadding } from './planar-input.js';
import { resizeRgb } from './resize-rgb.js';
import { DEFAULT_MAX_TILE_PIXELS, DEFAULT_TILE_OVERLAP_PX, planTiles, type TilePlan } from './tile-plan.js';

const log = moduleLogger('inference');

export interface OnnxDensityEstimatorOptions {
  /** The .onnx file; default {@link defaultModelPath} (RAQIB_MODEL or models/raqib-density.onnx). */
  modelPath?: string;
  /**
   * auto (default): the model's int8 variant (X.int8.onnx) when one quantised from exactly this model is
   * beside it, else the model itself; int8: that variant or MODEL_LOAD_FAILED; fp32: the model itself.
   */
  precision?: ModelPrecision;
  /** Receives a one-line warning (an int8 file that does not match the model); default the module log. */
  onWarning?: (message: string) => void;
  /** onnxruntime intra-op threads. Default 2. */
  threads?: number;
  /** Largest model input of one run (padding included); larger frames are tiled. Default 1920x1088. */
  maxTilePixels?: number;
  /** Overlap between tiles in pixels (a multiple of the stride). Default 128. */
  overlapPx?: number;
  /** How model-input padding is filled. Default 'edge'. */
  padding?: InputPadding;
  /** Point decoding options (see decodeDensityPoints). */
  points?: DensityPointOptions;
}

/** What the estimator knows about its model. */
export interface DensityModelInfo {
  /** The file that runs (the int8 variant when precision resolved to int8). */
  modelPath: string;
  precision: 'int8' | 'fp32';
  name: string;
  version: string;
  inputName: string;
  outputName: string;
  outputStridePx: number;
  inputMultiplePx: number;
  /** Head sizes (min, max) in pixels seen in training, when the metadata says. */
  trainedHeadSizePx?: readonly [number, number];
}

/** A {@link DensityEstimator} backed by an ONNX density model, with its model info. */
export interface OnnxDensityEstimator extends DensityEstimator {
  readonly model: DensityModelInfo;
  /** How an image of this size (after scaling) is split into model runs. */
  planFor(widthPx: number, heightPx: number): TilePlan;
}

function sessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

/** Runs a model once on a small input to learn its output stride from the shapes. */
async function probeStride(session: InferenceSession, inputName: string, outputName: string, multiple: number) {
  const h = 2 * multiple;
  const w = 3 * multiple;
  const out = await session.run({ [inputName]: new Tensor('float32', new Float32Array(3 * h * w), [1, 3, h, w]) });
  const dims = out[outputName]?.dims ?? [];
  const stride = h / (dims[2] ?? 0);
  if (!Number.isInteger(stride) || stride !== w / (dims[3] ?? 0)) {
    throw new Error(`output ${outputName} has shape [${dims.join(',')}] for input [1,3,${h},${w}]: no integer stride`);
  }
  return stride;
}

/**
 * Loads a density model into onnxruntime-node and returns an estimator that scales, tiles and runs
 * it, stitches the density map and decodes head points.
 * Throws RaqibError('MODEL_LOAD_FAILED') naming the file when the model is missing or unusable.
 */
export async function createOnnxDensityEstimator(
  options: OnnxDensityEstimatorOptions = {},
): Promise<OnnxDensityEstimator> {
  const requestedPath = options.modelPath ?? defaultModelPath();
  const threads = options.threads ?? 2;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RaqibError('INPUT_INVALID', `threads must be a positive integer, got ${threads}`);
  }
  try {
    await access(requestedPath);
  } catch (error) {
    throw new RaqibError(
      'MODEL_LOAD_FAILED',
      `${requestedPath}: model file not found. Pass --model PATH or set RAQIB_MODEL (default models/raqib-density.onnx).`,
      { cause: error },
    );
  }
  const resolved = await resolveModelPrecision(requestedPath, options.precision ?? 'auto');
  if (resolved.note !== undefined) {
    if (options.onWarning) options.onWarning(resolved.note);
    else log.warn({ model: requestedPath }, resolved.note);
  }
  const modelPath = resolved.modelPath;
  const meta: ModelMetadata | undefined = await readModelMetadata(modelPath);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(modelPath, sessionOptions(threads));
  } catch (error) {
    throw new RaqibError(
      'MODEL_LOAD_FAILED',
      `${modelPath}: onnxruntime cannot load the model: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const inputName = meta?.inputName ?? 'image';
  const outputName = meta?.outputName ?? 'density';
  const inputMultiplePx = meta?.inputMultiplePx ?? 32;
  try {
    if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
      throw new Error(
        `expected input '${inputName}' and output '${outputName}', the model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      );
    }
    const probed = await probeStride(session, inputName, outputName, inputMultiplePx);
    if (meta?.outputStridePx !== undefined && meta.outputStridePx !== probed) {
      throw new Error(`metadata says output stride ${meta.outputStridePx} px, the model's shapes say ${probed} px`);
    }
    const model: DensityModelInfo = {
      modelPath,
      precision: resolved.precision,
      name: meta?.name ?? 'unknown',
      version: meta?.version ?? 'unknown',
      inputName,
      outputName,
      outputStridePx: probed,
      inputMultiplePx,
      ...(meta?.trainedHeadSizePx ? { trainedHeadSizePx: meta.trainedHeadSizePx } : {}),
    };
    log.debug({ model, threads }, 'density model loaded');
    return new OnnxEstimator(session, model, options);
  } catch (error) {
    await session.release();
    if (error instanceof RaqibError) throw error;
    throw new RaqibError('MODEL_LOAD_FAILED', `${modelPath}: unusable density model: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

class OnnxEstimator implements OnnxDensityEstimator {
  private input = new Float32Array(0);
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly maxTilePixels: number;
  private readonly overlapPx: number;
  private readonly padding: InputPadding;

  constructor(
    private readonly session: InferenceSession,
    readonly model: DensityModelInfo,
    private readonly options: OnnxDensityEstimatorOptions,
  ) {
    this.maxTilePixels = options.maxTilePixels ?? DEFAULT_MAX_TILE_PIXELS;
    this.overlapPx = options.overlapPx ?? DEFAULT_TILE_OVERLAP_PX;
    this.padding = options.padding ?? 'edge';
    this.planFor(64, 64); // validates the tiling options now rather than on the first frame
  }

  planFor(widthPx: number, heightPx: number): TilePlan {
    return planTiles(widthPx, heightPx, {
      stridePx: this.model.outputStridePx,
      inputMultiplePx: this.model.inputMultiplePx,
      maxTilePixels: this.maxTilePixels,
      overlapPx: this.overlapPx,
    });
  }

  estimate(image: RgbImage, options: DensityEstimateOptions = {}): Promise<DensityEstimate> {
    // One frame at a time: the input buffer is reused across frames.
    const result = this.queue.then(() => this.estimateNow(image, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async estimateNow(image: RgbImage, options: DensityEstimateOptions): Promise<DensityEstimate> {
    if (this.closed) throw new RaqibError('INFERENCE_FAILED', 'density estimator is closed');
    const { width, height } = image;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RaqibError('INPUT_INVALID', `image size must be positive integers, got ${width}x${height}`);
    }
    if (image.rgb.length !== width * height * 3) {
      throw new RaqibError(
        'INPUT_INVALID',
        `image ${width}x${height} needs ${width * height * 3} RGB bytes, got ${image.rgb.length}`,
      );
    }
    const scale = options.scale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new RaqibError('INPUT_INVALID', `scale must be a positive number, got ${scale}`);
    }
    let work = image;
    if (scale !== 1) {
      const w = Math.max(1, Math.round(width * scale));
      const h = Math.max(1, Math.round(height * scale));
      if (w * h > 400_000_000) {
        throw new RaqibError(
          'INPUT_INVALID',
          `scale ${scale} makes a ${width}x${height} image ${w}x${h} px: too large`,
        );
      }
      work = await resizeRgb(image, w, h);
    }
    const plan = this.planFor(work.width, work.height);
    const stride = plan.stridePx;
    const values = new Float32Array(plan.cols * plan.rows);
    let inferenceMs = 0;
    for (const tile of plan.tiles) {
      const size = 3 * tile.widthPx * tile.heightPx;
      if (this.input.length < size) this.input = new Float32Array(size);
      const input = this.input.subarray(0, size);
      fillPlanarInput(work, tile.x0Px, tile.y0Px, tile.widthPx, tile.heightPx, input, this.padding);
      const tensor = new Tensor('float32', input, [1, 3, tile.heightPx, tile.widthPx]);
      const t0 = performance.now();
      let output: Tensor | undefined;
      try {
        output = (await this.session.run({ [this.model.inputName]: tensor }))[this.model.outputName];
      } catch (error) {
        throw new RaqibError(
          'INFERENCE_FAILED',
          `model run on a ${tile.widthPx}x${tile.heightPx} input failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      inferenceMs += performance.now() - t0;
      const outCols = tile.widthPx / stride;
      const outRows = tile.heightPx / stride;
      if (!output || output.dims[2] !== outRows || output.dims[3] !== outCols || output.type !== 'float32') {
        throw new RaqibError(
          'INFERENCE_FAILED',
          `model output '${this.model.outputName}' is [${output?.dims.join(',')}] ${output?.type}, expected float32 [1,1,${outRows},${outCols}]`,
        );
      }
      const data = output.data as Float32Array;
      const tileCol0 = tile.x0Px / stride;
      const tileRow0 = tile.y0Px / stride;
      const ownCols = tile.ownCol1 - tile.ownCol0;
      for (let row = tile.ownRow0; row < tile.ownRow1; row++) {
        const src = (row - tileRow0) * outCols + (tile.ownCol0 - tileCol0);
        values.set(data.subarray(src, src + ownCols), row * plan.cols + tile.ownCol0);
      }
      output.dispose();
    }
    let count = 0;
    for (let i = 0; i < values.length; i++) count += values[i]!;
    const density: DensityMap = { cols: plan.cols, rows: plan.rows, cellPx: stride / scale, values };
    const head = this.model.trainedHeadSizePx;
    const points = decodeDensityPoints(density, {
      ...(head ? { boxPx: Math.sqrt(head[0] * head[1]) / scale } : {}),
      ...this.options.points,
    });
    return { density, count, points, inferenceMs, tiles: plan.tiles.length };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.session.release();
  }
}
