import {
  DEFAULT_SOCIAL_FORCE_PARAMS,
  type AgentGroupSpec,
  type ClippedNormal,
  type CrowdScenario,
  type DispersalEvent,
  type SocialForceParams,
} from './crowd-scenario.js';
import { NeighbourGrid } from '../movement/neighbour-grid.js';
import { socialForceStep } from './social-force-step.js';
import { closestOnSegment, inRect, type RectM } from '../movement/planar-geometry.js';
import { SeededRandom } from './seeded-random.js';

/** Positions and velocities of everyone at one output frame (world metres, m/s). */
export interface TruthFrame {
  /** 0-based output frame index. */
  frame: number;
  timeS: number;
  count: number;
  /** Stable person ids (never reused). */
  ids: Int32Array;
  x: Float64Array;
  y: Float64Array;
  /** Velocity over the last output interval (what a tracker measures), m/s. */
  vx: Float64Array;
  vy: Float64Array;
}

const MODE_ROUTE = 0;
const MODE_STAND = 1;
const MODE_FLEE = 2;

function clippedNormal(random: SeededRandom, spec: ClippedNormal): number {
  return Math.min(spec.max, Math.max(spec.min, random.gaussian(spec.mean, spec.sd)));
}

/**
 * A social-force crowd simulation (Helbing): each person relaxes toward a desired velocity, is
 * repelled exponentially by people (anisotropic) and walls, and, when bodies touch, feels body
 * compression and sliding friction. Semi-implicit Euler at a fixed step; neighbours from a grid.
 * Deterministic for a given scenario and seed.
 */
export class CrowdSimulation {
  readonly scenario: CrowdScenario;
  private readonly params: SocialForceParams;
  private readonly random: SeededRandom;
  private readonly grid: NeighbourGrid;
  private readonly world: RectM;
  private stepIndex = 0;
  private nextId = 0;
  private n = 0;
  private capacity = 0;
  private inflowCredit: number[];
  // Per-person state, struct of arrays.
  private id = new Int32Array(0);
  private group = new Int32Array(0);
  private mode = new Int8Array(0);
  private stage = new Int32Array(0);
  private x = new Float64Array(0);
  private y = new Float64Array(0);
  private vx = new Float64Array(0);
  private vy = new Float64Array(0);
  private radius = new Float64Array(0);
  private speed0 = new Float64Array(0);
  private progress = new Float64Array(0);
  private homeX = new Float64Array(0);
  private homeY = new Float64Array(0);
  private relocateAtS = new Float64Array(0);
  private fleeX = new Float64Array(0);
  private fleeY = new Float64Array(0);
  private fleeSpeed = new Float64Array(0);
  private fleeSafeM = new Float64Array(0);
  private outX = new Float64Array(0);
  private outY = new Float64Array(0);
  private outS = new Float64Array(0);
  private ex = new Float64Array(0);
  private ey = new Float64Array(0);
  private want = new Float64Array(0);
  private near = new Int32Array(0);
  /** People indexed by the grid this step; later ones were spawned during the step. */
  private spawned = 0;

  constructor(scenario: CrowdScenario, seed = 1) {
    this.scenario = scenario;
    this.params = { ...DEFAULT_SOCIAL_FORCE_PARAMS, ...scenario.model };
    this.random = new SeededRandom(seed);
    this.grid = new NeighbourGrid(this.params.cutoffM);
    this.world = { x0: 0, y0: 0, x1: scenario.world.widthM, y1: scenario.world.heightM };
    this.inflowCredit = scenario.groups.map(() => 0);
    this.stepIndex = 0 - Math.round((scenario.warmUpS ?? 0) / scenario.dtS);
    scenario.groups.forEach((group, index) => this.placeInitial(group, index));
    while (this.stepIndex < 0) this.step();
  }

  /** Simulated time, seconds (negative during the warm-up). */
  get timeS(): number {
    return this.stepIndex * this.scenario.dtS;
  }

  /** People in the simulation now. */
  get population(): number {
    return this.n;
  }

  /** Advances by one integration step. */
  step(): void {
    const dt = this.scenario.dtS;
    const timeS = this.timeS;
    this.applyEvents(timeS);
    this.grid.rebuild(this.x, this.y, this.n);
    this.spawned = this.n;
    this.spawn(timeS, dt);
    this.desiredDirections(timeS);
    this.integrate(dt);
    this.removeLeavers();
    this.stepIndex++;
  }

