import type { ZoneReading } from '../frame-analysis.js';
import { AreaMotionMeter, areaMotionReadingFields, type MovingPoints } from '../movement/area-motion-meter.js';
import { NeighbourGrid } from '../movement/neighbour-grid.js';
import { closestOnSegment, segmentCrossing, type Point2 } from '../movement/planar-geometry.js';
import type { ScenarioZone } from './crowd-scenario.js';

/** People seen at one time: ids (stable across frames), positions in metres, velocities in m/s. */
export interface PeopleFrame extends MovingPoints {
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
  /** Slower people are not movers, m/s (default 0.3; see {@link AreaMotionMeter}). */
  moverSpeedMPerS?: number;
  /** People this close to a line count as "at" the line, metres (default 1). */
  lineNearM?: number;
  /** Spacing of the points where local density and pressure are sampled, metres (default 1). */
  cellM?: number;
  /** Time constant of the local velocity mean and variance behind the pressure, seconds (default 10). */
  pressureWindowS?: number;
}

interface LineState {
  crossings: { timeS: number; sign: number }[];
  startS: number | undefined;
}

/**
 * Zone metrics from people's true ground positions, velocities and identities, for simulations and
 * tests: area zones get count, density and the {@link AreaMotionMeter} figures (peak local density,
 * speed, direction, counterflow, pressure, radial divergence); lines get crossings per direction
 * (from the true identities) and the specific flow per metre. The pipeline measures areas with the
 * same {@link AreaMotionMeter} on tracks; this is the reference from truth.
 */
export class ZoneMeter {
  private readonly zones: readonly ScenarioZone[];
  private readonly flowWindowS: number;
  private readonly lineNearM: number;
  private readonly grid: NeighbourGrid;
  private readonly areas = new Map<string, AreaMotionMeter>();
  private readonly lines = new Map<string, LineState>();
  private lastSeen = new Map<number, { x: number; y: number; timeS: number }>();

  constructor(zones: readonly ScenarioZone[], options: ZoneMeterOptions = {}) {
    this.zones = zones;
    this.flowWindowS = options.flowWindowS ?? 10;
    this.lineNearM = options.lineNearM ?? 1;
    const meterOptions = {
      kernelRadius: options.kernelRadiusM ?? 1,
      moverSpeed: options.moverSpeedMPerS ?? 0.3,
      cellSize: options.cellM ?? 1,
      pressureWindowS: options.pressureWindowS ?? 10,
    };
    this.grid = new NeighbourGrid(2.5 * meterOptions.kernelRadius);
    for (const zone of zones) {
      if (zone.polygon) this.areas.set(zone.id, new AreaMotionMeter(zone.polygon, meterOptions));
      if (zone.line) this.lines.set(zone.id, { crossings: [], startS: undefined });
    }
  }

  /** Readings of every zone for one frame (frames must come in time order). */
  measure(people: PeopleFrame): ZoneReading[] {
    this.grid.rebuild(people.x, people.y, people.count);
    const readings: ZoneReading[] = [];
    for (const zone of this.zones) {
      if (zone.polygon) readings.push(this.areaReading(zone.id, people));
      else if (zone.line) readings.push(this.lineReading(zone.id, zone.line, people));
    }
    const seen = new Map<number, { x: number; y: number; timeS: number }>();
    for (const [id, last] of this.lastSeen) if (people.timeS - last.timeS <= 2) seen.set(id, last);
    for (let i = 0; i < people.count; i++)
      seen.set(people.ids[i]!, { x: people.x[i]!, y: people.y[i]!, timeS: people.timeS });
    this.lastSeen = seen;
    return readings;
  }

  private areaReading(zoneId: string, people: PeopleFrame): ZoneReading {
    const meter = this.areas.get(zoneId)!;
    const motion = meter.measure(people, this.grid);
    return {
      zoneId,
      kind: 'area',
      count: motion.count,
      areaM2: meter.area,
      densityPerM2: motion.count / meter.area,
      ...areaMotionReadingFields(motion, true),
    };
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
