import { RaqibError, type PointFrame } from '@raqib/core';
import { columnPositions, IssueLog, splitCsv, type CsvIssue, type CsvRow } from './csv-table.js';
import { readText } from './track-csv.js';

/** Detected points read from a `frame,x,y[,score]` CSV file. */
export interface PointCsv {
  /** Frames sorted by number, including frames declared empty (a row with only the frame number). */
  frames: PointFrame[];
  rows: number;
  /** Whether the file had a score column (else every score is 1). */
  hasScore: boolean;
  /** Problems found (first 200), with line numbers; the run goes on without the bad rows. */
  issues: CsvIssue[];
  issueCount: number;
}

const POINT_COLUMNS = {
  frame: ['frame', 'frame_id', 'frame_idx'],
  x: ['x', 'x_px', 'cx'],
  y: ['y', 'y_px', 'cy'],
  score: ['score', 'confidence', 'conf'],
} as const;

/**
 * Parses `frame,x,y[,score]` rows (header optional; with a header, columns may come in any order).
 * A row holding only a frame number (`12` or `12,,`) declares an empty frame. Malformed rows are
 * skipped and reported with line numbers; scores outside 0..1 are clamped and noted; rows out of
 * frame order are grouped by frame and noted once. Only a file with no usable row is an error.
 *
 * @param source name used in messages (the file path)
 */
export function parsePointCsv(text: string, source: string): PointCsv {
  const { header, headerLine, rows } = splitCsv(text, Object.values(POINT_COLUMNS).flat());
  const defaultScore = !header && someRow(rows, (row) => row.fields.length >= 4) ? 3 : -1;
  const columns = columnPositions(header, POINT_COLUMNS, { frame: 0, x: 1, y: 2, score: defaultScore });
  for (const name of ['frame', 'x', 'y'] as const) {
    if (columns[name] < 0) {
      throw new RaqibError(
        'INPUT_INVALID',
        `${source}:${headerLine}: header has no '${name}' column (expected frame,x,y[,score]); rename the column or drop the header`,
      );
    }
  }
  const hasScore = columns.score >= 0;
  const width = Math.max(columns.frame, columns.x, columns.y) + 1;
  const log = new IssueLog();
  const byFrame = new Map<number, { xy: number[]; score: number[] }>();
  let lastFrame = -Infinity;
  let noticedOrder = false;
  let used = 0;
  for (const { line, fields } of rows) {
    const frameField = fields[columns.frame] ?? '';
    const frame = Number(frameField);
    if (frameField === '' || !Number.isInteger(frame) || frame < 0) {
      log.add(line, 'skipped', `frame '${frameField}' is not a non-negative integer`);
      continue;
    }
    const rest = fields.filter((_, k) => k !== columns.frame);
    const declaresEmpty = rest.every((field) => field === '');
    if (!declaresEmpty && fields.length < width) {
      log.add(line, 'skipped', `expected at least ${width} fields (frame,x,y[,score]), got ${fields.length}`);
      continue;
    }
    let group = byFrame.get(frame);
    if (frame < lastFrame && !noticedOrder) {
      log.add(
        line,
        'notice',
        `frame ${frame} comes after frame ${lastFrame}: rows are out of frame order (grouped by frame)`,
      );
      noticedOrder = true;
    }
    lastFrame = Math.max(lastFrame, frame);
    if (!group) byFrame.set(frame, (group = { xy: [], score: [] }));
    if (declaresEmpty) {
      used++;
      continue;
    }
    const x = Number(fields[columns.x]);
    const y = Number(fields[columns.y]);
    if (fields[columns.x] === '' || fields[columns.y] === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      log.add(line, 'skipped', `position '${fields[columns.x]},${fields[columns.y]}' is not a pair of finite numbers`);
      continue;
    }
    let score = 1;
    const scoreField = hasScore ? (fields[columns.score] ?? '') : '';
    if (scoreField !== '') {
      score = Number(scoreField);
      if (!Number.isFinite(score)) {
        log.add(line, 'skipped', `score '${scoreField}' is not a number`);
        continue;
      }
      if (score < 0 || score > 1) {
        log.add(line, 'notice', `score ${score} is outside 0..1; clamped`);
        score = Math.min(1, Math.max(0, score));
      }
    }
    group.xy.push(x, y);
    group.score.push(score);
    used++;
  }
  if (used === 0) {
    const first = log.issues[0];
    throw new RaqibError(
      'INPUT_INVALID',
      `${source}: no usable frame,x,y[,score] rows` +
        (first ? ` (line ${first.line}: ${first.message})` : ' (the file is empty)') +
        '; expected CSV rows like 0,512.5,300.0,0.9',
    );
  }
  const frames = [...byFrame.entries()]
    .sort(([a], [b]) => a - b)
    .map(([frame, group]): PointFrame => ({
      frame,
      xy: Float32Array.from(group.xy),
      score: Float32Array.from(group.score),
    }));
  return { frames, rows: used, hasScore, issues: log.issues, issueCount: log.count };
}

/** Reads and parses a point CSV file (see {@link parsePointCsv}). */
export async function readPointCsv(path: string): Promise<PointCsv> {
  return parsePointCsv(await readText(path), path);
}

function someRow(rows: Iterable<CsvRow>, test: (row: CsvRow) => boolean): boolean {
  for (const row of rows) if (test(row)) return true;
  return false;
}
