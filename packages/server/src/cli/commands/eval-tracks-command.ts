import { evaluateTracks, RaqibError, type TrackEvaluation } from '@raqib/core';
import { checkOption, OPTION_LIMITS } from '../../input-limits/index.js';
import { defineCommand, type CommandIo } from '../command-spec.js';
import { readTrackCsv, type TrackCsv } from '../../tracking-data/index.js';

/** Issues printed per file before the rest are summarised. */
const SHOWN_ISSUES = 10;

/** `raqib eval-tracks`: scores predicted tracks against ground truth (MOTA, MOTP, IDF1, HOTA). */
export const evalTracksCommand = defineCommand({
  name: 'eval-tracks',
  summary: 'Score predicted tracks against ground-truth tracks (MOTA, MOTP, ID switches, IDF1, HOTA)',
  usage: '--gt FILE --pred FILE [--max-dist PX] [--format table|json]',
  options: {
    gt: {
      type: 'string',
      description: 'Ground-truth tracks, CSV frame,track_id,x,y (header optional)',
      valueName: 'FILE',
    },
    pred: {
      type: 'string',
      description: 'Predicted tracks, CSV frame,track_id,x,y (header optional)',
      valueName: 'FILE',
    },
    'max-dist': {
      type: 'number',
      description: 'Largest distance at which a prediction matches a true point, pixels',
      default: 10,
      valueName: 'PX',
    },
    format: { type: 'string', description: 'Output format', default: 'table', choices: ['table', 'json'] },
  },
  examples: [
    'raqib eval-tracks --gt ../shared/datasets/DroneCrowd/annotations/00001.csv --pred tracks.csv',
    'raqib eval-tracks --gt gt.csv --pred tracks.csv --max-dist 8 --format json',
  ],
  async run({ options, io }) {
    if (!options.gt || !options.pred) {
      throw new RaqibError(
        'USAGE',
        `missing --${options.gt ? 'pred' : 'gt'} FILE. Usage: raqib eval-tracks --gt FILE --pred FILE`,
      );
    }
    checkOption('max-dist', options['max-dist'], OPTION_LIMITS['max-dist']);
    const gt = await readTrackCsv(options.gt);
    const pred = await readTrackCsv(options.pred);
    reportIssues(options.gt, gt, io);
    reportIssues(options.pred, pred, io);
    const result = evaluateTracks(gt.frames, pred.frames, { maxDistPx: options['max-dist'] });
    io.stdout.write(options.format === 'json' ? JSON.stringify(jsonReport(result, gt, pred)) + '\n' : table(result));
    return 0;
  },
});

function reportIssues(path: string, csv: TrackCsv, io: CommandIo): void {
  for (const issue of csv.issues.slice(0, SHOWN_ISSUES)) {
    io.stderr.write(
      `raqib eval-tracks: ${path}:${issue.line}: ${issue.kind === 'skipped' ? 'row skipped: ' : ''}${issue.message}\n`,
    );
  }
  if (csv.issueCount > SHOWN_ISSUES) {
    io.stderr.write(`raqib eval-tracks: ${path}: ${csv.issueCount - SHOWN_ISSUES} more issue(s) not shown\n`);
  }
}

function jsonReport(result: TrackEvaluation, gt: TrackCsv, pred: TrackCsv): object {
  return {
    idf1: result.idf1,
    mota: result.mota,
    idSwitches: result.idSwitches,
    motpPx: result.motpPx,
    hota: result.hota,
    detA: result.detA,
    assA: result.assA,
    locA: result.locA,
    idPrecision: result.idPrecision,
    idRecall: result.idRecall,
    falsePositives: result.falsePositives,
    misses: result.misses,
    matches: result.matches,
    fragmentations: result.fragmentations,
    gtPoints: result.gtPoints,
    predPoints: result.predPoints,
    gtTracks: result.gtTracks,
    predTracks: result.predTracks,
    frames: result.frames,
    maxDistPx: result.maxDistPx,
    skippedRows: {
      gt: gt.issues.filter((i) => i.kind === 'skipped').length,
      pred: pred.issues.filter((i) => i.kind === 'skipped').length,
    },
  };
}

function table(r: TrackEvaluation): string {
  const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);
  const rows: [string, string][] = [
    ['IDF1', pct(r.idf1)],
    ['MOTA', pct(r.mota)],
    ['HOTA', pct(r.hota)],
    ['  DetA / AssA / LocA', `${pct(r.detA)} / ${pct(r.assA)} / ${pct(r.locA)}`],
    ['MOTP (mean match distance)', `${r.motpPx.toFixed(2)} px`],
    ['ID switches', String(r.idSwitches)],
    ['fragmentations', String(r.fragmentations)],
    ['ID precision / recall', `${pct(r.idPrecision)} / ${pct(r.idRecall)}`],
    ['matches / misses / false positives', `${r.matches} / ${r.misses} / ${r.falsePositives}`],
    ['ground truth: points / tracks', `${r.gtPoints} / ${r.gtTracks}`],
    ['predicted: points / tracks', `${r.predPoints} / ${r.predTracks}`],
    ['frames', String(r.frames)],
    ['match threshold', `${r.maxDistPx} px`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n') + '\n';
}
