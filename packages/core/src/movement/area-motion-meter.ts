import type { ZoneReading } from '../frame-analysis.js';
import { NeighbourGrid } from './neighbour-grid.js';
import { pointInPolygon, polygonArea, type Point2 } from './planar-geometry.js';

/**
 * People at one time, as positions and velocities on a plane: ground metres and m/s when the scale is
 * known (the usual case), else image pixels and px/s. The first `count` entries of each array are used.
 */
export interface MovingPoints {
  timeS: number;
  count: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  vx: ArrayLike<number>;
  vy: ArrayLike<number>;
}

/** Options of an {@link AreaMotionMeter}. */
export interface AreaMotionMeterOptions {
  /**
   * Radius R of the Gaussian kernel of local density and pressure (Helbing), in the points' length unit;
   * null when the points are not in metres (no local density, no pressure). Default 1 (metre).
   */
  kernelRadius?: number | null;
  /**
   * Slower people are not movers, units per second (default 0.3 m/s: swaying and shuffling in place is
   * not flow). Counterflow is reported when at least 5 people and 10% of the zone are movers and they
   * move along one axis (axial order >= 0.35): against whom is undefined when people shuffle every way.
   */
  moverSpeed?: number;
  /** Spacing of the points where local density and pressure are sampled, length units (default 1). */
  cellSize?: number;
  /** Time constant of the local velocity mean and variance behind the pressure, seconds (default 10). */
  pressureWindowS?: number;
}

/** Movement in one area zone at one time. Speeds are in the points' units (m/s or px/s). */
export interface AreaMotion {
  /** People inside the polygon. */
  count: number;
  meanSpeed?: number;
  /** Variance of the speed (magnitude), units²/s². */
  speedVariance?: number;
  /** Dominant direction of the movers, degrees clockwise from image up (y down). */
  directionDeg?: number;
  /** Share (0..1) of movers heading against the dominant direction. */
  counterflowShare?: number;
  /** Radial divergence (positive = dispersing in every direction), 1/s. */
  divergencePerS?: number;
  /** Highest local density (Gaussian kernel) over the zone, persons per unit² (metric only). */
  peakLocalDensity?: number;
  /** Highest local crowd pressure, local density x local velocity variance over time, 1/s² (metric only). */
  pressurePerS2?: number;
}

/** Axial order of the movers' headings needed for a dominant direction (0 isotropic .. 1 one axis). */
const AXIAL_ORDER_MIN = 0.35;

/**
 * Measures how people move inside one polygon, frame after frame: mean speed and its variance, the
 * dominant direction and counterflow share (movers against it), radial divergence (twice the smaller
 * principal expansion rate of the least-squares velocity gradient: dispersal in every direction, not
 * two streams parting), and, in metres, the peak local density (Gaussian kernel, R ~ 1 m) and the peak
 * crowd pressure P(r) = rho(r) x Var_t(V(r)) - the variance over time of the kernel-weighted local
 * velocity (Helbing, Johansson & Al-Abideen 2007). Frames must come in time order.
 *
 * @example
 * const meter = new AreaMotionMeter(polygonM);
 * grid.rebuild(points.x, points.y, points.count); // a NeighbourGrid(meter.neighbourCellSize)
 * const motion = meter.measure(points, grid);
 */
export class AreaMotionMeter {
  readonly polygon: readonly Point2[];
  readonly area: number;
  /** Cell size a {@link NeighbourGrid} passed to {@link measure} must have at least. */
  readonly neighbourCellSize: number;
  private readonly kernelRadius: number | null;
  private readonly moverSpeed: number;
  private readonly pressureWindowS: number;
  private readonly field: CellField | null;
  private readonly bounds: { minX: number; minY: number; maxX: number; maxY: number };
  private near = new Int32Array(0);

  constructor(polygon: readonly Point2[], options: AreaMotionMeterOptions = {}) {
    this.polygon = polygon;
    this.area = polygonArea(polygon);
    this.kernelRadius = options.kernelRadius === undefined ? 1 : options.kernelRadius;
    this.moverSpeed = options.moverSpeed ?? 0.3;
    this.pressureWindowS = options.pressureWindowS ?? 10;
    this.neighbourCellSize = 2.5 * (this.kernelRadius ?? 1);
    this.field = this.kernelRadius === null ? null : cellField(polygon, options.cellSize ?? 1);
    this.bounds = {
      minX: Math.min(...polygon.map(([x]) => x)),
      maxX: Math.max(...polygon.map(([x]) => x)),
      minY: Math.min(...polygon.map(([, y]) => y)),
      maxY: Math.max(...polygon.map(([, y]) => y)),
    };
  }

