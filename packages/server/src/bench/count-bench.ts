/**
 * `npm run bench:count`: speed of counting, end to end versus the bare model runtime.
 *
 * For 960x540, 1920x1080 and 3840x2160 (tiled) frames: median ms per frame of
 * DensityEstimator.estimate (planar conversion + model runs + stitching + point decoding), median ms
 * of onnxruntime alone on the same input tensors (same tile shapes, same session options), their
 * ratio, the JPEG decode time of such a frame, and the peak RSS so far. E2E and pure runs alternate
 * so that load from other processes hits both alike. "overhead" is measured inside each e2e call
 * (its time minus the time spent in session.run), which stays meaningful on a loaded machine.
 *
 * Env: RAQIB_MODEL (default models/raqib-density.onnx, else the test fixture), RAQIB_THREADS (2),
 * RAQIB_BENCH_RUNS (runs per size, default 15 / 7 / 3), RAQIB_BENCH_SIZES (e.g. "960x540,1920x1080").
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from '@raqib/core';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { createOnnxDensityEstimator, defaultModelPath, fillPlanarInput, repoRoot } from '../inference/index.js';
import { loadImageFile } from '../ingest/index.js';

const FIXTURE = join(repoRoot(), 'packages', 'server', 'test-fixtures', 'fixture-density.onnx');
const SAMPLE = join(
  repoRoot(),
  '..',
  'shared',
  'datasets',
  'ShanghaiTech',
  'part_B',
  'train_data',
  'images',
  'IMG_1.jpg',
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function frameOfSize(width: number, height: number): Promise<{ image: RgbImage; jpeg: Buffer }> {
  const source = existsSync(SAMPLE)
    ? sharp(SAMPLE).resize(width, height, { fit: 'fill' })
    : sharp({
        create: {
          width,
          height,
          channels: 3,
          background: '#808080',
          noise: { type: 'gaussian', mean: 128, sigma: 60 },
        },
      });
  const { data, info } = await source.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = {
    width: info.width,
    height: info.height,
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
  const jpeg = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
  return { image, jpeg };
}

interface Row {
  size: string;
  tiles: number;
  e2eMs: number;
  pureOrtMs: number;
  /** median e2e / median pure ort (separate runs, alternating) */
  ratio: number;
  /** median over runs of e2e minus the time inside session.run of that same call */
  overheadMs: number;
  /** median over runs of e2e / time inside session.run of that same call (immune to load drift) */
  inRunRatio: number;
  fps: number;
  decodeJpegMs: number;
  count: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const envModel = process.env.RAQIB_MODEL;
  let modelPath = defaultModelPath();
  if (!existsSync(modelPath)) {
    console.log(
      `model ${modelPath} not found${envModel ? '' : ' (train/export it first)'}: benchmarking the test fixture instead`,
    );
    modelPath = FIXTURE;
  }
  const threads = Number(process.env.RAQIB_THREADS ?? 2);
  const sizes = (process.env.RAQIB_BENCH_SIZES ?? '960x540,1920x1080,3840x2160').split(',').map((s) => {
    const [w, h] = s.split('x').map(Number);
    return { width: w!, height: h! };
  });
  const runsFor = (pixels: number) =>
    Number(process.env.RAQIB_BENCH_RUNS ?? (pixels <= 1e6 ? 15 : pixels <= 2.2e6 ? 7 : 3));
  const estimator = await createOnnxDensityEstimator({ modelPath, threads });
  const pure = await InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const { inputName, outputName } = estimator.model;
  console.log(
    `model ${estimator.model.name} ${estimator.model.version} (${modelPath}), ${threads} threads, ` +
      `frame source ${existsSync(SAMPLE) ? 'ShanghaiTech B IMG_1.jpg resized' : 'synthetic noise'}`,
  );
  const tmp = await mkdtemp(join(tmpdir(), 'raqib-bench-'));
  const rows: Row[] = [];
  try {
    for (const { width, height } of sizes) {
      const { image, jpeg } = await frameOfSize(width, height);
      const jpegPath = join(tmp, `${width}x${height}.jpg`);
      await writeFile(jpegPath, jpeg);
      // the same tensors the estimator builds, prepared once for the bare runtime
      const plan = estimator.planFor(width, height);
      const tensors = plan.tiles.map((tile) => {
        const data = new Float32Array(3 * tile.widthPx * tile.heightPx);
        fillPlanarInput(image, tile.x0Px, tile.y0Px, tile.widthPx, tile.heightPx, data);
        return new Tensor('float32', data, [1, 3, tile.heightPx, tile.widthPx]);
      });
      const runPure = async () => {
        const t0 = performance.now();
        for (const tensor of tensors) (await pure.run({ [inputName]: tensor }))[outputName]?.dispose();
        return performance.now() - t0;
      };
      let count = 0;
      const overhead: number[] = [];
      const inRun: number[] = [];
      const runE2e = async () => {
        const t0 = performance.now();
        const estimate = await estimator.estimate(image);
        const ms = performance.now() - t0;
        count = estimate.count;
        overhead.push(ms - estimate.inferenceMs);
        inRun.push(ms / estimate.inferenceMs);
        return ms;
      };
      await runE2e(); // warm-up: first-run allocations and JIT
      await runPure();
      overhead.length = 0;
      inRun.length = 0;
      const e2e: number[] = [];
      const ort: number[] = [];
      const decode: number[] = [];
      for (let i = 0; i < runsFor(width * height); i++) {
        e2e.push(await runE2e());
        ort.push(await runPure());
        const t0 = performance.now();
        await loadImageFile(jpegPath);
        decode.push(performance.now() - t0);
      }
      const row: Row = {
        size: `${width}x${height}`,
        tiles: plan.tiles.length,
        e2eMs: median(e2e),
        pureOrtMs: median(ort),
        ratio: median(e2e) / median(ort),
        overheadMs: median(overhead),
        inRunRatio: median(inRun),
        fps: 1000 / median(e2e),
        decodeJpegMs: median(decode),
        count,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      };
      rows.push(row);
      console.log(
        `${row.size.padEnd(10)} tiles ${String(row.tiles).padStart(2)}  e2e ${row.e2eMs.toFixed(1).padStart(7)} ms ` +
          `(${row.fps.toFixed(1).padStart(5)} fps)  pure ort ${row.pureOrtMs.toFixed(1).padStart(7)} ms  ` +
          `ratio ${row.ratio.toFixed(3)}  overhead ${row.overheadMs.toFixed(1)} ms (x${row.inRunRatio.toFixed(3)})  jpeg decode ${row.decodeJpegMs.toFixed(1).padStart(5)} ms  ` +
          `count ${row.count.toFixed(1).padStart(7)}  peak RSS ${row.peakRssMb.toFixed(0)} MB`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await estimator.close();
    await pure.release();
  }
  console.log(JSON.stringify({ model: modelPath, threads, rows }));
}

await main();
