import type { CameraPose } from '../frame-analysis.js';
import { RaqibError } from '../raqib-error.js';
import { parseDjiSrtBody, type DjiSrtFormat, type GpsOrder } from './dji-srt-body.js';
import { splitSubRipBlocks, type SubRipProblem } from './subrip-blocks.js';

/** Telemetry for the video interval `[startMs, endMs)` (one subtitle block). */
export interface TelemetryRecord {
  /** Subtitle sequence number. */
  index: number;
  startMs: number;
  endMs: number;
  /** Frame counter written by the drone (`SrtCnt`/`FrameCnt`), when present. */
  frameCount?: number;
  /** Local date-time as written by the drone (no time zone), `YYYY-MM-DDTHH:MM:SS[.fff]`. */
  timestamp?: string;
  pose: CameraPose;
}

/** A parsed telemetry sidecar. */
export interface DjiSrtTelemetry {
  /** Records ordered by `startMs`. */
  records: TelemetryRecord[];
  /** The layout most blocks used. */
  format: DjiSrtFormat;
  /** Skipped blocks and ignored values, with 1-based line numbers. */
  problems: SubRipProblem[];
}

/** Options for {@link parseDjiSrt}. */
export interface DjiSrtOptions {
  /** Order of the numbers in `GPS(a, b, c)`; see {@link GpsOrder}. Default `auto`. */
  gpsOrder?: GpsOrder;
}

/**
 * Parses a DJI .SRT telemetry sidecar (all layouts in {@link DjiSrtFormat}) into per-interval records
 * with latitude, longitude, relative altitude, focal length and gimbal angles where present.
 * Malformed blocks are skipped and listed in `problems` with their line number; throws
 * `TELEMETRY_INVALID` only when no block could be read at all.
 *
 * @example parseDjiSrt(text, 'DJI_0001.SRT').records[0].pose.relativeAltitudeM
 */
export function parseDjiSrt(text: string, fileName: string, options: DjiSrtOptions = {}): DjiSrtTelemetry {
  const { blocks, problems } = splitSubRipBlocks(text);
  const records: TelemetryRecord[] = [];
  const formatVotes = new Map<DjiSrtFormat, number>();
  for (const block of blocks) {
    const body = parseDjiSrtBody(block.body, options.gpsOrder);
    for (const warning of body.warnings) problems.push({ line: block.line, message: warning });
    const record: TelemetryRecord = { index: block.index, startMs: block.startMs, endMs: block.endMs, pose: body.pose };
    if (body.frameCount !== undefined) record.frameCount = body.frameCount;
    if (body.timestamp !== undefined) record.timestamp = body.timestamp;
    records.push(record);
    formatVotes.set(body.format, (formatVotes.get(body.format) ?? 0) + 1);
  }
  if (records.length === 0) {
    const first = problems[0];
    throw new RaqibError(
      'TELEMETRY_INVALID',
      `${fileName}: no telemetry blocks found` +
        (first ? ` (line ${first.line}: ${first.message})` : ' (the file is empty)') +
        '; expected DJI subtitle blocks like "1\\n00:00:00,000 --> 00:00:00,033\\n[latitude: ..] ..."',
    );
  }
  records.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  let format: DjiSrtFormat = 'unknown';
  let best = 0;
  for (const [f, votes] of formatVotes) {
    if (f !== 'unknown' && votes > best) {
      format = f;
      best = votes;
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, format, problems };
}

/** A one-line summary of a sidecar's problems for a log warning (first few with line numbers). */
export function describeTelemetryProblems(fileName: string, problems: readonly SubRipProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `line ${p.line}: ${p.message}`);
  const more = problems.length > max ? `; +${problems.length - max} more` : '';
  return `${fileName}: skipped ${problems.length} problem(s) - ${shown.join('; ')}${more}`;
}