  /**
   * The zone's motion in this frame. `grid` must index `points` (cell size >= {@link neighbourCellSize});
   * it is needed only for the local density and pressure (metric meters).
   */
  measure(points: MovingPoints, grid?: NeighbourGrid): AreaMotion {
    const { minX, minY, maxX, maxY } = this.bounds;
    const members: number[] = [];
    for (let i = 0; i < points.count; i++) {
      const px = points.x[i]!;
      const py = points.y[i]!;
      if (px < minX || px > maxX || py < minY || py > maxY) continue;
      if (pointInPolygon(px, py, this.polygon)) members.push(i);
    }
    const motion: AreaMotion = { count: members.length };
    if (this.field) {
      if (!grid)
        throw new Error('AreaMotionMeter.measure: a NeighbourGrid over the points is needed for local density');
      Object.assign(motion, this.cellPeaks(this.field, points, grid));
    }
    if (members.length > 0) Object.assign(motion, this.memberMotion(members, points));
    return motion;
  }

  /** Peak kernel density and pressure over the zone's sample points (see the class comment). */
  private cellPeaks(
    field: CellField,
    points: MovingPoints,
    grid: NeighbourGrid,
  ): { peakLocalDensity: number; pressurePerS2: number } {
    if (this.near.length < points.count) this.near = new Int32Array(points.count * 2);
    const r2 = this.kernelRadius! * this.kernelRadius!;
    const cutoff2 = 6.25 * r2;
    const weight =
      field.lastS === undefined ? 1 : 1 - Math.exp(-Math.max(0, points.timeS - field.lastS) / this.pressureWindowS);
    let peakDensity = 0;
    let peakPressure = 0;
    for (let c = 0; c < field.x.length; c++) {
      const cx = field.x[c]!;
      const cy = field.y[c]!;
      const count = grid.collectNear(cx, cy, this.near);
      let weights = 0;
      let sumVx = 0;
      let sumVy = 0;
      for (let k = 0; k < count; k++) {
        const j = this.near[k]!;
        const dx = points.x[j]! - cx;
        const dy = points.y[j]! - cy;
        const d2 = dx * dx + dy * dy;
        if (d2 > cutoff2) continue;
        const w = Math.exp(-d2 / r2);
        weights += w;
        sumVx += w * points.vx[j]!;
        sumVy += w * points.vy[j]!;
      }
      const density = weights / (Math.PI * r2);
      const vx = weights > 1e-6 ? sumVx / weights : 0;
      const vy = weights > 1e-6 ? sumVy / weights : 0;
      if (field.lastS === undefined) {
        field.meanVx[c] = vx;
        field.meanVy[c] = vy;
      } else {
        const dx = vx - field.meanVx[c]!;
        const dy = vy - field.meanVy[c]!;
        field.meanVx[c]! += weight * dx;
        field.meanVy[c]! += weight * dy;
        field.variance[c] = (1 - weight) * (field.variance[c]! + weight * (dx * dx + dy * dy));
      }
      peakDensity = Math.max(peakDensity, density);
      peakPressure = Math.max(peakPressure, density * field.variance[c]!);
    }
    field.lastS = points.timeS;
    return { peakLocalDensity: peakDensity, pressurePerS2: peakPressure };
  }

