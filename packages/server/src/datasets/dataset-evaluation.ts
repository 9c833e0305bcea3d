import { basename } from 'node:path';
import {
  countErrorMetrics,
  isRaqibError,
  localisationCounts,
  localisationScore,
  sumLocalisationCounts,
  type DensityEstimator,
  type LocalisationCounts,
  type LocalisationScore,
  type RgbImage,
} from '@raqib/core';
import {
  groundTruthProblems,
  readHeadPointsGroundTruth,
  type HeadPointsGroundTruth,
} from './head-points-ground-truth.js';
import type { DatasetImage, DatasetProblem } from './shanghaitech-dataset.js';

/** Matching radii (px) for localisation precision/recall/F1 unless told otherwise. */
export const DEFAULT_LOCALISATION_RADII_PX: readonly number[] = [8, 16];

/** What evaluating one image gave. */
export interface ImageEvaluation {
  name: string;
  imagePath: string;
  groundTruthPath: string;
  width: number;
  height: number;
  /** Annotated number of people. */
  truth: number;
  /** Estimated number of people (the density sum). */
  predicted: number;
  /** Number of head points the estimator decoded. */
  predictedPoints: number;
  /** Wall-clock time of the `estimate` call (pre-processing, model, decoding), ms. */
  estimateMs: number;
  /** Time the estimator reports inside the model runtime, ms. */
  inferenceMs: number;
  /** Time to read and decode the image file, ms. */
  decodeMs: number;
  tiles: number;
  /** Localisation counts per radius, in the order of `radiiPx`. */
  localisation: Array<LocalisationCounts & { radiusPx: number }>;
}

/** A dataset evaluation: the per-image rows and the aggregate figures over them. */
export interface DatasetEvaluation {
  images: number;
  mae: number;
  rmse: number;
  /** Mean signed error (predicted - truth), people per image. */
  meanError: number;
  meanRelativeError: number;
  totalTruth: number;
  totalPredicted: number;
  /** Mean wall-clock ms of `estimate` per image (decoding the file excluded). */
  msPerImage: number;
  inferenceMsPerImage: number;
  decodeMsPerImage: number;
  /** Precision/recall/F1 of head points per radius, micro-averaged over images. */
  localisation: LocalisationScore[];
  rows: ImageEvaluation[];
  /** Images that could not be evaluated, with why; the rest were still evaluated. */
  problems: DatasetProblem[];
}

export interface DatasetEvaluationOptions {
  images: readonly DatasetImage[];
  estimator: DensityEstimator;
  loadImage(path: string): Promise<RgbImage>;
  /** People-scale factor passed to the estimator (default 1). */
  scale?: number;
  radiiPx?: readonly number[];
  /** Called as soon as an image fails, so the caller can report it while the run goes on. */
  onProblem?(problem: DatasetProblem): void;
  /** Called after each evaluated image. */
  onImage?(row: ImageEvaluation, done: number, total: number): void;
}

interface Prepared {
  item: DatasetImage;
  groundTruthPath: string;
  truth: HeadPointsGroundTruth;
  image: RgbImage;
  decodeMs: number;
}

function problemOf(file: string, error: unknown, fallback: DatasetProblem['code']): DatasetProblem {
  const text = error instanceof Error ? error.message : String(error);
  const message = `${text.includes(file) ? text : `${file}: ${text}`}; skipped`;
  return { file, code: isRaqibError(error) ? error.code : fallback, message };
}