  /** Everyone now, with velocities measured over the time since the previous snapshot. */
  snapshot(frame: number): TruthFrame {
    const n = this.n;
    const timeS = this.timeS;
    const result: TruthFrame = {
      frame,
      timeS,
      count: n,
      ids: this.id.slice(0, n),
      x: this.x.slice(0, n),
      y: this.y.slice(0, n),
      vx: new Float64Array(n),
      vy: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const elapsed = timeS - this.outS[i]!;
      if (elapsed > 1e-9) {
        result.vx[i] = (this.x[i]! - this.outX[i]!) / elapsed;
        result.vy[i] = (this.y[i]! - this.outY[i]!) / elapsed;
      } else {
        result.vx[i] = this.vx[i]!;
        result.vy[i] = this.vy[i]!;
      }
      this.outX[i] = this.x[i]!;
      this.outY[i] = this.y[i]!;
      this.outS[i] = timeS;
    }
    return result;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(64, needed, this.capacity * 2);
    const grow = <T extends Float64Array | Int32Array | Int8Array>(array: T): T => {
      const next = new (array.constructor as new (length: number) => T)(capacity);
      next.set(array);
      return next;
    };
    this.id = grow(this.id);
    this.group = grow(this.group);
    this.mode = grow(this.mode);
    this.stage = grow(this.stage);
    this.x = grow(this.x);
    this.y = grow(this.y);
    this.vx = grow(this.vx);
    this.vy = grow(this.vy);
    this.radius = grow(this.radius);
    this.speed0 = grow(this.speed0);
    this.progress = grow(this.progress);
    this.homeX = grow(this.homeX);
    this.homeY = grow(this.homeY);
    this.relocateAtS = grow(this.relocateAtS);
    this.fleeX = grow(this.fleeX);
    this.fleeY = grow(this.fleeY);
    this.fleeSpeed = grow(this.fleeSpeed);
    this.fleeSafeM = grow(this.fleeSafeM);
    this.outX = grow(this.outX);
    this.outY = grow(this.outY);
    this.outS = grow(this.outS);
    this.ex = grow(this.ex);
    this.ey = grow(this.ey);
    this.want = grow(this.want);
    this.near = new Int32Array(capacity);
    this.capacity = capacity;
  }

  private addPerson(groupIndex: number, px: number, py: number, timeS: number): void {
    const group = this.scenario.groups[groupIndex]!;
    this.ensureCapacity(this.n + 1);
    const i = this.n++;
    this.id[i] = this.nextId++;
    this.group[i] = groupIndex;
    this.mode[i] = group.behaviour.type === 'stand' ? MODE_STAND : MODE_ROUTE;
    this.stage[i] = 0;
    this.x[i] = px;
    this.y[i] = py;
    this.vx[i] = 0;
    this.vy[i] = 0;
    this.radius[i] = this.random.uniform(group.radiusM.min, group.radiusM.max);
    this.speed0[i] = clippedNormal(this.random, group.desiredSpeedMPerS);
    this.progress[i] = this.speed0[i]!;
    this.homeX[i] = px;
    this.homeY[i] = py;
    this.relocateAtS[i] = this.nextRelocation(group, timeS);
    this.outX[i] = px;
    this.outY[i] = py;
    this.outS[i] = timeS;
  }

  private nextRelocation(group: AgentGroupSpec, timeS: number): number {
    const every = group.behaviour.type === 'stand' ? group.behaviour.relocateEveryS : undefined;
    if (every === undefined) return Infinity;
    return timeS - every * Math.log(1 - this.random.next());
  }

  private placeInitial(group: AgentGroupSpec, groupIndex: number): void {
    if (!group.initial) return;
    const { region, densityPerM2 } = group.initial;
    const spacing = Math.sqrt(2 / (Math.sqrt(3) * densityPerM2));
    const rowHeight = (spacing * Math.sqrt(3)) / 2;
    let row = 0;
    for (let py = region.y0 + rowHeight / 2; py < region.y1; py += rowHeight, row++) {
      for (let px = region.x0 + (row % 2 === 0 ? spacing / 4 : (3 * spacing) / 4); px < region.x1; px += spacing) {
        const jitter = 0.15 * spacing;
        this.addPerson(
          groupIndex,
          px + this.random.uniform(-jitter, jitter),
          py + this.random.uniform(-jitter, jitter),
          this.timeS,
        );
      }
    }
  }