  /** Speed, direction, counterflow and divergence of the people inside the zone. */
  private memberMotion(members: readonly number[], points: MovingPoints): Omit<AreaMotion, 'count'> {
    let sumSpeed = 0;
    let sumSpeed2 = 0;
    let meanX = 0;
    let meanY = 0;
    let meanVx = 0;
    let meanVy = 0;
    let headingX = 0;
    let headingY = 0;
    // Axial order of the headings: sum of (cos 2theta, sin 2theta); near 1 when everyone moves along
    // one axis (one stream, or two opposing ones), near 0 for shuffling in every direction.
    let axialX = 0;
    let axialY = 0;
    let movers = 0;
    for (const i of members) {
      const vx = points.vx[i]!;
      const vy = points.vy[i]!;
      const speed = Math.sqrt(vx * vx + vy * vy);
      sumSpeed += speed;
      sumSpeed2 += speed * speed;
      meanX += points.x[i]!;
      meanY += points.y[i]!;
      meanVx += vx;
      meanVy += vy;
      if (speed >= this.moverSpeed) {
        headingX += vx / speed;
        headingY += vy / speed;
        axialX += (vx * vx - vy * vy) / (speed * speed);
        axialY += (2 * vx * vy) / (speed * speed);
        movers++;
      }
    }
    // The dominant direction: the axis of the headings, pointing the way most movers go along it.
    const axialOrder = movers > 0 ? Math.hypot(axialX, axialY) / movers : 0;
    const axisAngle = Math.atan2(axialY, axialX) / 2;
    let axisX = Math.cos(axisAngle);
    let axisY = Math.sin(axisAngle);
    if (axisX * headingX + axisY * headingY < 0) {
      axisX = -axisX;
      axisY = -axisY;
    }
    const n = members.length;
    meanX /= n;
    meanY /= n;
    meanVx /= n;
    meanVy /= n;
    const motion: Omit<AreaMotion, 'count'> = {
      meanSpeed: sumSpeed / n,
      speedVariance: Math.max(0, sumSpeed2 / n - (sumSpeed / n) ** 2),
    };
    let against = 0;
    // Least-squares velocity gradient G (v ~ mean + G (r - centroid)) from the moments below.
    let rxx = 0;
    let rxy = 0;
    let ryy = 0;
    let vxrx = 0;
    let vxry = 0;
    let vyrx = 0;
    let vyry = 0;
    for (const i of members) {
      const vx = points.vx[i]!;
      const vy = points.vy[i]!;
      if (Math.sqrt(vx * vx + vy * vy) >= this.moverSpeed && vx * axisX + vy * axisY < 0) against++;
      const rx = points.x[i]! - meanX;
      const ry = points.y[i]! - meanY;
      const ux = vx - meanVx;
      const uy = vy - meanVy;
      rxx += rx * rx;
      rxy += rx * ry;
      ryy += ry * ry;
      vxrx += ux * rx;
      vxry += ux * ry;
      vyrx += uy * rx;
      vyry += uy * ry;
    }
    if (movers >= Math.max(5, 0.1 * n) && axialOrder >= AXIAL_ORDER_MIN) {
      motion.counterflowShare = against / movers;
      // Degrees clockwise from image up (y down): atan2(x, -y).
      motion.directionDeg = ((Math.atan2(axisX, -axisY) * 180) / Math.PI + 360) % 360;
    }
    const det = rxx * ryy - rxy * rxy;
    if (n >= 3 && det > 1e-9 * (rxx + ryy) ** 2) {
      const gxx = (vxrx * ryy - vxry * rxy) / det;
      const gxy = (vxry * rxx - vxrx * rxy) / det;
      const gyx = (vyrx * ryy - vyry * rxy) / det;
      const gyy = (vyry * rxx - vyrx * rxy) / det;
      // Radial divergence: twice the smaller principal expansion rate of the symmetric part of G.
      // Equal to div v for an expansion in every direction; about zero for streams along one axis.
      const half = (gxx + gyy) / 2;
      const shear = Math.hypot((gxx - gyy) / 2, (gxy + gyx) / 2);
      motion.divergencePerS = 2 * (half - shear);
    }
    return motion;
  }
}

/**
 * The motion fields of a {@link ZoneReading} from an {@link AreaMotion}: m/s, (m/s)², persons/m² and
 * pressure when the points were in metres (`metric`), else only pixel speed, direction, counterflow
 * and divergence (which has no length unit).
 */
export function areaMotionReadingFields(motion: AreaMotion, metric: boolean): Partial<ZoneReading> {
  const fields: Partial<ZoneReading> = {};
  if (motion.meanSpeed !== undefined) {
    if (metric) fields.meanSpeedMPerS = motion.meanSpeed;
    else fields.meanSpeedPxPerS = motion.meanSpeed;
  }
  if (metric && motion.speedVariance !== undefined) fields.speedVariance = motion.speedVariance;
  if (motion.directionDeg !== undefined) fields.directionDeg = motion.directionDeg;
  if (motion.counterflowShare !== undefined) fields.counterflowShare = motion.counterflowShare;
  if (motion.divergencePerS !== undefined) fields.divergencePerS = motion.divergencePerS;
  if (metric && motion.peakLocalDensity !== undefined) fields.peakLocalDensityPerM2 = motion.peakLocalDensity;
  if (metric && motion.pressurePerS2 !== undefined) fields.pressurePerS2 = motion.pressurePerS2;
  return fields;
}

/** Sample points of an area zone and the running statistics of the local velocity at each. */
interface CellField {
  x: Float64Array;
  y: Float64Array;
  meanVx: Float64Array;
  meanVy: Float64Array;
  variance: Float64Array;
  lastS: number | undefined;
}

/** Centres of the `cellSize` grid cells whose centre lies in the polygon (at least one point). */
function cellField(polygon: readonly Point2[], cellSize: number): CellField {
  const xs: number[] = [];
  const ys: number[] = [];
  const minX = Math.min(...polygon.map(([x]) => x));
  const maxX = Math.max(...polygon.map(([x]) => x));
  const minY = Math.min(...polygon.map(([, y]) => y));
  const maxY = Math.max(...polygon.map(([, y]) => y));
  for (let y = minY + cellSize / 2; y < maxY; y += cellSize) {
    for (let x = minX + cellSize / 2; x < maxX; x += cellSize) {
      if (pointInPolygon(x, y, polygon)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length === 0) {
    xs.push(polygon.reduce((sum, [x]) => sum + x, 0) / polygon.length);
    ys.push(polygon.reduce((sum, [, y]) => sum + y, 0) / polygon.length);
  }
  const n = xs.length;
  return {
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    meanVx: new Float64Array(n),
    meanVy: new Float64Array(n),
    variance: new Float64Array(n),
    lastS: undefined,
  };
}
