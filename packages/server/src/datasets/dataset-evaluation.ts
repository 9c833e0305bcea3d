import {
  cameraViewErrors,
  cameraViewOfBoxes,
  countErrorMetrics,
  headSizeBandErrors,
  isRaqibError,
  localisationCounts,
  localisationScore,
  pointsOutsideBoxes,
  sumLocalisationCounts,
  zeroDensityInBoxes,
  densityMapCount,
  type CameraView,
  type CameraViewErrors,
  type DensityEstimator,
  type HeadSizeBandErrors,
  type LocalisationCounts,
  type LocalisationScore,
  type RgbImage,
} from '@raqib/core';
import {
  medianHeadSizePx,
  readGroundTruthFile,
  resolveGroundTruth,
  scaleGroundTruth,
  type GroundTruthFormat,
  type ImageGroundTruth,
} from './image-ground-truth.js';
import type { DatasetImage, DatasetProblem } from './shanghaitech-dataset.js';

/** Matching radii (px) for localisation precision/recall/F1 unless told otherwise. */
export const DEFAULT_LOCALISATION_RADII_PX: readonly number[] = [8, 16];

/** What evaluating one image gave. */
export interface ImageEvaluation {
  name: string;
  imagePath: string;
  groundTruthPath: string;
  groundTruthFormat: GroundTruthFormat;
  /** Size of the image as evaluated (after `imageScale`). */
  width: number;
  height: number;
  /** Annotated number of people (those in ignored regions excluded). */
  truth: number;
  /** Estimated number of people (the density sum, outside ignored regions). */
  predicted: number;
  /**
   * Median head size of the annotated people after `imageScale`, px (box annotations: `min(w, h) / 2`
   * per box; head points: nearest-neighbour distance capped at 64); NaN when unknown.
   */
  headSizePx: number;
  /** How the camera saw the people, from their boxes' median height/width (null for head points or no people). */
  view: CameraView | null;
  /** Ignored regions of the annotation (VisDrone category 0). */
  ignoredRegions: number;
  /** Annotated people in ignored regions, not counted in `truth`. */
  droppedInIgnoredRegions: number;
  /** Number of head points the estimator decoded. */
  predictedPoints: number;
  /** Wall-clock time of the `estimate` call (pre-processing, model, decoding), ms. */
  estimateMs: number;
  /** Time the estimator reports inside the model runtime, ms. */
  inferenceMs: number;
  /** Time to read and decode the image file (and resize it for `imageScale`), ms. */
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
  /** Count error per head-size band (images by their median head size), smallest heads first. */
  bySize: HeadSizeBandErrors[];
  /** Count error per camera view (box annotations only). */
  byView: CameraViewErrors[];
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
  /**
   * Resize each image and its annotation by this factor before anything else (default 1), e.g. 0.4 to
   * see street photos as from a higher drone. Needs `resizeImage`.
   */
  imageScale?: number;
  /** Resizes an image to exactly `widthPx x heightPx` (for `imageScale`). */
  resizeImage?(image: RgbImage, widthPx: number, heightPx: number): Promise<RgbImage>;
  radiiPx?: readonly number[];
  /** Called as soon as an image fails, so the caller can report it while the run goes on. */
  onProblem?(problem: DatasetProblem): void;
  /** Called after each evaluated image. */
  onImage?(row: ImageEvaluation, done: number, total: number): void;
}

interface Prepared {
  item: DatasetImage;
  groundTruthPath: string;
  truth: ImageGroundTruth;
  image: RgbImage;
  decodeMs: number;
}

function problemOf(file: string, error: unknown, fallback: DatasetProblem['code']): DatasetProblem {
  const text = error instanceof Error ? error.message : String(error);
  const message = `${text.includes(file) ? text : `${file}: ${text}`}; skipped`;
  return { file, code: isRaqibError(error) ? error.code : fallback, message };
}

/**
 * Reads the annotation and the image of one item, checking that they belong together, and resizes
 * both by `imageScale`.
 */
