import type { DensityMap } from '../density-map.js';
import type { FlowField, ZoneReading } from '../frame-analysis.js';
import { RaqibError } from '../raqib-error.js';
import { localPressure } from './crowd-pressure.js';
import { linearFieldDivergence } from './flow-divergence.js';
import { densityOnGrid, polygonCellCoverage, type PolygonPx } from './flow-grid-sampling.js';

/** Options of {@link zoneFlowMetrics}. */
export interface ZoneFlowOptions {
  /** Seconds between the two frames the flow spans (the analysed frame interval). */
  dtS: number;
  /** Ground sampling distance, metres per pixel; without it only pixel-based values are given. */
  gsdMPerPx?: number;
  /** People per cell of this frame: weights every cell by its people and enables crowd pressure. */
  density?: DensityMap;
  /**
   * Direction counterflow is measured against, degrees clockwise from image up (e.g. a zone's
   * configured walking direction, or the whole frame's dominant direction). Default: the zone's own
   * dominant direction.
   */
  referenceDirectionDeg?: number;
  /** A cell counts as moving from this ground speed on (needs `gsdMPerPx`). Default 0.2 m/s. */
  minSpeedMPerS?: number;
  /** ... and from this displacement per frame on, pixels (keeps tracking noise out). Default 0.3. */
  minDisplacementPx?: number;
  /** Below this share of movers the zone is "still": no direction, counterflow 0. Default 0.1. */
  minMovingShare?: number;
  /** Neighbourhood radius for local density and local velocity variance (pressure), metres. Default 1. */
  pressureRadiusM?: number;
  /** Precomputed {@link polygonCellCoverage} of the zone on the flow grid (saves work per frame). */
  coverage?: Float32Array;
}

/**
 * Crowd motion inside one zone for one frame interval. Averages are weighted by people when a
 * density map is given, else by cells; cells without a reliable flow vector are left out.
 * Optional values are absent when their inputs are missing (GSD, density) or when too few cells
 * support them.
 */
export interface ZoneFlowMetrics {
  /** Flow cells in the zone (partial cells count by their covered fraction). */
  cells: number;
  /** ... of which had a reliable flow vector. */
  validCells: number;
  /** Total weight behind the averages: people (with density) or valid cells. */
  weight: number;
  /** Share (0..1) of the weight moving faster than the minimum speed. */
  movingShare: number;
  meanSpeedPxPerS?: number;
  meanSpeedMPerS?: number;
  /** Dominant direction of the movers (weighted circular mean), degrees clockwise from image up, [0, 360). */
  directionDeg?: number;
  /**
   * Share (0..1) of the movers heading more than 90 degrees away from the reference direction; 0
   * when the zone is still; for balanced two-way flow (no dominant direction) the smaller side.
   */
  counterflowShare?: number;
  /** Variance of the speeds (magnitudes), (px/s)^2 and (m/s)^2. */
  speedVariancePx2PerS2?: number;
  speedVarianceM2PerS2?: number;
  /** Variance of the velocity vectors (mean squared distance from the mean velocity), (px/s)^2 and (m/s)^2. */
  velocityVariancePx2PerS2?: number;
  velocityVarianceM2PerS2?: number;
  /**
   * Crowd pressure P = local density (persons/m^2) x local velocity variance ((m/s)^2), in s^-2
   * (Helbing et al.), averaged over the zone's people; needs density and GSD.
   */
  pressurePerS2?: number;
  /** Highest local crowd pressure in the zone, s^-2. */
  peakPressurePerS2?: number;
  /** Divergence of the motion (dvx/dx + dvy/dy of a linear fit), 1/s; positive = spreading out. */
  divergencePerS?: number;
}

/**
 * Speed, direction, counterflow, velocity variance, crowd pressure and divergence of the crowd's
 * own motion (camera motion already removed) inside a zone.
 *
 * @param flow flow field of this frame (pixels per frame, NaN = unreliable cell)
 * @param zone polygon in image pixels, or null for the whole frame
 * @example
 * const m = zoneFlowMetrics(analysis.flow, [[0, 0], [400, 0], [400, 300], [0, 300]], {
 *   dtS: 0.2, gsdMPerPx: analysis.frame.gsdMPerPx, density: analysis.density,
 * });
 * Object.assign(reading, toZoneReadingFlow(m));
 */
