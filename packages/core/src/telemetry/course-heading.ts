import { bearingDeg, groundDistanceM } from '../geometry/local-tangent-plane.js';
import type { TelemetryRecord } from './dji-srt.js';

/** Options for {@link withCourseHeading}. */
export interface CourseHeadingOptions {
  /** Minimum ground distance (m) between two positions to trust the bearing between them. Default 3. */
  minDistanceM?: number;
  /** How many records ahead (or back) to look for that distance. Default 300. */
  maxLookRecords?: number;
}

/**
 * Fills `pose.headingDeg` from the course over ground for records that have neither a heading nor a
 * gimbal yaw (most consumer DJI sidecars): the bearing to the first later position at least
 * `minDistanceM` away (or from the last earlier one at the end of a flight). A hovering drone keeps the
 * last known course; a drone that never moves gets no heading. Assumes the camera faces the direction of
 * flight, as it does in normal forward flight.
 */
export function withCourseHeading(
  records: readonly TelemetryRecord[],
  options: CourseHeadingOptions = {},
): TelemetryRecord[] {
  const minDistanceM = options.minDistanceM ?? 3;
  const maxLook = options.maxLookRecords ?? 300;
  const courses: (number | undefined)[] = records.map((rec, i) => {
    const p = rec.pose;
    if (p.lat === undefined || p.lng === undefined) return undefined;
    const here: [number, number] = [p.lng, p.lat];
    for (let j = i + 1; j < records.length && j <= i + maxLook; j++) {
      const q = records[j]!.pose;
      if (q.lat === undefined || q.lng === undefined) continue;
      if (groundDistanceM(here, [q.lng, q.lat]) >= minDistanceM) return bearingDeg(here, [q.lng, q.lat]);
    }
    for (let j = i - 1; j >= 0 && j >= i - maxLook; j--) {
      const q = records[j]!.pose;
      if (q.lat === undefined || q.lng === undefined) continue;
      if (groundDistanceM([q.lng, q.lat], here) >= minDistanceM) return bearingDeg([q.lng, q.lat], here);
    }
    return undefined;
  });
  let last: number | undefined;
  return records.map((rec, i) => {
    const course = courses[i] ?? last;
    if (courses[i] !== undefined) last = courses[i];
    if (rec.pose.headingDeg !== undefined || rec.pose.gimbalYawDeg !== undefined || course === undefined) return rec;
    return { ...rec, pose: { ...rec.pose, headingDeg: course } };
  });
}
