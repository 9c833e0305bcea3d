import type { CameraViewErrors, HeadSizeBandErrors } from '@raqib/core';
import type { DatasetEvaluation, DatasetProblem } from '../../datasets/index.js';
import type { EvalPeopleScale } from './eval-people-scale.js';

/** What the eval command knows besides the evaluation itself. */
export interface EvalReportContext {
  dataset: string;
  /** Subset folder evaluated (`val`, ...) for datasets with images/{train,val,test}, else null. */
  subset: string | null;
  modelPath: string;
  /** --image-scale: images and annotations were resized by this first. */
  imageScale: number;
  /** The people scale the estimator applied, and whether it came from --scale auto. */
  peopleScale: EvalPeopleScale;
  /** --by-size: report the error per head-size band. */
  bySize: boolean;
  /** --by-view: report the error per camera view (nadir / oblique). */
  byView: boolean;
  /** Notes that do not fail the run (e.g. annotations without an image). */
  warnings: readonly string[];
  /** Problems found before evaluation (non-image files, split names not in the dataset). */
  listingProblems: readonly DatasetProblem[];
}

const round = (value: number, digits: number): number | null =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : null;

/** Mean signed error as a percentage of the mean annotated count (NaN when there are no people). */
export function meanErrorPercent(evaluation: DatasetEvaluation): number {
  return evaluation.totalTruth > 0 ? (100 * evaluation.meanError * evaluation.images) / evaluation.totalTruth : NaN;
}

function bandJson(band: HeadSizeBandErrors) {
  return {
    band: band.label,
    minPx: band.minPx,
    maxPx: Number.isFinite(band.maxPx) ? band.maxPx : null,
    images: band.images,
    meanTruth: round(band.meanTruth, 2),
    mae: round(band.mae, 4),
    meanError: round(band.meanError, 4),
    meanErrorPercent: round(band.meanErrorPercent, 2),
  };
}

function viewJson(view: CameraViewErrors) {
  return {
    view: view.view,
    images: view.images,
    meanTruth: round(view.meanTruth, 2),
    mae: round(view.mae, 4),
    meanError: round(view.meanError, 4),
    meanErrorPercent: round(view.meanErrorPercent, 2),
  };
}

/**
 * `raqib eval --format json`: ONE JSON object on one line, with the aggregate figures first
 * (`images`, `mae`, `rmse`, `meanError` = ME, the mean signed error predicted - truth, ...), then
 * `localisation`, `bySize` (with --by-size), `byView` (with --by-view), `perImage` rows and `problems`.
 */
export function formatEvalJson(evaluation: DatasetEvaluation, context: EvalReportContext): string {
  const report = {
    images: evaluation.images,
    mae: round(evaluation.mae, 4),
    rmse: round(evaluation.rmse, 4),
    meanError: round(evaluation.meanError, 4),
    meanErrorPercent: round(meanErrorPercent(evaluation), 2),
    meanRelativeError: round(evaluation.meanRelativeError, 4),
    totalTruth: evaluation.totalTruth,
    totalPredicted: round(evaluation.totalPredicted, 2),
    msPerImage: round(evaluation.msPerImage, 2),
    inferenceMsPerImage: round(evaluation.inferenceMsPerImage, 2),
    decodeMsPerImage: round(evaluation.decodeMsPerImage, 2),
    localisation: evaluation.localisation.map((score) => ({
      radiusPx: score.radiusPx,
      precision: round(score.precision, 4),
      recall: round(score.recall, 4),
      f1: round(score.f1, 4),
      truePositives: score.truePositives,
      falsePositives: score.falsePositives,
      falseNegatives: score.falseNegatives,
    })),
    ...(context.bySize ? { bySize: evaluation.bySize.map(bandJson) } : {}),
    ...(context.byView ? { byView: evaluation.byView.map(viewJson) } : {}),
    dataset: context.dataset,
    subset: context.subset,
    model: context.modelPath,
    imageScale: context.imageScale,
    scale: round(context.peopleScale.scale, 6),
    scaleAuto: context.peopleScale.auto
      ? {
          gsdMPerPx: round(context.peopleScale.auto.gsdMPerPx, 6),
          headSizePx: round(context.peopleScale.auto.headSizePx, 3),
          trainedHeadSizePx: context.peopleScale.auto.trainedHeadSizePx,
        }
      : null,
    perImage: evaluation.rows.map((row) => ({
      path: row.imagePath,
      groundTruth: row.groundTruthPath,
      groundTruthFormat: row.groundTruthFormat,
      width: row.width,
      height: row.height,
      gt: row.truth,
      predicted: round(row.predicted, 2),
      headSizePx: round(row.headSizePx, 2),
      view: row.view,
      ignoredRegions: row.ignoredRegions,
      droppedInIgnoredRegions: row.droppedInIgnoredRegions,
      predictedPoints: row.predictedPoints,
      ms: round(row.estimateMs, 2),
      inferenceMs: round(row.inferenceMs, 2),
      tiles: row.tiles,
      localisation: row.localisation,
    })),
    problems: [...context.listingProblems, ...evaluation.problems],
    warnings: context.warnings,
  };
  return JSON.stringify(report) + '\n';
}
