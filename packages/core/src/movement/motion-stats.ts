import type { ZoneReading } from '../frame-analysis.js';

/** A tracked person's position and velocity (a tracker's `TrackSnapshot` fits). */
export interface MovingPoint {
  xPx: number;
  yPx: number;
  /** Velocity with camera motion removed, pixels per second. */
  vxPxPerS: number;
  vyPxPerS: number;
}

/** Settings of {@link motionStats}. */
export interface MotionStatsOptions {
  /** Ground sampling distance, metres per pixel; enables the m/s and pressure figures. */
  gsdMPerPx?: number;
  /** Density of the zone, persons per m², for crowd pressure. */
  densityPerM2?: number;
  /** Slower points are standing: they count for variance and pressure but not for direction, m/s. */
  minMovingSpeedMPerS?: number;
  /** Same threshold in pixels per second, used when no GSD is known. */
  minMovingSpeedPxPerS?: number;
  /** A mover heading more than this far from the dominant direction is counterflow, degrees. */
  counterflowAngleDeg?: number;
}

/** Movement of the tracks in one zone (or the whole frame) at one time. */
export interface MotionStats {
  /** Points used. */
  count: number;
  /** Points moving faster than the threshold. */
  movingCount: number;
  meanSpeedPxPerS: number;
  meanSpeedMPerS?: number;
  /** Dominant heading of the movers (circular mean), degrees clockwise from image up; absent if none move. */
  directionDeg?: number;
  /** Share (0..1) of movers heading against the dominant direction. */
  counterflowShare?: number;
  /** Variance of the speed (magnitude), (m/s)² or (px/s)² when no GSD. */
  speedVariance: number;
  /** Variance of the velocity vector, mean |v - mean v|², (m/s)² when GSD known else (px/s)². */
  velocityVariance: number;
  /** Crowd pressure P = density x Var(velocity), 1/s² (needs GSD and density). */
  pressurePerS2?: number;
  /** Divergence of the fitted linear velocity field (positive = dispersing), 1/s; needs 3+ points. */
  divergencePerS?: number;
}

/**
 * Movement statistics from tracks: mean speed, dominant direction, counterflow share, speed and
 * velocity variance, crowd pressure (Helbing: density x velocity variance; here over the whole zone,
 * coarser than Helbing's local kernel), and the divergence of a least-squares linear velocity field.
 * Pass only the points inside the zone.
 *
 * @example motionStats(tracker.activeTracks(), { gsdMPerPx: 0.05, densityPerM2: 2.5 })
 */
export function motionStats(points: readonly MovingPoint[], options: MotionStatsOptions = {}): MotionStats {
  const gsd = options.gsdMPerPx;
  const scale = gsd !== undefined && gsd > 0 ? gsd : 1;
  const minSpeed =
    gsd !== undefined && gsd > 0 ? (options.minMovingSpeedMPerS ?? 0.2) / gsd : (options.minMovingSpeedPxPerS ?? 4);
  const counterflowCos = Math.cos(((options.counterflowAngleDeg ?? 135) * Math.PI) / 180);
  const n = points.length;
  const stats: MotionStats = { count: n, movingCount: 0, meanSpeedPxPerS: 0, speedVariance: 0, velocityVariance: 0 };
  if (n === 0) return stats;
  let speedSum = 0;
  let speedSqSum = 0;
  let vxSum = 0;
  let vySum = 0;
  let ux = 0;
  let uy = 0;
  for (const p of points) {
    const speed = Math.hypot(p.vxPxPerS, p.vyPxPerS);
    speedSum += speed;
    speedSqSum += speed * speed;
    vxSum += p.vxPxPerS;
    vySum += p.vyPxPerS;
    if (speed > minSpeed) {
      stats.movingCount++;
      ux += p.vxPxPerS / speed;
      uy += p.vyPxPerS / speed;
    }
  }
  const meanSpeed = speedSum / n;
  stats.meanSpeedPxPerS = meanSpeed;
  const meanVx = vxSum / n;
  const meanVy = vySum / n;
  stats.speedVariance = Math.max(0, speedSqSum / n - meanSpeed * meanSpeed) * scale * scale;
  stats.velocityVariance = Math.max(0, speedSqSum / n - meanVx * meanVx - meanVy * meanVy) * scale * scale;
  if (gsd !== undefined && gsd > 0) {
    stats.meanSpeedMPerS = meanSpeed * gsd;
    if (options.densityPerM2 !== undefined) stats.pressurePerS2 = options.densityPerM2 * stats.velocityVariance;
  }
  const heading = Math.hypot(ux, uy);
  if (stats.movingCount > 0 && heading > 1e-9) {
    const dx = ux / heading;
    const dy = uy / heading;
    stats.directionDeg = ((((Math.atan2(dx, -dy) * 180) / Math.PI) % 360) + 360) % 360;
    let against = 0;
    for (const p of points) {
      const speed = Math.hypot(p.vxPxPerS, p.vyPxPerS);
      if (speed <= minSpeed) continue;
      if ((p.vxPxPerS * dx + p.vyPxPerS * dy) / speed < counterflowCos) against++;
    }
    stats.counterflowShare = against / stats.movingCount;
  }
  const divergence = fittedDivergence(points);
  if (divergence !== undefined) stats.divergencePerS = divergence;
  return stats;
}