  private inflowRate(group: AgentGroupSpec, timeS: number): number {
    const inflow = group.inflow;
    if (!inflow) return 0;
    const startS = inflow.startS ?? 0;
    if (timeS < startS || (inflow.endS !== undefined && timeS >= inflow.endS)) return 0;
    if (inflow.endRatePerS === undefined || inflow.rampEndS === undefined) return inflow.ratePerS;
    const f = Math.min(1, (timeS - startS) / Math.max(1e-9, inflow.rampEndS - startS));
    return inflow.ratePerS + f * (inflow.endRatePerS - inflow.ratePerS);
  }

  private spawn(timeS: number, dt: number): void {
    this.scenario.groups.forEach((group, groupIndex) => {
      if (!group.inflow) return;
      this.inflowCredit[groupIndex]! += this.inflowRate(group, timeS) * dt;
      while (this.inflowCredit[groupIndex]! >= 1) {
        if (!this.trySpawn(group, groupIndex, timeS)) break;
        this.inflowCredit[groupIndex]! -= 1;
      }
      // A blocked entrance does not bank more than a few people.
      this.inflowCredit[groupIndex] = Math.min(this.inflowCredit[groupIndex]!, 3);
    });
  }

  private trySpawn(group: AgentGroupSpec, groupIndex: number, timeS: number): boolean {
    const region = group.inflow!.region;
    const clearance = group.radiusM.max * 2 + 0.05;
    for (let attempt = 0; attempt < 8; attempt++) {
      const px = this.random.uniform(region.x0, region.x1);
      const py = this.random.uniform(region.y0, region.y1);
      let free = true;
      const check = (j: number) => {
        const dx = this.x[j]! - px;
        const dy = this.y[j]! - py;
        if (dx * dx + dy * dy < clearance * clearance) free = false;
      };
      const indexed = this.grid.collectNear(px, py, this.near);
      for (let k = 0; k < indexed && free; k++) check(this.near[k]!);
      for (let j = this.spawned; j < this.n && free; j++) check(j);
      if (free) {
        this.addPerson(groupIndex, px, py, timeS);
        return true;
      }
    }
    return false;
  }

  private applyEvents(timeS: number): void {
    for (const event of this.scenario.events ?? []) {
      if (timeS >= event.timeS) this.alarm(event, timeS);
    }
  }

  private alarm(event: DispersalEvent, timeS: number): void {
    const reach = Math.min(event.maxRadiusM, event.radiusM + event.spreadMPerS * (timeS - event.timeS));
    if (reach <= 0 || timeS - event.timeS > (event.maxRadiusM - event.radiusM) / event.spreadMPerS + 1) return;
    const [cx, cy] = event.centre;
    for (let i = 0; i < this.n; i++) {
      if (this.mode[i] === MODE_FLEE) continue;
      const dx = this.x[i]! - cx;
      const dy = this.y[i]! - cy;
      if (dx * dx + dy * dy > reach * reach) continue;
      this.mode[i] = MODE_FLEE;
      this.fleeX[i] = cx;
      this.fleeY[i] = cy;
      this.fleeSpeed[i] = clippedNormal(this.random, event.fleeSpeedMPerS);
      this.fleeSafeM[i] = event.safeDistanceM;
    }
  }

