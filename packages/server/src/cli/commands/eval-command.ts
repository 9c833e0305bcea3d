import { basename } from 'node:path';
import { RaqibError, type DensityEstimator, type RgbImage } from '@raqib/core';
import {
  evaluateDataset,
  listDataset,
  readImageSplit,
  type DatasetImage,
  type DatasetProblem,
} from '../../datasets/index.js';
import type { DensityModelInfo } from '../../inference/index.js';
import { moduleLogger } from '../../logging/logger.js';
import { defineCommand, type CommandIo, type CommandSpec } from '../command-spec.js';
import { formatEvalJson, type EvalReportContext } from './eval-json-reporter.js';
import { evalOptions } from './eval-options.js';
import type { ModelPrecision } from '../../inference/model-precision.js';
import { resolveEvalPeopleScale } from './eval-people-scale.js';
import { formatEvalTable } from './eval-table-reporter.js';

/** A density estimator with what `--scale auto` needs to know about its model. */
export type EvalEstimator = DensityEstimator & {
  readonly model?: Pick<DensityModelInfo, 'trainedHeadSizePx'> & Partial<Pick<DensityModelInfo, 'modelPath'>>;
};

/** What `raqib eval` needs from the outside world; tests inject fakes. */
export interface EvalDependencies {
  createEstimator(options: {
    modelPath?: string;
    precision?: ModelPrecision;
    onWarning?: (message: string) => void;
    threads?: number;
  }): Promise<EvalEstimator>;
  loadImage(path: string): Promise<RgbImage>;
  /** Resizes an image to exactly `widthPx x heightPx` (for --image-scale). */
  resizeImage(image: RgbImage, widthPx: number, heightPx: number): Promise<RgbImage>;
  defaultModelPath(): string;
}

type EvalOptions = { [K in keyof typeof evalOptions]: unknown };

/** Loads the real estimator and image decoder only when `eval` runs (onnxruntime is heavy). */
async function realDependencies(): Promise<EvalDependencies> {
  const [inference, ingest] = await Promise.all([import('../../inference/index.js'), import('../../ingest/index.js')]);
  return {
    createEstimator: (options) => inference.createOnnxDensityEstimator(options),
    loadImage: (path) => ingest.loadImageFile(path),
    resizeImage: (image, widthPx, heightPx) => inference.resizeRgb(image, widthPx, heightPx),
    defaultModelPath: () => inference.defaultModelPath(),
  };
}

function positiveNumber(name: string, value: unknown, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    throw new RaqibError(
      'USAGE',
      `raqib eval: --${name} must be a positive ${integer ? 'integer' : 'number'}, got ${n}`,
    );
  }
  return n;
}

/** Picks the images to evaluate: those the split lists (in natural order), then the first `limit`. */
async function selectImages(
  images: DatasetImage[],
  imagesDir: string,
  options: EvalOptions,
  dataset: string,
): Promise<{ selected: DatasetImage[]; problems: DatasetProblem[] }> {
  let selected = images;
  const problems: DatasetProblem[] = [];
  const splitPath = options.split as string | undefined;
  if (splitPath !== undefined) {
    const names = await readImageSplit(splitPath, {
      part: options['split-part'] as string | undefined,
      subset: (options['split-subset'] as string | undefined) ?? 'val',
      datasetDir: dataset,
    });
    const wanted = new Set(names.map((name) => basename(name)));
    const present = new Set(images.map((image) => image.name));
    for (const name of wanted) {
      if (!present.has(name)) {
        problems.push({
          file: splitPath,
          code: 'INPUT_NOT_FOUND',
          message: `${splitPath}: lists ${name}, which is not in ${imagesDir}; is it the split of another part?`,
        });
      }
    }
    selected = images.filter((image) => wanted.has(image.name));
  }
  const limit = positiveNumber('limit', options.limit, true);
  if (limit !== undefined) selected = selected.slice(0, limit);
  return { selected, problems };
}

