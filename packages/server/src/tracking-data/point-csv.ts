import { RaqibError, type PointFrame } from '@raqib/core';
import { columnPositions, IssueLog, splitCsv, type CsvIssue, type CsvRow } from './csv-table.js';
import { readText } from './track-csv.js';

/** A count of rows with one kind of problem, and the first line that had it (0 when none). */
export interface RowProblemCount {
  count: number;
  firstLine: number;
}

/** What was odd in a points file beyond malformed rows (all of it corrected; see {@link parsePointCsv}). */
export interface PointCsvQuality {
  /** Rows that repeat an earlier row of the same frame exactly: dropped (a file joined to itself doubles every count). */
  duplicateRows: RowProblemCount;
  /** Frames whose rows appear again after other frames' rows (first line of the second appearance): merged. */
  reappearedFrames: RowProblemCount;
  /** Points outside `0..width x 0..height` of the frame size (when given): dropped. */
  outOfFrame: RowProblemCount;
  /** Largest x and y of all points (before dropping), to tell what frame size the file was made for. */
  maxXPx: number;
  maxYPx: number;
  /**
   * Greatest common step of the frame numbers (e.g. 5 for 0, 5, 10, ...): the file holds every
   * `frameStep`-th frame. 1 when the numbers are consecutive, or with a single frame.
   */
  frameStep: number;
}

/** Options of {@link parsePointCsv}. */
export interface PointCsvOptions {
  /** Image size of the coordinates: points outside it are dropped and counted. */
  frameSize?: { widthPx: number; heightPx: number };
}

/** Detected points read from a `frame,x,y[,score]` CSV file. */
export interface PointCsv {
  /** Frames sorted by number, including frames declared empty (a row with only the frame number). */
  frames: PointFrame[];
  /** Line of each frame's first row, parallel to `frames`. */
  frameLines: Int32Array;
  rows: number;
  /** Whether the file had a score column (else every score is 1). */
  hasScore: boolean;
  /** Problems found (first 200), with line numbers; the run goes on without the bad rows. */
  issues: CsvIssue[];
  issueCount: number;
  quality: PointCsvQuality;
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
 * What is odd but correctable is counted in `quality`: exact duplicate rows and points outside the
 * frame size are dropped, frames appearing again after other frames are merged, and the step of the
 * frame numbers is found.
 *
 * @param source name used in messages (the file path)
 */
export function parsePointCsv(text: string, source: string, options: PointCsvOptions = {}): PointCsv {
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
  const byFrame = new Map<number, PointGroup>();
  const quality: PointCsvQuality = {
    duplicateRows: { count: 0, firstLine: 0 },
    reappearedFrames: { count: 0, firstLine: 0 },
    outOfFrame: { count: 0, firstLine: 0 },
    maxXPx: -Infinity,
    maxYPx: -Infinity,
    frameStep: 1,
  };
  const countProblem = (problem: RowProblemCount, line: number): void => {
    if (problem.count++ === 0) problem.firstLine = line;
  };
  const size = options.frameSize;
  let previousRowFrame = -1;
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
    // A frame seen before, with other frames' rows in between: a file joined to another (or itself).
    if (group && frame !== previousRowFrame) countProblem(quality.reappearedFrames, line);
    previousRowFrame = frame;
    if (!group && frame < lastFrame && !noticedOrder) {
      log.add(
        line,
        'notice',
        `frame ${frame} comes after frame ${lastFrame}: rows are out of frame order (grouped by frame)`,
      );
      noticedOrder = true;
    }
    lastFrame = Math.max(lastFrame, frame);
    if (!group) byFrame.set(frame, (group = { xy: [], score: [], lines: [], line }));
    if (declaresEmpty) {
      used++;
      continue;
    }
    const x = Number(fields[columns.x]);
    const y = Number(fields[columns.y]);
    // Positions are stored as Float32: a value beyond its range (~3.4e38) would become Infinity.
    if (fields[columns.x] === '' || fields[columns.y] === '' || !isFiniteFloat32(x) || !isFiniteFloat32(y)) {
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
    quality.maxXPx = Math.max(quality.maxXPx, x);
    quality.maxYPx = Math.max(quality.maxYPx, y);
    if (size && !(x >= 0 && x <= size.widthPx && y >= 0 && y <= size.heightPx)) {
      countProblem(quality.outOfFrame, line);
      used++;
      continue;
    }
    group.xy.push(x, y);
    group.score.push(score);
    group.lines.push(line);
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
  const sorted = [...byFrame.entries()].sort(([a], [b]) => a - b);
  for (const [, group] of sorted) dropDuplicateRows(group, quality.duplicateRows);
  const frames = sorted.map(([frame, group]): PointFrame => ({
    frame,
    xy: Float32Array.from(group.xy),
    score: Float32Array.from(group.score),
  }));
  const frameLines = Int32Array.from(sorted, ([, group]) => group.line);
  quality.frameStep = frameNumberStep(frames.map((frame) => frame.frame));
  return { frames, frameLines, rows: used, hasScore, issues: log.issues, issueCount: log.count, quality };
}

/** The rows of one frame as they are read. */
interface PointGroup {
  xy: number[];
  score: number[];
  /** Line of each point's row. */
  lines: number[];
  /** Line of the frame's first row. */
  line: number;
}

/**
 * Drops rows that repeat an earlier row of the same frame exactly (keeping the first), counting them
 * in `duplicates`. Cheap when there are none (the usual case): one native sort of a numeric key per
 * frame finds candidates, and only a frame with equal keys is checked exactly.
 */
function dropDuplicateRows(group: PointGroup, duplicates: RowProblemCount): void {
  const n = group.score.length;
  if (n < 2) return;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (group.xy[2 * i] as number) * 65536 + (group.xy[2 * i + 1] as number);
  keys.sort();
  let candidates = false;
  for (let i = 1; i < n && !candidates; i++) candidates = keys[i] === keys[i - 1];
  if (!candidates) return;
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${group.xy[2 * i]},${group.xy[2 * i + 1]},${group.score[i]}`;
    if (!seen.has(key)) {
      seen.add(key);
      keep.push(i);
      continue;
    }
    const line = group.lines[i] as number;
    if (duplicates.count++ === 0 || line < duplicates.firstLine) duplicates.firstLine = line;
  }
  if (keep.length === n) return;
  group.xy = keep.flatMap((i) => [group.xy[2 * i] as number, group.xy[2 * i + 1] as number]);
  group.score = keep.map((i) => group.score[i] as number);
  group.lines = keep.map((i) => group.lines[i] as number);
}

/** Greatest common divisor of the differences of sorted, distinct frame numbers (1 for fewer than two). */
export function frameNumberStep(sortedNumbers: readonly number[]): number {
  let step = 0;
  for (let i = 1; i < sortedNumbers.length; i++) {
    let a = (sortedNumbers[i] as number) - (sortedNumbers[i - 1] as number);
    let b = step;
    while (b !== 0) [a, b] = [b, a % b];
    step = a;
    if (step === 1) break;
  }
  return step > 0 ? step : 1;
}

/** Reads and parses a point CSV file (see {@link parsePointCsv}). */
export async function readPointCsv(path: string, options: PointCsvOptions = {}): Promise<PointCsv> {
  return parsePointCsv(await readText(path), path, options);
}

function isFiniteFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

function someRow(rows: Iterable<CsvRow>, test: (row: CsvRow) => boolean): boolean {
  for (const row of rows) if (test(row)) return true;
  return false;
}
