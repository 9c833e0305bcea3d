import { readFile } from 'node:fs/promises';
import { RaqibError, type TrackFrame } from '@raqib/core';
import { columnPositions, IssueLog, splitCsv, type CsvIssue } from './csv-table.js';

/** Tracks read from a `frame,track_id,x,y` CSV file. */
export interface TrackCsv {
  /** Frames sorted by number; frames without rows are absent. */
  frames: TrackFrame[];
  /** Rows read. */
  rows: number;
  /** Problems found (first 200), with line numbers; the run goes on without the bad rows. */
  issues: CsvIssue[];
  issueCount: number;
  /** Rows that repeat an earlier row exactly (same frame, id and position): dropped, noted once. */
  duplicateRows: number;
}

const TRACK_COLUMNS = {
  frame: ['frame', 'frame_id', 'frame_idx'],
  id: ['track_id', 'id', 'track', 'trackid'],
  x: ['x', 'x_px', 'cx'],
  y: ['y', 'y_px', 'cy'],
} as const;

/**
 * Parses `frame,track_id,x,y` rows (header optional; with a header, columns may come in any order
 * and extra columns are ignored). Malformed rows, negative or fractional frame numbers, non-integer
 * ids and repeated (frame, id) pairs are skipped and reported with their line numbers; rows that
 * repeat an earlier row exactly (a file joined to itself) are dropped and noted once. Rows may come
 * in any order (DroneCrowd files are sorted by track): they are grouped by frame. Only a file with no
 * usable row at all is an error.
 *
 * @param source name used in messages (the file path)
 */
export function parseTrackCsv(text: string, source: string): TrackCsv {
  const { header, headerLine, rows } = splitCsv(text, Object.values(TRACK_COLUMNS).flat());
  const columns = columnPositions(header, TRACK_COLUMNS, { frame: 0, id: 1, x: 2, y: 3 });
  for (const [name, position] of Object.entries(columns)) {
    if (position < 0) {
      throw new RaqibError(
        'INPUT_INVALID',
        `${source}:${headerLine}: header has no '${name}' column (expected frame,track_id,x,y); rename the column or drop the header`,
      );
    }
  }
  const width = Math.max(columns.frame, columns.id, columns.x, columns.y) + 1;
  const log = new IssueLog();
  const byFrame = new Map<number, { ids: number[]; xy: number[]; seen: Map<number, number> }>();
  let used = 0;
  let duplicateRows = 0;
  let firstDuplicateLine = 0;
  for (const { line, fields } of rows) {
    if (fields.length < width) {
      log.add(line, 'skipped', `expected ${width} fields (frame,track_id,x,y), got ${fields.length}`);
      continue;
    }
    const frame = Number(fields[columns.frame]);
    const id = Number(fields[columns.id]);
    const x = Number(fields[columns.x]);
    const y = Number(fields[columns.y]);
    if (fields[columns.frame] === '' || !Number.isInteger(frame) || frame < 0) {
      log.add(line, 'skipped', `frame '${fields[columns.frame]}' is not a non-negative integer`);
      continue;
    }
    if (fields[columns.id] === '' || !Number.isInteger(id) || id < -0x80000000 || id > 0x7fffffff) {
      log.add(line, 'skipped', `track id '${fields[columns.id]}' is not a 32-bit integer`);
      continue;
    }
    // Positions are stored as Float32: a value beyond its range (~3.4e38) would become Infinity.
    if (fields[columns.x] === '' || fields[columns.y] === '' || !isFiniteFloat32(x) || !isFiniteFloat32(y)) {
      log.add(line, 'skipped', `position '${fields[columns.x]},${fields[columns.y]}' is not a pair of finite numbers`);
      continue;
    }
    let group = byFrame.get(frame);
    if (!group) byFrame.set(frame, (group = { ids: [], xy: [], seen: new Map() }));
    const earlier = group.seen.get(id);
    if (earlier !== undefined) {
      if (group.xy[2 * earlier] === x && group.xy[2 * earlier + 1] === y) {
        if (duplicateRows++ === 0) firstDuplicateLine = line;
      } else {
        log.add(line, 'skipped', `track ${id} appears twice in frame ${frame}; the first row is kept`);
      }
      continue;
    }
    group.seen.set(id, group.ids.length);
    group.ids.push(id);
    group.xy.push(x, y);
    used++;
  }
  if (used === 0) {
    const first = log.issues[0];
    throw new RaqibError(
      'INPUT_INVALID',
      `${source}: no usable frame,track_id,x,y rows` +
        (first ? ` (line ${first.line}: ${first.message})` : ' (the file is empty)') +
        '; expected CSV rows like 0,17,512.5,300.0',
    );
  }
  if (duplicateRows > 0) {
    log.add(
      firstDuplicateLine,
      'notice',
      `${duplicateRows} row(s) repeat an earlier row exactly (same frame, track and position; first at line ${firstDuplicateLine}): dropped; was the file joined to itself?`,
    );
  }
  const frames = [...byFrame.entries()]
    .sort(([a], [b]) => a - b)
    .map(([frame, group]): TrackFrame => ({ frame, ids: Int32Array.from(group.ids), xy: Float32Array.from(group.xy) }));
  return { frames, rows: used, issues: log.issues, issueCount: log.count, duplicateRows };
}

function isFiniteFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

/** Reads and parses a track CSV file (see {@link parseTrackCsv}). */
export async function readTrackCsv(path: string): Promise<TrackCsv> {
  return parseTrackCsv(await readText(path), path);
}

/** Reads a text file, turning a missing file into a clear RaqibError. */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new RaqibError('INPUT_NOT_FOUND', `${path}: no such file; check the path`, { cause: error });
    throw new RaqibError('INPUT_INVALID', `${path}: cannot read (${code ?? (error as Error).message})`, {
      cause: error,
    });
  }
}

/** Writes frames as `frame,track_id,x,y` CSV text with a header. */
export function formatTrackCsv(frames: readonly TrackFrame[], decimals = 2): string {
  const lines = ['frame,track_id,x,y'];
  for (const frame of frames) {
    for (let i = 0; i < frame.ids.length; i++) {
      lines.push(
        `${frame.frame},${frame.ids[i]},${round(frame.xy[2 * i]!, decimals)},${round(frame.xy[2 * i + 1]!, decimals)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

function round(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
