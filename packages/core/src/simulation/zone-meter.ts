import type { ZoneReading } from '../frame-analysis.js';
import type { ScenarioZone } from './crowd-scenario.js';
import { NeighbourGrid } from './neighbour-grid.js';
import { closestOnSegment, pointInPolygon, polygonArea, segmentCrossing, type Point2 } from './planar-geometry.js';

/** People seen at one time: ids (stable across frames), positions in metres, velocities in m/s. */
export interface PeopleFrame {
  timeS: number;
  count: number;
  ids: Int32Array;
  x: Float64Array;
  y: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
}

/** Options of a {@link ZoneMeter}. */
export interface ZoneMeterOptions {
  /** Radius R of the Gaussian kernel of local density and pressure (Helbing), metres (default 1). */
  kernelRadiusM?: number;
  /** Window of line flow rates, seconds (default 10). */
  flowWindowS?: number;
  /**
   * Slower people are not movers, m/s (default 0.3: swaying and shuffling in place is not flow).
   * Counterflow is reported when at least 5 people and 10% of the zone are movers and they move along
   * one axis (axial order >= 0.35): against whom is undefined when people shuffle in every direction.
   */
  moverSpeedMPerS?: number;
  /** People this close to a line count as "at" the line, metres (default 1). */
  lineNearM?: number;
  /** Spacing of the points where local density and pressure are sampled, metres (default 1). */
  cellM?: number;
  /** Time constant of the local velocity mean and variance behind the pressure, seconds (default 10). */
  pressureWindowS?: number;
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

/** Axial order of the movers' headings needed for a dominant direction (0 isotropic .. 1 one axis). */
const AXIAL_ORDER_MIN = 0.35;

interface LineState {
  crossings: { timeS: number; sign: number }[];
  startS: number | undefined;
}

/**
 * Zone metrics from people's ground positions and velocities, for simulations and tests: area zones
 * get count, density, peak local density (Gaussian kernel, R ~ 1 m), mean speed, dominant direction,
 * counterflow share, crowd pressure (local density x local velocity variance, peak over the zone)
 * and radial divergence (twice the smaller principal expansion rate of the least-squares velocity
 * gradient: dispersal in every direction, not two streams parting); lines get crossings per direction and the specific flow per metre.
 * The real pipeline computes these from detections and tracks; this is the reference from truth.
 */
export class ZoneMeter {
  private readonly zones: readonly ScenarioZone[];
  private readonly kernelRadiusM: number;
  private readonly flowWindowS: number;
  private readonly moverSpeedMPerS: number;
  private readonly lineNearM: number;
  private readonly grid: NeighbourGrid;
  private readonly areas = new Map<string, number>();
  private readonly lines = new Map<string, LineState>();
  private readonly cells = new Map<string, CellField>();
  private readonly pressureWindowS: number;
  private lastSeen = new Map<number, { x: number; y: number; timeS: number }>();
  private near = new Int32Array(0);

  constructor(zones: readonly ScenarioZone[], options: ZoneMeterOptions = {}) {
    this.zones = zones;
    this.kernelRadiusM = options.kernelRadiusM ?? 1;
    this.flowWindowS = options.flowWindowS ?? 10;
    this.moverSpeedMPerS = options.moverSpeedMPerS ?? 0.3;
    this.lineNearM = options.lineNearM ?? 1;
    this.pressureWindowS = options.pressureWindowS ?? 10;
    this.grid = new NeighbourGrid(2.5 * this.kernelRadiusM);
    const cellM = options.cellM ?? 1;
    for (const zone of zones) {
      if (zone.polygon) {
        this.areas.set(zone.id, polygonArea(zone.polygon));
        this.cells.set(zone.id, cellField(zone.polygon, cellM));
      }
      if (zone.line) this.lines.set(zone.id, { crossings: [], startS: undefined });
    }
  }