async function prepare(
  item: DatasetImage,
  options: Pick<DatasetEvaluationOptions, 'loadImage' | 'imageScale' | 'resizeImage'>,
): Promise<Prepared | DatasetProblem> {
  const groundTruthPath = item.groundTruthPath;
  if (groundTruthPath === null) {
    return {
      file: item.imagePath,
      code: 'GROUND_TRUTH_MISSING',
      message: `${item.imagePath}: no ground truth (expected ${item.expectedGroundTruth}); skipped`,
    };
  }
  let parsed;
  try {
    parsed = await readGroundTruthFile(groundTruthPath, item.groundTruthFormat);
  } catch (error) {
    return problemOf(groundTruthPath, error, 'GROUND_TRUTH_INVALID');
  }
  let image: RgbImage;
  const started = performance.now();
  try {
    image = await options.loadImage(item.imagePath);
  } catch (error) {
    return problemOf(item.imagePath, error, 'IMAGE_DECODE_FAILED');
  }
  const { truth, mismatches } = resolveGroundTruth(parsed, {
    fileName: item.name,
    width: image.width,
    height: image.height,
  });
  if (mismatches.length > 0) {
    return {
      file: groundTruthPath,
      code: 'GROUND_TRUTH_INVALID',
      message: `${groundTruthPath}: does not match ${item.name}: ${mismatches.join('; ')}; skipped`,
    };
  }
  const imageScale = options.imageScale ?? 1;
  if (imageScale === 1) return { item, groundTruthPath, truth, image, decodeMs: performance.now() - started };
  if (!options.resizeImage) throw new Error('evaluateDataset: imageScale needs resizeImage');
  const widthPx = Math.max(1, Math.round(image.width * imageScale));
  const heightPx = Math.max(1, Math.round(image.height * imageScale));
  let resized: RgbImage;
  try {
    resized = await options.resizeImage(image, widthPx, heightPx);
  } catch (error) {
    return problemOf(item.imagePath, error, 'IMAGE_DECODE_FAILED');
  }
  return {
    item,
    groundTruthPath,
    truth: scaleGroundTruth(truth, widthPx / image.width, heightPx / image.height),
    image: resized,
    decodeMs: performance.now() - started,
  };
}

/**
 * Runs the estimator over every image of a dataset and scores it against the annotations: count
 * error (MAE, RMSE, bias), per head-size band, time per image, and localisation precision/recall/F1
 * of the decoded head points at each radius. In ignored regions (VisDrone category 0) neither the
 * predicted density nor any point counts: density cells whose centre lies inside one are zeroed, and
 * annotated and predicted points inside one are dropped. Bad items (unreadable image, missing or mismatched annotation, estimator
 * failure) become `problems` and the remaining images are still evaluated. The next image is read
 * while the current one is estimated.
 */
export async function evaluateDataset(options: DatasetEvaluationOptions): Promise<DatasetEvaluation> {
  const { images, estimator } = options;
  const radii = options.radiiPx ?? DEFAULT_LOCALISATION_RADII_PX;
  const rows: ImageEvaluation[] = [];
  const problems: DatasetProblem[] = [];
  const report = (problem: DatasetProblem): void => {
    problems.push(problem);
    options.onProblem?.(problem);
  };
  let next = images[0] ? prepare(images[0], options) : null;
  for (let i = 0; next; i++) {
    const prepared = await next;
    next = images[i + 1] ? prepare(images[i + 1]!, options) : null;
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
    const ignored = truth.ignoredBoxesXyxy;
    const predictedXy =
      ignored.length > 0 ? pointsOutsideBoxes(estimate.points.centers(), ignored) : estimate.points.centers();
    const predicted =
      ignored.length > 0 ? densityMapCount(zeroDensityInBoxes(estimate.density, ignored)) : estimate.count;
    const row: ImageEvaluation = {
      name: item.name,
      imagePath: item.imagePath,
      groundTruthPath: prepared.groundTruthPath,
      groundTruthFormat: truth.format,
      width: image.width,
      height: image.height,
      truth: truth.count,
      predicted,
      headSizePx: medianHeadSizePx(truth),
      view: truth.boxHeightToWidth ? cameraViewOfBoxes(truth.boxHeightToWidth) : null,
      ignoredRegions: ignored.length / 4,
      droppedInIgnoredRegions: truth.droppedInIgnoredRegions,
      predictedPoints: predictedXy.length / 2,
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
    bySize: headSizeBandErrors(rows),
    byView: cameraViewErrors(rows),
    rows,
    problems,
  };
}
