import type { DatasetEvaluation } from '../../datasets/index.js';
import type { EvalReportContext } from './eval-json-reporter.js';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** `raqib eval --format table`: one row per image, then the summary figures. */
export function formatEvalTable(evaluation: DatasetEvaluation, context: EvalReportContext): string {
  const lines: string[] = [];
  const nameWidth = Math.max(5, ...evaluation.rows.map((row) => row.name.length));
  const header = ['image'.padEnd(nameWidth), 'gt'.padStart(6), 'predicted'.padStart(10), 'error'.padStart(9)];
  lines.push([...header, 'ms'.padStart(8)].join('  '));
  for (const row of evaluation.rows) {
    lines.push(
      [
        row.name.padEnd(nameWidth),
        String(row.truth).padStart(6),
        fixed(row.predicted, 1).padStart(10),
        fixed(row.predicted - row.truth, 1).padStart(9),
        fixed(row.estimateMs, 1).padStart(8),
      ].join('  '),
    );
  }
  const problems = context.listingProblems.length + evaluation.problems.length;
  lines.push(
    '',
    `dataset            ${context.dataset}`,
    `model              ${context.modelPath} (scale ${context.scale})`,
    `images             ${evaluation.images}${problems > 0 ? ` (${problems} skipped with problems, see stderr)` : ''}`,
    `MAE                ${fixed(evaluation.mae, 2)}`,
    `RMSE               ${fixed(evaluation.rmse, 2)}`,
    `mean error (bias)  ${fixed(evaluation.meanError, 2)}  (total ${fixed(evaluation.totalPredicted, 0)} predicted / ${evaluation.totalTruth} annotated)`,
    `ms per image       ${fixed(evaluation.msPerImage, 1)}  (model runtime ${fixed(evaluation.inferenceMsPerImage, 1)}; image decoding ${fixed(evaluation.decodeMsPerImage, 1)}, overlapped)`,
    '',
    'localisation  radius  precision  recall  F1',
  );
  for (const score of evaluation.localisation) {
    lines.push(
      `              ${`${score.radiusPx} px`.padEnd(6)}  ${fixed(score.precision, 3).padStart(9)}  ${fixed(score.recall, 3).padStart(6)}  ${fixed(score.f1, 3)}`,
    );
  }
  for (const warning of context.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n') + '\n';
}
