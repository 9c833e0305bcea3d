import type { DatasetEvaluation, DatasetProblem } from '../../datasets/index.js';

/** What the eval command knows besides the evaluation itself. */
export interface EvalReportContext {
  dataset: string;
  modelPath: string;
  scale: number;
  /** Notes that do not fail the run (e.g. annotations without an image). */
  warnings: readonly string[];
  /** Problems found before evaluation (non-image files, split names not in the dataset). */
  listingProblems: readonly DatasetProblem[];
}

const round = (value: number, digits: number): number | null =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : null;

/**
 * `raqib eval --format json`: ONE JSON object on one line, with the aggregate figures first
 * (`images`, `mae`, `rmse`, `msPerImage`, ...), then `localisation`, `perImage` rows and `problems`.
 */
export function formatEvalJson(evaluation: DatasetEvaluation, context: EvalReportContext): string {
  const report = {
    images: evaluation.images,
    mae: round(evaluation.mae, 4),
    rmse: round(evaluation.rmse, 4),
    meanError: round(evaluation.meanError, 4),
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
    dataset: context.dataset,
    model: context.modelPath,
    scale: context.scale,
    perImage: evaluation.rows.map((row) => ({
      path: row.imagePath,
      groundTruth: row.groundTruthPath,
      width: row.width,
      height: row.height,
      gt: row.truth,
      predicted: round(row.predicted, 2),
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