  /** Readings of every zone for one frame (frames must come in time order). */
  measure(people: PeopleFrame): ZoneReading[] {
    if (this.near.length < people.count) this.near = new Int32Array(people.count * 2);
    this.grid.rebuild(people.x, people.y, people.count);
    const readings: ZoneReading[] = [];
    for (const zone of this.zones) {
      if (zone.polygon) readings.push(this.areaReading(zone.id, zone.polygon, people));
      else if (zone.line) readings.push(this.lineReading(zone.id, zone.line, people));
    }
    const seen = new Map<number, { x: number; y: number; timeS: number }>();
    for (const [id, last] of this.lastSeen) if (people.timeS - last.timeS <= 2) seen.set(id, last);
    for (let i = 0; i < people.count; i++)
      seen.set(people.ids[i]!, { x: people.x[i]!, y: people.y[i]!, timeS: people.timeS });
    this.lastSeen = seen;
    return readings;
  }

  /**
   * Local density rho(r) = sum_j exp(-|r_j - r|² / R²) / (pi R²) and the kernel-weighted local velocity
   * V(r) at the zone's sample points; pressure P(r) = rho(r) x Var_t(V(r)), the variance over time of
   * the local velocity (Helbing, Johansson & Al-Abideen 2007). Returns the peaks over the zone.
   */
  private cellPeaks(field: CellField, people: PeopleFrame): { density: number; pressure: number } {
    const r2 = this.kernelRadiusM * this.kernelRadiusM;
    const cutoff2 = 6.25 * r2;
    const weight =
      field.lastS === undefined ? 1 : 1 - Math.exp(-Math.max(0, people.timeS - field.lastS) / this.pressureWindowS);
    let peakDensity = 0;
    let peakPressure = 0;
    for (let c = 0; c < field.x.length; c++) {
      const cx = field.x[c]!;
      const cy = field.y[c]!;
      const count = this.grid.collectNear(cx, cy, this.near);
      let weights = 0;
      let sumVx = 0;
      let sumVy = 0;
      for (let k = 0; k < count; k++) {
        const j = this.near[k]!;
        const dx = people.x[j]! - cx;
        const dy = people.y[j]! - cy;
        const d2 = dx * dx + dy * dy;
        if (d2 > cutoff2) continue;
        const w = Math.exp(-d2 / r2);
        weights += w;
        sumVx += w * people.vx[j]!;
        sumVy += w * people.vy[j]!;
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
    field.lastS = people.timeS;
    return { density: peakDensity, pressure: peakPressure };
  }

  private areaReading(zoneId: string, polygon: readonly Point2[], people: PeopleFrame): ZoneReading {
    const areaM2 = this.areas.get(zoneId)!;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [px, py] of polygon) {
      minX = Math.min(minX, px);
      minY = Math.min(minY, py);
      maxX = Math.max(maxX, px);
      maxY = Math.max(maxY, py);
    }
    const members: number[] = [];
    for (let i = 0; i < people.count; i++) {
      const px = people.x[i]!;
      const py = people.y[i]!;
      if (px < minX || px > maxX || py < minY || py > maxY) continue;
      if (pointInPolygon(px, py, polygon)) members.push(i);
    }
    const reading: ZoneReading = {
      zoneId,
      kind: 'area',
      count: members.length,
      areaM2,
      densityPerM2: members.length / areaM2,
    };
    const peaks = this.cellPeaks(this.cells.get(zoneId)!, people);
    reading.peakLocalDensityPerM2 = peaks.density;
    reading.pressurePerS2 = peaks.pressure;
    if (members.length === 0) return reading;
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
    let moverCount = 0;
    for (const i of members) {
      const vx = people.vx[i]!;
      const vy = people.vy[i]!;
      const speed = Math.sqrt(vx * vx + vy * vy);
      sumSpeed += speed;
      sumSpeed2 += speed * speed;
      meanX += people.x[i]!;
      meanY += people.y[i]!;
      meanVx += vx;
      meanVy += vy;
      if (speed >= this.moverSpeedMPerS) {
        headingX += vx / speed;
        headingY += vy / speed;
        axialX += (vx * vx - vy * vy) / (speed * speed);
        axialY += (2 * vx * vy) / (speed * speed);
        moverCount++;
      }
    }
    // The dominant direction: the axis of the headings, pointing the way most movers go along it.
    const axialOrder = moverCount > 0 ? Math.hypot(axialX, axialY) / moverCount : 0;
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
    reading.meanSpeedMPerS = sumSpeed / n;
    reading.speedVariance = Math.max(0, sumSpeed2 / n - (sumSpeed / n) ** 2);
    let movers = 0;
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
      const vx = people.vx[i]!;
      const vy = people.vy[i]!;
      if (Math.sqrt(vx * vx + vy * vy) >= this.moverSpeedMPerS) {
        movers++;
        if (vx * axisX + vy * axisY < 0) against++;
      }
      const rx = people.x[i]! - meanX;
      const ry = people.y[i]! - meanY;
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
      reading.counterflowShare = against / movers;
      // Degrees clockwise from image up (y down): atan2(x, -y).
      reading.directionDeg = ((Math.atan2(axisX, -axisY) * 180) / Math.PI + 360) % 360;
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
      reading.divergencePerS = 2 * (half - shear);
    }
    return reading;
  }