  private desiredDirections(timeS: number): void {
    const groups = this.scenario.groups;
    for (let i = 0; i < this.n; i++) {
      const group = groups[this.group[i]!]!;
      const px = this.x[i]!;
      const py = this.y[i]!;
      let dx = 0;
      let dy = 0;
      let want = this.speed0[i]!;
      const mode = this.mode[i]!;
      if (mode === MODE_FLEE) {
        dx = px - this.fleeX[i]!;
        dy = py - this.fleeY[i]!;
        want = this.fleeSpeed[i]!;
        if (dx * dx + dy * dy >= this.fleeSafeM[i]! * this.fleeSafeM[i]!) {
          this.mode[i] = MODE_STAND;
          this.homeX[i] = px;
          this.homeY[i] = py;
          this.relocateAtS[i] = Infinity;
          want = 0;
        }
      } else if (mode === MODE_STAND) {
        const behaviour = group.behaviour;
        if (behaviour.type === 'stand' && timeS >= this.relocateAtS[i]!) {
          this.homeX[i] = this.random.uniform(behaviour.region.x0, behaviour.region.x1);
          this.homeY[i] = this.random.uniform(behaviour.region.y0, behaviour.region.y1);
          this.relocateAtS[i] = this.nextRelocation(group, timeS);
        }
        dx = this.homeX[i]! - px;
        dy = this.homeY[i]! - py;
        const distance = Math.sqrt(dx * dx + dy * dy);
        want = distance < 0.05 ? 0 : want * Math.min(1, distance / 0.6);
      } else if (group.behaviour.type === 'route') {
        const route = group.behaviour.route;
        for (;;) {
          const target = route[Math.min(this.stage[i]!, route.length - 1)]!;
          if (target.type === 'direction') {
            dx = target.dx;
            dy = target.dy;
            break;
          }
          let tx: number;
          let ty: number;
          if (target.type === 'point') {
            [tx, ty] = target.at;
          } else {
            const t = closestOnSegment(px, py, target.from, target.to);
            tx = target.from[0] + t * (target.to[0] - target.from[0]);
            ty = target.from[1] + t * (target.to[1] - target.from[1]);
          }
          dx = tx - px;
          dy = ty - py;
          if (dx * dx + dy * dy > target.reachM * target.reachM || this.stage[i]! >= route.length - 1) break;
          this.stage[i]!++;
        }
        if (group.impatientSpeedMPerS !== undefined) {
          const impatience = Math.min(1, Math.max(0, 1 - this.progress[i]! / this.speed0[i]!));
          want = (1 - impatience) * want + impatience * group.impatientSpeedMPerS;
        }
      }
      const length = Math.sqrt(dx * dx + dy * dy);
      this.ex[i] = length > 1e-9 ? dx / length : 0;
      this.ey[i] = length > 1e-9 ? dy / length : 0;
      this.want[i] = want;
    }
  }

  private integrate(dt: number): void {
    const { n, x, y, vx, vy, radius, ex, ey, want, progress } = this;
    const state = { n, x, y, vx, vy, radius, ex, ey, want, progress };
    socialForceStep(state, this.params, this.scenario.walls, this.grid, this.near, dt, this.random);
  }

  private removeLeavers(): void {
    let i = 0;
    while (i < this.n) {
      if (inRect(this.x[i]!, this.y[i]!, this.world)) {
        i++;
        continue;
      }
      const last = --this.n;
      if (i !== last) this.moveSlot(last, i);
    }
  }

  private moveSlot(from: number, to: number): void {
    const arrays = [
      this.id,
      this.group,
      this.mode,
      this.stage,
      this.x,
      this.y,
      this.vx,
      this.vy,
      this.radius,
      this.speed0,
      this.progress,
      this.homeX,
      this.homeY,
      this.relocateAtS,
      this.fleeX,
      this.fleeY,
      this.fleeSpeed,
      this.fleeSafeM,
      this.outX,
      this.outY,
      this.outS,
      this.ex,
      this.ey,
      this.want,
    ];
    for (const array of arrays) array[to] = array[from]!;
  }
}

/**
 * Runs a scenario and yields a {@link TruthFrame} at every output frame (`fps`), from time 0 to
 * `durationS` inclusive.
 */
export function* simulateScenario(
  scenario: CrowdScenario,
  options: { seed?: number; durationS?: number; fps?: number } = {},
): Generator<TruthFrame> {
  const simulation = new CrowdSimulation(scenario, options.seed ?? 1);
  const fps = options.fps ?? 5;
  const durationS = options.durationS ?? scenario.durationS;
  const stepsPerFrame = Math.max(1, Math.round(1 / (fps * scenario.dtS)));
  const frames = Math.floor(durationS / (stepsPerFrame * scenario.dtS) + 1e-9);
  yield simulation.snapshot(0);
  for (let frame = 1; frame <= frames; frame++) {
    for (let s = 0; s < stepsPerFrame; s++) simulation.step();
    yield simulation.snapshot(frame);
  }
}