export function zoneFlowMetrics(flow: FlowField, zone: PolygonPx | null, options: ZoneFlowOptions): ZoneFlowMetrics {
  const { dtS, gsdMPerPx: gsd, density } = options;
  if (!(dtS > 0) || !Number.isFinite(dtS)) {
    throw new RaqibError('INPUT_INVALID', `flow frame interval must be > 0 s, got ${dtS}`);
  }
  if (gsd !== undefined && !(gsd > 0)) {
    throw new RaqibError('INPUT_INVALID', `ground sampling distance must be > 0 m/px, got ${gsd}`);
  }
  const { cols, rows } = flow;
  const n = cols * rows;
  if (flow.dx.length < n || flow.dy.length < n) {
    throw new RaqibError('INPUT_INVALID', `flow field ${cols}x${rows} has only ${flow.dx.length} vectors`);
  }
  const coverage = options.coverage ?? (zone ? polygonCellCoverage(flow, zone) : new Float32Array(n).fill(1));
  if (coverage.length !== n) {
    throw new RaqibError('INPUT_INVALID', `zone coverage has ${coverage.length} cells, the flow grid ${n}`);
  }
  const persons = density ? densityOnGrid(density, flow) : null;
  const minDisp = options.minDisplacementPx ?? 0.3;
  const minSpeedPxPerFrame = gsd ? ((options.minSpeedMPerS ?? 0.2) / gsd) * dtS : 0;
  const moveThreshold = Math.max(minDisp, minSpeedPxPerFrame);
  const toPxPerS = 1 / dtS;

  let cells = 0;
  let validCells = 0;
  let sw = 0;
  let swSpeed = 0;
  let swSpeed2 = 0;
  let swVx = 0;
  let swVy = 0;
  let moving = 0;
  let dirX = 0;
  let dirY = 0;
  for (let i = 0; i < n; i++) {
    const cov = coverage[i] as number;
    if (!(cov > 0)) continue;
    cells += cov;
    const dx = flow.dx[i] as number;
    const dy = flow.dy[i] as number;
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
    validCells += cov;
    const w = cov * (persons ? Math.max(0, persons[i] as number) : 1);
    if (!(w > 0)) continue;
    const vx = dx * toPxPerS;
    const vy = dy * toPxPerS;
    const speedPxPerFrame = Math.hypot(dx, dy);
    sw += w;
    swSpeed += w * speedPxPerFrame * toPxPerS;
    swSpeed2 += w * (vx * vx + vy * vy);
    swVx += w * vx;
    swVy += w * vy;
    if (speedPxPerFrame >= moveThreshold && speedPxPerFrame > 0) {
      moving += w;
      dirX += (w * dx) / speedPxPerFrame;
      dirY += (w * dy) / speedPxPerFrame;
    }
  }
  const result: ZoneFlowMetrics = { cells, validCells, weight: sw, movingShare: sw > 0 ? moving / sw : 0 };
  if (!(sw > 0)) return result;

  result.meanSpeedPxPerS = swSpeed / sw;
  const meanVx = swVx / sw;
  const meanVy = swVy / sw;
  result.speedVariancePx2PerS2 = Math.max(0, swSpeed2 / sw - result.meanSpeedPxPerS ** 2);
  result.velocityVariancePx2PerS2 = Math.max(0, swSpeed2 / sw - meanVx * meanVx - meanVy * meanVy);
  if (gsd) {
    result.meanSpeedMPerS = result.meanSpeedPxPerS * gsd;
    result.speedVarianceM2PerS2 = result.speedVariancePx2PerS2 * gsd * gsd;
    result.velocityVarianceM2PerS2 = result.velocityVariancePx2PerS2 * gsd * gsd;
  }

  const minMovingShare = options.minMovingShare ?? 0.1;
  if (result.movingShare >= minMovingShare && Math.hypot(dirX, dirY) > 1e-9 * moving) {
    result.directionDeg = directionDegOf(dirX, dirY);
  }
  if (result.movingShare < minMovingShare) {
    result.counterflowShare = 0;
  } else if (options.referenceDirectionDeg !== undefined || result.directionDeg !== undefined) {
    const refDeg = options.referenceDirectionDeg ?? (result.directionDeg as number);
    result.counterflowShare = againstShare(flow, coverage, persons, moveThreshold, refDeg) / moving;
  } else {
    // Movers cancel out (balanced two-way flow): measure along their common axis; the smaller
    // side is the counterflow.
    const axisDeg = moverAxisDeg(flow, coverage, persons, moveThreshold);
    const against = againstShare(flow, coverage, persons, moveThreshold, axisDeg) / moving;
    result.counterflowShare = Math.min(against, 1 - against);
  }

  const divergence = linearFieldDivergence(flow, coverage, persons, toPxPerS);
  if (divergence !== undefined) result.divergencePerS = divergence;
  if (persons && gsd)
    Object.assign(result, localPressure(flow, coverage, persons, gsd, toPxPerS, options.pressureRadiusM ?? 1));
  return result;
}