/** Reads the annotation and the image of one item, checking that they belong together. */
async function prepare(
  item: DatasetImage,
  loadImage: (path: string) => Promise<RgbImage>,
): Promise<Prepared | DatasetProblem> {
  const groundTruthPath = item.groundTruthPath;
  if (groundTruthPath === null) {
    return {
      file: item.imagePath,
      code: 'GROUND_TRUTH_MISSING',
      message: `${item.imagePath}: no ground truth (expected ground-truth/GT_${basename(item.name).replace(/\.[^.]+$/, '')}.mat or .json); skipped`,
    };
  }
  let truth: HeadPointsGroundTruth;
  try {
    truth = await readHeadPointsGroundTruth(groundTruthPath);
  } catch (error) {
    return problemOf(groundTruthPath, error, 'GROUND_TRUTH_INVALID');
  }
  let image: RgbImage;
  const started = performance.now();
  try {
    image = await loadImage(item.imagePath);
  } catch (error) {
    return problemOf(item.imagePath, error, 'IMAGE_DECODE_FAILED');
  }
  const decodeMs = performance.now() - started;
  const mismatches = groundTruthProblems(truth, { fileName: item.name, width: image.width, height: image.height });
  if (mismatches.length > 0) {
    return {
      file: groundTruthPath,
      code: 'GROUND_TRUTH_INVALID',
      message: `${groundTruthPath}: does not match ${item.name}: ${mismatches.join('; ')}; skipped`,
    };
  }
  return { item, groundTruthPath, truth, image, decodeMs };
}

/**
 * Runs the estimator over every image of a dataset and scores it against the annotations: count
 * error (MAE, RMSE, bias), time per image, and localisation precision/recall/F1 of the decoded head
 * points at each radius. Bad items (unreadable image, missing or mismatched annotation, estimator
 * failure) become `problems` and the remaining images are still evaluated. The next image is read
 * while the current one is estimated.
 */
export async function evaluateDataset(options: DatasetEvaluationOptions): Promise<DatasetEvaluation> {
  const { images, estimator, loadImage } = options;
  const radii = options.radiiPx ?? DEFAULT_LOCALISATION_RADII_PX;
  const rows: ImageEvaluation[] = [];
  const problems: DatasetProblem[] = [];
  const report = (problem: DatasetProblem): void => {
    problems.push(problem);
    options.onProblem?.(problem);
  };
  let next = images[0] ? prepare(images[0], loadImage) : null;
  for (let i = 0; next; i++) {
    const prepared = await next;
    next = images[i + 1] ? prepare(images[i + 1]!, loadImage) : null;
    if (!('image' in prepared)) {
      report(prepared);
      continue;
    }
    const { item, truth, image } = prepared;
    const started = performance.now();
    let estimate;
    try {
      estimate = await estimator.estimate(image, { scale: options.scale ?? 1 });
    } catch (error) {
      report(problemOf(item.imagePath, error, 'INFERENCE_FAILED'));
      continue;
    }
    const estimateMs = performance.now() - started;
    const predictedXy = estimate.points.centers();
    const row: ImageEvaluation = {
      name: item.name,
      imagePath: item.imagePath,
      groundTruthPath: prepared.groundTruthPath,
      width: image.width,
      height: image.height,
      truth: truth.count,
      predicted: estimate.count,
      predictedPoints: estimate.points.length,
      estimateMs,
      inferenceMs: estimate.inferenceMs,
      decodeMs: prepared.decodeMs,
      tiles: estimate.tiles,
      localisation: radii.map((radiusPx) => ({
        radiusPx,
        ...localisationCounts(predictedXy, truth.pointsXy, radiusPx),
      })),
    };
    rows.push(row);
    options.onImage?.(row, i + 1, images.length);
  }
  const counts = countErrorMetrics(rows.map((row) => ({ truth: row.truth, predicted: row.predicted })));
  const mean = (pick: (row: ImageEvaluation) => number): number =>
    rows.length > 0 ? rows.reduce((sum, row) => sum + pick(row), 0) / rows.length : NaN;
  return {
    ...counts,
    msPerImage: mean((row) => row.estimateMs),
    inferenceMsPerImage: mean((row) => row.inferenceMs),
    decodeMsPerImage: mean((row) => row.decodeMs),
    localisation: radii.map((radiusPx, k) =>
      localisationScore(sumLocalisationCounts(rows.map((row) => row.localisation[k]!)), radiusPx),
    ),
    rows,
    problems,
  };
}
