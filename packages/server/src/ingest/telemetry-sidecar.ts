import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  describeTelemetryProblems,
  parseDjiSrt,
  RaqibError,
  rejectTelemetryOutliers,
  TelemetryTrack,
  withCourseHeading,
  type DjiSrtOptions,
  type DjiSrtTelemetry,
} from '@raqib/core';
import type { Logger } from 'pino';
import { moduleLogger } from '../logging/logger.js';

/** A telemetry sidecar read from disk. */
export interface TelemetrySidecar {
  /** Path of the .SRT file. */
  path: string;
  /** Parsed records, layout and skipped blocks. */
  telemetry: DjiSrtTelemetry;
  /**
   * The records indexed by time for per-frame lookups (`track.poseAt(frame.ptsMs)`), without records
   * whose position or altitude jumped beyond what a drone can fly (`track.outliers` lists them), with
   * the heading filled from the course over ground where the drone does not write one.
   */
  track: TelemetryTrack;
}

/**
 * Finds the DJI telemetry sidecar of a video: `<video base name>.SRT` (or `.srt`, any case) in the
 * video's directory, e.g. `DJI_0001.SRT` next to `DJI_0001.MP4`. Undefined when there is none or the
 * directory cannot be listed.
 */
export async function findTelemetrySidecar(videoPath: string): Promise<string | undefined> {
  const dir = dirname(videoPath);
  const base = basename(videoPath, extname(videoPath));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const candidates = names.filter((name) => extname(name).toLowerCase() === '.srt' && name !== basename(videoPath));
  const exact = candidates.filter((name) => basename(name, extname(name)) === base).sort();
  const loose = candidates.filter((name) => basename(name, extname(name)).toLowerCase() === base.toLowerCase()).sort();
  const found = exact[0] ?? loose[0];
  return found === undefined ? undefined : join(dir, found);
}

/** Decodes sidecar bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM, as some tools re-save them. */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Reads and parses a DJI .SRT sidecar, leaving out records that jump beyond physical limits (see
 * `rejectTelemetryOutliers`). Skipped blocks are logged once as a warning. Throws
 * `TELEMETRY_INVALID` naming the file when it cannot be read or holds no telemetry block.
 */
export async function loadTelemetrySidecar(
  path: string,
  options: DjiSrtOptions & { logger?: Logger } = {},
): Promise<TelemetrySidecar> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new RaqibError('TELEMETRY_INVALID', `${path}: cannot read the telemetry sidecar: ${why}`, { cause: error });
  }
  const telemetry = parseDjiSrt(decodeText(bytes), path, options);
  if (telemetry.problems.length > 0) {
    const log = options.logger ?? moduleLogger('telemetry');
    log.warn({ file: path, problems: telemetry.problems.length }, describeTelemetryProblems(path, telemetry.problems));
  }
  // Outliers go before the course is derived: one 11 km GPS glitch would turn every nearby heading.
  const { records, report } = rejectTelemetryOutliers(telemetry.records);
  const outliers = { ...report, source: path };
  return { path, telemetry, track: new TelemetryTrack(withCourseHeading(records), { outliers }) };
}

/**
 * The telemetry of a video: the sidecar next to it (see {@link findTelemetrySidecar}), or the file given
 * explicitly. Undefined when the video has no sidecar; throws `TELEMETRY_INVALID` for a sidecar that
 * exists but cannot be used.
 */
export async function loadTelemetryForVideo(
  videoPath: string,
  options: DjiSrtOptions & { sidecarPath?: string; logger?: Logger } = {},
): Promise<TelemetrySidecar | undefined> {
  const path = options.sidecarPath ?? (await findTelemetrySidecar(videoPath));
  return path === undefined ? undefined : loadTelemetrySidecar(path, options);
}
