import { groundDistanceM } from '../geometry/local-tangent-plane.js';
import type { TelemetryRecord } from './dji-srt.js';

/**
 * How fast a drone can really move; telemetry that moves faster is a glitch. The defaults cover every
 * DJI aircraft, including the fastest (DJI FPV: 39 m/s level, 15 m/s climb in manual mode); survey and
 * enterprise drones stay well below (Mavic 3: 21 m/s, 8 m/s; Matrice 30: 23 m/s, 6 m/s). The
 * tolerances absorb GPS and barometer noise between records that are close in time.
 */
export interface TelemetryLimits {
  /** Horizontal speed, m/s. Default 40. */
  maxHorizontalSpeedMPerS: number;
  /** Vertical speed (climb or descent) of the relative altitude, m/s. Default 15. */
  maxVerticalSpeedMPerS: number;
  /** Position change allowed on top of the speed limit, metres. Default 10. */
  horizontalToleranceM: number;
  /** Altitude change allowed on top of the speed limit, metres. Default 3. */
  verticalToleranceM: number;
}

/** Defaults of {@link TelemetryLimits}. */
export const DEFAULT_TELEMETRY_LIMITS: Readonly<TelemetryLimits> = Object.freeze({
  maxHorizontalSpeedMPerS: 40,
  maxVerticalSpeedMPerS: 15,
  horizontalToleranceM: 10,
  verticalToleranceM: 3,
});

/** One telemetry record left out: it jumped further than the drone can move in the time elapsed. */
export interface TelemetryOutlier {
  /** Subtitle sequence number and start time of the record. */
  index: number;
  startMs: number;
  /** What jumped: the position (latitude/longitude) or the relative altitude. */
  reason: 'position' | 'altitude';
  /** How far it jumped from the last trusted record, and how far the limits allowed, metres. */
  jumpM: number;
  allowedM: number;
}

/** What {@link rejectTelemetryOutliers} left out, and the limits it used. */
export interface TelemetryOutlierReport {
  /** Where the records came from (the .SRT path), for messages. */
  source?: string;
  records: number;
  rejected: TelemetryOutlier[];
  limits: TelemetryLimits;
}

/**
 * Leaves out telemetry records whose position or relative altitude jumped further than the drone can
 * move (see {@link TelemetryLimits}) since the last trusted record: a GPS glitch of 0.1° (11 km) or a
 * barometer jump of 2000 m is rejected, and the frames at its time take their pose from the
 * neighbouring records. The first trusted record is the first one that agrees with one of the next two
 * (so a glitch in the very first record is caught too). Fields missing from a record are not compared.
 *
 * @param records ordered by `startMs`
 * @example const { records, report } = rejectTelemetryOutliers(parseDjiSrt(text, name).records);
 */
export function rejectTelemetryOutliers(
  records: readonly TelemetryRecord[],
  limits: Partial<TelemetryLimits> = {},
): { records: TelemetryRecord[]; report: TelemetryOutlierReport } {
  const l: TelemetryLimits = { ...DEFAULT_TELEMETRY_LIMITS, ...limits };
  const rejected: TelemetryOutlier[] = [];
  const kept: TelemetryRecord[] = [];
  let anchor = 0;
  while (anchor < records.length - 1) {
    const here = records[anchor]!;
    const agrees = [records[anchor + 1], records[anchor + 2]].some((next) => next && !jump(here, next, l));
    if (agrees) break;
    rejected.push(jump(records[anchor + 1]!, here, l)!); // described as a jump of `here`
    anchor++;
  }
  // The last trusted position and altitude (kept apart: a record may carry one without the other).
  let position: TelemetryRecord | undefined;
  let altitude: TelemetryRecord | undefined;
  for (let i = anchor; i < records.length; i++) {
    const record = records[i]!;
    const outlier =
      (position && jump(position, record, l, 'position')) || (altitude && jump(altitude, record, l, 'altitude'));
    if (outlier) {
      rejected.push(outlier);
      continue;
    }
    kept.push(record);
    if (record.pose.lat !== undefined && record.pose.lng !== undefined) position = record;
    if (record.pose.relativeAltitudeM !== undefined) altitude = record;
  }
  rejected.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  return { records: kept, report: { records: records.length, rejected, limits: l } };
}

/**
 * The check {@link rejectTelemetryOutliers} applies between two records, for telemetry that arrives one
 * record at a time (live streams): the jump from `from` to `to` beyond `limits` (only the `position` or
 * the `altitude` when `only` is given), or undefined when `to` is plausible.
 *
 * @example telemetryJump(lastSample, sample)?.reason // 'position' for an 11 km GPS glitch in 1 s
 */
export function telemetryJump(
  from: TelemetryRecord,
  to: TelemetryRecord,
  limits: Partial<TelemetryLimits> = {},
  only?: TelemetryOutlier['reason'],
): TelemetryOutlier | undefined {
  return jump(from, to, { ...DEFAULT_TELEMETRY_LIMITS, ...limits }, only);
}

/** The jump from `from` to `to` beyond the limits (`only` one kind), or undefined when `to` is plausible. */
function jump(
  from: TelemetryRecord,
  to: TelemetryRecord,
  l: TelemetryLimits,
  only?: TelemetryOutlier['reason'],
): TelemetryOutlier | undefined {
  const dtS = Math.abs(to.startMs - from.startMs) / 1000;
  const a = from.pose;
  const b = to.pose;
  if (only !== 'altitude' && a.lat !== undefined && a.lng !== undefined && b.lat !== undefined && b.lng !== undefined) {
    const jumpM = groundDistanceM([a.lng, a.lat], [b.lng, b.lat]);
    const allowedM = l.maxHorizontalSpeedMPerS * dtS + l.horizontalToleranceM;
    if (!(jumpM <= allowedM)) return { index: to.index, startMs: to.startMs, reason: 'position', jumpM, allowedM };
  }
  if (only !== 'position' && a.relativeAltitudeM !== undefined && b.relativeAltitudeM !== undefined) {
    const jumpM = Math.abs(b.relativeAltitudeM - a.relativeAltitudeM);
    const allowedM = l.maxVerticalSpeedMPerS * dtS + l.verticalToleranceM;
    if (!(jumpM <= allowedM)) return { index: to.index, startMs: to.startMs, reason: 'altitude', jumpM, allowedM };
  }
  return undefined;
}