/** Weight of the movers heading more than 90 degrees away from `refDeg`. */
function againstShare(
  flow: FlowField,
  coverage: Float32Array,
  persons: Float32Array | null,
  moveThreshold: number,
  refDeg: number,
): number {
  const refRad = (refDeg * Math.PI) / 180;
  const ux = Math.sin(refRad);
  const uy = -Math.cos(refRad);
  let against = 0;
  forEachMover(flow, coverage, persons, moveThreshold, (dx, dy, w) => {
    if (dx * ux + dy * uy < 0) against += w;
  });
  return against;
}

/** Axis (0..180 degrees) the movers' directions align with, from the weighted mean of doubled angles. */
function moverAxisDeg(
  flow: FlowField,
  coverage: Float32Array,
  persons: Float32Array | null,
  moveThreshold: number,
): number {
  let c2 = 0;
  let s2 = 0;
  forEachMover(flow, coverage, persons, moveThreshold, (dx, dy, w) => {
    const angle = Math.atan2(dx, -dy);
    c2 += w * Math.cos(2 * angle);
    s2 += w * Math.sin(2 * angle);
  });
  return (Math.atan2(s2, c2) * 90) / Math.PI;
}

function forEachMover(
  flow: FlowField,
  coverage: Float32Array,
  persons: Float32Array | null,
  moveThreshold: number,
  fn: (dx: number, dy: number, w: number) => void,
): void {
  for (let i = 0; i < coverage.length; i++) {
    const cov = coverage[i] as number;
    if (!(cov > 0)) continue;
    const dx = flow.dx[i] as number;
    const dy = flow.dy[i] as number;
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
    const speed = Math.hypot(dx, dy);
    if (!(speed >= moveThreshold && speed > 0)) continue;
    const w = cov * (persons ? Math.max(0, persons[i] as number) : 1);
    if (w > 0) fn(dx, dy, w);
  }
}

/** Degrees clockwise from image up (negative y), in [0, 360). */
function directionDegOf(x: number, y: number): number {
  const deg = (Math.atan2(x, -y) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/**
 * The {@link ZoneReading} fields these metrics fill: speeds, direction, counterflow, speed
 * variance ((m/s)^2 of the speed magnitudes, only with a GSD, as for tracks), pressure and
 * divergence. Absent metrics stay absent.
 */
export function toZoneReadingFlow(
  metrics: ZoneFlowMetrics,
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
  const out: ReturnType<typeof toZoneReadingFlow> = {};
  if (metrics.meanSpeedMPerS !== undefined) out.meanSpeedMPerS = metrics.meanSpeedMPerS;
  if (metrics.meanSpeedPxPerS !== undefined) out.meanSpeedPxPerS = metrics.meanSpeedPxPerS;
  if (metrics.directionDeg !== undefined) out.directionDeg = metrics.directionDeg;
  if (metrics.counterflowShare !== undefined) out.counterflowShare = metrics.counterflowShare;
  if (metrics.speedVarianceM2PerS2 !== undefined) out.speedVariance = metrics.speedVarianceM2PerS2;
  if (metrics.pressurePerS2 !== undefined) out.pressurePerS2 = metrics.pressurePerS2;
  if (metrics.divergencePerS !== undefined) out.divergencePerS = metrics.divergencePerS;
  return out;
}