/**
 * The motion fields of a {@link ZoneReading} from {@link motionStats}. `speedVariance` is set only
 * when the GSD was known, so the field is always in (m/s)².
 */
export function motionReadingFields(
  stats: MotionStats,
): Pick<
  ZoneReading,
  | 'meanSpeedMPerS'
  | 'meanSpeedPxPerS'
  | 'directionDeg'
  | 'counterflowShare'
  | 'speedVariance'
  | 'pressurePerS2'
  | 'divergencePerS'
> {
  const fields: ReturnType<typeof motionReadingFields> = { meanSpeedPxPerS: stats.meanSpeedPxPerS };
  if (stats.meanSpeedMPerS !== undefined) fields.meanSpeedMPerS = stats.meanSpeedMPerS;
  if (stats.directionDeg !== undefined) fields.directionDeg = stats.directionDeg;
  if (stats.counterflowShare !== undefined) fields.counterflowShare = stats.counterflowShare;
  if (stats.meanSpeedMPerS !== undefined) fields.speedVariance = stats.speedVariance; // (m/s)² only
  if (stats.pressurePerS2 !== undefined) fields.pressurePerS2 = stats.pressurePerS2;
  if (stats.divergencePerS !== undefined) fields.divergencePerS = stats.divergencePerS;
  return fields;
}

/**
 * Least-squares fit v = v0 + J (p - mean p); returns trace(J), the divergence (1/s, unit-free in
 * space). Undefined with fewer than 3 points or when they are (nearly) collinear.
 */
function fittedDivergence(points: readonly MovingPoint[]): number | undefined {
  const n = points.length;
  if (n < 3) return undefined;
  let mx = 0;
  let my = 0;
  let mvx = 0;
  let mvy = 0;
  for (const p of points) {
    mx += p.xPx;
    my += p.yPx;
    mvx += p.vxPxPerS;
    mvy += p.vyPxPerS;
  }
  mx /= n;
  my /= n;
  mvx /= n;
  mvy /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxu = 0;
  let syu = 0;
  let sxv = 0;
  let syv = 0;
  for (const p of points) {
    const x = p.xPx - mx;
    const y = p.yPx - my;
    const u = p.vxPxPerS - mvx;
    const v = p.vyPxPerS - mvy;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
    sxu += x * u;
    syu += y * u;
    sxv += x * v;
    syv += y * v;
  }
  const det = sxx * syy - sxy * sxy;
  if (!(det > 1e-9 * (sxx + syy) * (sxx + syy))) return undefined;
  // J row 1 (du/dx, du/dy) solves [sxx sxy; sxy syy] [a; b] = [sxu; syu]; row 2 likewise for v.
  const dudx = (syy * sxu - sxy * syu) / det;
  const dvdy = (sxx * syv - sxy * sxv) / det;
  return dudx + dvdy;
}