  private lineReading(zoneId: string, line: [Point2, Point2], people: PeopleFrame): ZoneReading {
    const state = this.lines.get(zoneId)!;
    state.startS ??= people.timeS;
    const [a, b] = line;
    const lengthM = Math.hypot(b[0] - a[0], b[1] - a[1]);
    let inCount = 0;
    let outCount = 0;
    let near = 0;
    let sumSpeed = 0;
    for (let i = 0; i < people.count; i++) {
      const px = people.x[i]!;
      const py = people.y[i]!;
      const previous = this.lastSeen.get(people.ids[i]!);
      if (previous) {
        const sign = segmentCrossing(previous.x, previous.y, px, py, a, b);
        if (sign > 0) inCount++;
        if (sign < 0) outCount++;
      }
      const t = closestOnSegment(px, py, a, b);
      const dx = px - (a[0] + t * (b[0] - a[0]));
      const dy = py - (a[1] + t * (b[1] - a[1]));
      if (dx * dx + dy * dy <= this.lineNearM * this.lineNearM) {
        near++;
        sumSpeed += Math.hypot(people.vx[i]!, people.vy[i]!);
      }
    }
    for (let k = 0; k < inCount; k++) state.crossings.push({ timeS: people.timeS, sign: 1 });
    for (let k = 0; k < outCount; k++) state.crossings.push({ timeS: people.timeS, sign: -1 });
    while (state.crossings.length > 0 && state.crossings[0]!.timeS <= people.timeS - this.flowWindowS) {
      state.crossings.shift();
    }
    const windowS = Math.min(this.flowWindowS, Math.max(people.timeS - state.startS, 1e-9));
    let windowIn = 0;
    for (const crossing of state.crossings) if (crossing.sign > 0) windowIn++;
    const windowOut = state.crossings.length - windowIn;
    const reading: ZoneReading = { zoneId, kind: 'line', count: near, inCount, outCount };
    if (people.timeS - state.startS >= Math.min(this.flowWindowS, 2)) {
      reading.inflowPerMin = (windowIn * 60) / windowS;
      reading.outflowPerMin = (windowOut * 60) / windowS;
      reading.flowPerMPerMin = ((windowIn + windowOut) * 60) / windowS / lengthM;
    }
    if (near > 0) reading.meanSpeedMPerS = sumSpeed / near;
    return reading;
  }
}

/** Centres of the `cellM` grid cells whose centre lies in the polygon (at least one point). */
function cellField(polygon: readonly Point2[], cellM: number): CellField {
  const xs: number[] = [];
  const ys: number[] = [];
  const minX = Math.min(...polygon.map(([x]) => x));
  const maxX = Math.max(...polygon.map(([x]) => x));
  const minY = Math.min(...polygon.map(([, y]) => y));
  const maxY = Math.max(...polygon.map(([, y]) => y));
  for (let y = minY + cellM / 2; y < maxY; y += cellM) {
    for (let x = minX + cellM / 2; x < maxX; x += cellM) {
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