async function runEval(
  options: EvalOptions,
  io: CommandIo,
  dependencies: () => Promise<EvalDependencies>,
): Promise<number> {
  const log = moduleLogger('eval');
  const dataset = options.dataset as string | undefined;
  if (dataset === undefined) {
    throw new RaqibError('USAGE', "raqib eval: --dataset DIR is required. See 'raqib eval --help'.");
  }
  const imageScale = positiveNumber('image-scale', options['image-scale'], false) ?? 1;
  const gsdMPerPx = positiveNumber('gsd', options.gsd, false);
  const scaleText = options.scale as string | undefined;
  const autoScale = scaleText === 'auto' || (scaleText === undefined && gsdMPerPx !== undefined);
  if (autoScale && gsdMPerPx === undefined) {
    throw new RaqibError(
      'USAGE',
      "raqib eval: --scale auto needs --gsd M_PER_PX (the images' ground sampling distance)",
    );
  }
  if (!autoScale && gsdMPerPx !== undefined) {
    throw new RaqibError(
      'USAGE',
      `raqib eval: give --scale ${scaleText} or --gsd (which means --scale auto), not both`,
    );
  }
  let fixedScale: number | undefined;
  if (!autoScale && scaleText !== undefined) {
    fixedScale = Number(scaleText);
    if (scaleText.trim() === '' || !(fixedScale > 0) || !Number.isFinite(fixedScale)) {
      throw new RaqibError('USAGE', `raqib eval: --scale must be a positive number or auto, got '${scaleText}'`);
    }
  }
  const threads = positiveNumber('threads', options.threads, true);
  positiveNumber('limit', options.limit, true);
  const subset = options['split-subset'] as string | undefined;
  const listing = await listDataset(dataset, subset === undefined ? {} : { subset });
  const { selected, problems: selectionProblems } = await selectImages(
    listing.images,
    listing.imagesDir,
    options,
    dataset,
  );
  const listingProblems = [...listing.problems, ...selectionProblems];
  for (const problem of listingProblems) io.stderr.write(`raqib eval: ${problem.message}\n`);
  if (selected.length === 0) {
    throw new RaqibError('DATASET_INVALID', `${dataset}: no image left to evaluate after --split/--limit`);
  }
  const warnings =
    options.split === undefined && options.limit === undefined
      ? listing.unmatchedGroundTruth.map((file) => `${file}: annotation without an image in ${listing.imagesDir}`)
      : [];
  for (const warning of warnings) io.stderr.write(`raqib eval: warning: ${warning}\n`);

  const deps = await dependencies();
  const modelPath = (options.model as string | undefined) ?? deps.defaultModelPath();
  const estimator = await deps.createEstimator({
    modelPath,
    precision: (options.precision as ModelPrecision | undefined) ?? 'auto',
    onWarning: (message) => io.stderr.write(`raqib eval: warning: ${message}\n`),
    ...(threads !== undefined ? { threads } : {}),
  });
  const progress = io.stderr.isTTY === true;
  let evaluation;
  let peopleScale;
  try {
    peopleScale = resolveEvalPeopleScale({ fixedScale, gsdMPerPx, imageScale, estimator, modelPath });
    evaluation = await evaluateDataset({
      images: selected,
      estimator,
      loadImage: deps.loadImage,
      resizeImage: deps.resizeImage,
      imageScale,
      scale: peopleScale.scale,
      onProblem: (problem) => io.stderr.write(`${progress ? '\r\x1b[K' : ''}raqib eval: ${problem.message}\n`),
      onImage: (row, done, total) => {
        log.debug({ image: row.name, truth: row.truth, predicted: row.predicted, ms: row.estimateMs }, 'evaluated');
        if (progress) io.stderr.write(`\r\x1b[K[${done}/${total}] ${row.name}`);
      },
    });
  } finally {
    if (progress) io.stderr.write('\r\x1b[K');
    await estimator.close();
  }
  if (evaluation.images === 0) {
    throw new RaqibError(
      'DATASET_INVALID',
      `${dataset}: none of the ${selected.length} image(s) could be evaluated (see the messages above)`,
    );
  }
  const context: EvalReportContext = {
    dataset: listing.root,
    subset: listing.subset,
    // the file that ran: the int8 variant when --precision resolved to it
    modelPath: estimator.model?.modelPath ?? modelPath,
    imageScale,
    peopleScale,
    bySize: options['by-size'] === true,
    byView: options['by-view'] === true,
    warnings,
    listingProblems,
  };
  io.stdout.write(
    options.format === 'json' ? formatEvalJson(evaluation, context) : formatEvalTable(evaluation, context),
  );
  return listingProblems.length + evaluation.problems.length > 0 ? 1 : 0;
}

/** Builds `raqib eval` on the given dependencies (the real estimator by default). */
export function createEvalCommand(dependencies: () => Promise<EvalDependencies> = realDependencies): CommandSpec {
  const spec = defineCommand({
    name: 'eval',
    summary:
      'Score the density model on an annotated dataset (ShanghaiTech points, VisDrone or YOLO boxes): count MAE/RMSE/ME, per head-size band, ms per image, head localisation P/R/F1',
    usage:
      '--dataset DIR [--split-subset NAME] [--by-size] [--by-view] [--image-scale F] [--scale FACTOR | --scale auto --gsd M_PER_PX] [--format table|json] [--limit N] [--split FILE] [--model PATH]',
    options: evalOptions,
    examples: [
      'raqib eval --dataset ../shared/datasets/ShanghaiTech/part_B/train_data --limit 20',
      'raqib eval --dataset ../shared/datasets/ShanghaiTech/part_A/train_data --split training/val-split.json --format json',
      'raqib eval --dataset ../shared/datasets/VisDrone-person --split-subset val --by-size --by-view',
      'raqib eval --dataset ../shared/datasets/ShanghaiTech/part_B/train_data --split training/val-split.json --image-scale 0.4 --by-size',
      'raqib eval --dataset ../shared/datasets/ShanghaiTech/part_B/train_data --split training/val-split.json --image-scale 0.4 --scale auto --gsd 0.02',
    ],
    run: ({ options, io }) => runEval(options, io, dependencies),
  });
  return spec as unknown as CommandSpec;
}

/** `raqib eval`. */
export const evalCommand: CommandSpec = createEvalCommand();
