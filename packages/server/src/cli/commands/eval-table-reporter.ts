import type { DatasetEvaluation } from '../../datasets/index.js';
import { meanErrorPercent, type EvalReportContext } from './eval-json-reporter.js';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const signed = (value: number, digits: number): string =>
  Number.isFinite(value) ? `${value > 0 ? '+' : ''}${value.toFixed(digits)}` : '-';

function scaleLine(context: EvalReportContext): string {
  const { scale, auto } = context.peopleScale;
  const people = auto
    ? `people scale ${fixed(scale, 3)}, auto: GSD ${auto.gsdMPerPx.toPrecision(3)} m/px -> ${fixed(auto.headSizePx, 1)} px heads, trained [${auto.trainedHeadSizePx.join(', ')}] px`
    : `people scale ${scale}`;
  return context.imageScale === 1 ? people : `${people}; images and annotations resized x${context.imageScale} first`;
}

/** The --by-size table: one row per head-size band. */
function bandLines(evaluation: DatasetEvaluation): string[] {
  const lines = [
    'head size   images  mean gt      MAE       ME    ME %',
    ...evaluation.bySize.map((band) =>
      [
        `${band.label} px`.padEnd(10),
        String(band.images).padStart(6),
        fixed(band.meanTruth, 1).padStart(8),
        fixed(band.mae, 2).padStart(8),
        signed(band.meanError, 2).padStart(8),
        `${signed(band.meanErrorPercent, 1)}${Number.isFinite(band.meanErrorPercent) ? '%' : ''}`.padStart(7),
      ].join('  '),
    ),
  ];
  const unbanded = evaluation.images - evaluation.bySize.reduce((sum, band) => sum + band.images, 0);
  if (unbanded > 0) lines.push(`(${unbanded} image(s) without annotated people have no head size and no band)`);
  return lines;
}

/** The --by-view table: nadir and oblique images. */
function viewLines(evaluation: DatasetEvaluation): string[] {
  const lines = [
    'view        images  mean gt      MAE       ME    ME %',
    ...evaluation.byView.map((view) =>
      [
        view.view.padEnd(10),
        String(view.images).padStart(6),
        fixed(view.meanTruth, 1).padStart(8),
        fixed(view.mae, 2).padStart(8),
        signed(view.meanError, 2).padStart(8),
        `${signed(view.meanErrorPercent, 1)}${Number.isFinite(view.meanErrorPercent) ? '%' : ''}`.padStart(7),
      ].join('  '),
    ),
  ];
  const viewless = evaluation.images - evaluation.byView.reduce((sum, view) => sum + view.images, 0);
  if (viewless > 0) lines.push(`(${viewless} image(s) without person boxes have no view)`);
  return lines;
}

/** `raqib eval --format table`: one row per image, then the summary figures (and the --by-size table). */
export function formatEvalTable(evaluation: DatasetEvaluation, context: EvalReportContext): string {
  const lines: string[] = [];
  const nameWidth = Math.max(5, ...evaluation.rows.map((row) => row.name.length));
  const header = ['image'.padEnd(nameWidth), 'gt'.padStart(6), 'predicted'.padStart(10), 'error'.padStart(9)];
  lines.push([...header, 'head px'.padStart(7), 'ms'.padStart(8)].join('  '));
  for (const row of evaluation.rows) {
    lines.push(
      [
        row.name.padEnd(nameWidth),
        String(row.truth).padStart(6),
        fixed(row.predicted, 1).padStart(10),
        fixed(row.predicted - row.truth, 1).padStart(9),
        fixed(row.headSizePx, 1).padStart(7),
        fixed(row.estimateMs, 1).padStart(8),
      ].join('  '),
    );
  }
  const problems = context.listingProblems.length + evaluation.problems.length;
  const meanTruth = evaluation.images > 0 ? evaluation.totalTruth / evaluation.images : NaN;
  lines.push(
    '',
    `dataset            ${context.dataset}${context.subset === null ? '' : ` (subset ${context.subset})`}`,
    `model              ${context.modelPath} (${scaleLine(context)})`,
    `images             ${evaluation.images}${problems > 0 ? ` (${problems} skipped with problems, see stderr)` : ''}`,
    `MAE                ${fixed(evaluation.mae, 2)}`,
    `RMSE               ${fixed(evaluation.rmse, 2)}`,
    `ME (signed)        ${signed(evaluation.meanError, 2)}  (${signed(meanErrorPercent(evaluation), 1)}% of the mean count ${fixed(meanTruth, 1)}; total ${fixed(evaluation.totalPredicted, 0)} predicted / ${evaluation.totalTruth} annotated)`,
    `ms per image       ${fixed(evaluation.msPerImage, 1)}  (model runtime ${fixed(evaluation.inferenceMsPerImage, 1)}; image decoding ${fixed(evaluation.decodeMsPerImage, 1)}, overlapped)`,
    '',
    'localisation  radius  precision  recall  F1',
  );
  for (const score of evaluation.localisation) {
    lines.push(
      `              ${`${score.radiusPx} px`.padEnd(6)}  ${fixed(score.precision, 3).padStart(9)}  ${fixed(score.recall, 3).padStart(6)}  ${fixed(score.f1, 3)}`,
    );
  }
  if (context.bySize) lines.push('', ...bandLines(evaluation));
  if (context.byView) lines.push('', ...viewLines(evaluation));
  for (const warning of context.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n') + '\n';
}
