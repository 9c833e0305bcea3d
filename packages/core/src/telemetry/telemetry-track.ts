import type { CameraPose } from '../frame-analysis.js';
import type { TelemetryRecord } from './dji-srt.js';
import type { TelemetryOutlierReport } from './telemetry-outliers.js';

/** Options for {@link TelemetryTrack}. */
export interface TelemetryTrackOptions {
  /** A time this far (ms) before the first or after the last record still gets the nearest record. Default 2000. */
  maxGapMs?: number;
  /** The records left out of `records` as impossible jumps (see `rejectTelemetryOutliers`), for reports. */
  outliers?: TelemetryOutlierReport;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Interpolates angles in degrees along the shorter arc. */
function lerpAngleDeg(a: number, b: number, t: number): number {
  let d = (b - a) % 360;
  if (d > 180) d -= 360;
  if (d < -180) d += 360;
  return a + d * t;
}

const LINEAR_KEYS = [
  'lat',
  'lng',
  'relativeAltitudeM',
  'absoluteAltitudeM',
  'gimbalPitchDeg',
  'gimbalRollDeg',
] as const;
const ANGLE_KEYS = ['gimbalYawDeg', 'headingDeg'] as const;

/**
 * Telemetry records indexed by time, to look up the pose of any frame by its presentation time.
 * Lookups are binary searches (O(log n)).
 */
export class TelemetryTrack {
  readonly records: readonly TelemetryRecord[];
  /** Records that were left out before the track was built (impossible jumps), when checked. */
  readonly outliers: TelemetryOutlierReport | undefined;
  private readonly starts: Float64Array;
  private readonly maxGapMs: number;

  constructor(records: readonly TelemetryRecord[], options: TelemetryTrackOptions = {}) {
    this.records = [...records].sort((a, b) => a.startMs - b.startMs);
    this.starts = Float64Array.from(this.records, (r) => r.startMs);
    this.maxGapMs = options.maxGapMs ?? 2000;
    this.outliers = options.outliers;
  }

  get length(): number {
    return this.records.length;
  }

  /** Index of the last record starting at or before `ptsMs`, or -1. */
  private indexAt(ptsMs: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= ptsMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * The record covering `ptsMs` (the last one starting at or before it), the first record for times
   * up to `maxGapMs` before it, or undefined when the time is outside the track by more than `maxGapMs`.
   */
  recordAt(ptsMs: number): TelemetryRecord | undefined {
    if (this.records.length === 0) return undefined;
    const i = this.indexAt(ptsMs);
    if (i < 0) {
      const first = this.records[0]!;
      return first.startMs - ptsMs <= this.maxGapMs ? first : undefined;
    }
    const rec = this.records[i]!;
    return ptsMs - Math.max(rec.endMs, rec.startMs) <= this.maxGapMs ? rec : undefined;
  }

  /**
   * The pose at `ptsMs`, linearly interpolated between the surrounding records (angles along the
   * shorter arc) - smooth positions from 1 Hz sidecars; fields missing from either record come from the
   * earlier one. Undefined outside the track (see {@link recordAt}).
   */
  poseAt(ptsMs: number): CameraPose | undefined {
    const rec = this.recordAt(ptsMs);
    if (!rec) return undefined;
    const i = this.indexAt(ptsMs);
    const next = i >= 0 ? this.records[i + 1] : undefined;
    if (i < 0 || !next || next.startMs <= rec.startMs) return { ...rec.pose };
    const t = Math.min(1, Math.max(0, (ptsMs - rec.startMs) / (next.startMs - rec.startMs)));
    const pose: CameraPose = { ...rec.pose };
    for (const k of LINEAR_KEYS) {
      const a = rec.pose[k];
      const b = next.pose[k];
      if (a !== undefined && b !== undefined) pose[k] = lerp(a, b, t);
    }
    for (const k of ANGLE_KEYS) {
      const a = rec.pose[k];
      const b = next.pose[k];
      if (a !== undefined && b !== undefined) pose[k] = ((lerpAngleDeg(a, b, t) % 360) + 360) % 360;
    }
    return pose;
  }
}
