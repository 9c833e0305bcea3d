/** A counting line (a gate) from A to B, in the same coordinates as the tracked positions. */
export interface CountingLine {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  /** Length of the line on the ground, metres; enables flow per metre. */
  lengthM?: number;
}

/** Settings of {@link LineCounter}. */
export interface LineCounterOptions {
  /** Consecutive updates a track must spend on the new side before its crossing counts (inertia). */
  minUpdatesOnSide: number;
  /** Half-width of a dead band around the line, in position units: inside it a track has no side. */
  bandPx: number;
  /** A track not seen for this long is forgotten, seconds. */
  forgetAfterS: number;
}

/** Defaults of {@link LineCounterOptions}. */
export const DEFAULT_LINE_COUNTER_OPTIONS: Readonly<LineCounterOptions> = Object.freeze({
  minUpdatesOnSide: 2,
  bandPx: 1.5,
  forgetAfterS: 5,
});

/** A position of one track at one update. */
export interface TrackPosition {
  id: number;
  xPx: number;
  yPx: number;
}

/** One counted crossing. */
export interface LineCrossing {
  trackId: number;
  /** 'in' = towards the positive side (see {@link LineCounter}), 'out' = the other way. */
  direction: 'in' | 'out';
  /** Time of the update at which the crossing was confirmed, seconds. */
  timeS: number;
}

/** Flow through a line over a recent window. */
export interface LineFlow {
  inPerMin: number;
  outPerMin: number;
  /** Both directions per metre of line per minute (needs `lengthM`). */
  flowPerMPerMin?: number;
}

interface SideState {
  /** Side the track is known to be on: -1, +1, or 0 while unknown. */
  side: number;
  pendingSide: number;
  pendingUpdates: number;
  /** The path since leaving `side` went through the line segment itself (not around its ends). */
  crossedSegment: boolean;
  x: number;
  y: number;
  lastSeenS: number;
}

/**
 * Counts tracks crossing a line. A crossing is detected from the segment between a track's successive
 * positions (so a fast mover cannot jump over the line), must pass between the line's end points, and
 * counts only once the track has stayed on the new side, outside a dead band, for
 * `minUpdatesOnSide` updates (inertia against flicker double counts). Going back before that cancels
 * it. Direction comes from the motion versus the line's normal: 'in' is towards the side where
 * cross(B - A, P - A) > 0 - for a line drawn left to right in an image (y down), 'in' is downwards.
 *
 * @example
 * const gate = new LineCounter({ ax: 0, ay: 500, bx: 1920, by: 500, lengthM: 40 });
 * gate.update(tracker.activeTracks(), timeS); // crossings confirmed at this update
 * gate.inCount; gate.flow(timeS, 60).flowPerMPerMin;
 */
export class LineCounter {
  readonly line: Readonly<CountingLine>;
  readonly options: Readonly<LineCounterOptions>;
  inCount = 0;
  outCount = 0;
  private readonly states = new Map<number, SideState>();
  private readonly recent: LineCrossing[] = [];
  private readonly lengthPx: number;

  constructor(line: CountingLine, options: Partial<LineCounterOptions> = {}) {
    this.line = Object.freeze({ ...line });
    this.options = Object.freeze({ ...DEFAULT_LINE_COUNTER_OPTIONS, ...options });
    this.lengthPx = Math.hypot(line.bx - line.ax, line.by - line.ay);
    if (!(this.lengthPx > 0)) throw new RangeError('LineCounter: the line has zero length');
  }

  /** Feeds the tracks' positions at one time; returns the crossings confirmed by this update. */
  update(tracks: Iterable<TrackPosition>, timeS: number): LineCrossing[] {
    const crossings: LineCrossing[] = [];
    for (const track of tracks) {
      const crossing = this.step(track, timeS);
      if (crossing) crossings.push(crossing);
    }
    for (const [id, state] of this.states) {
      if (timeS - state.lastSeenS > this.options.forgetAfterS) this.states.delete(id);
    }
    for (const crossing of crossings) {
      if (crossing.direction === 'in') this.inCount++;
      else this.outCount++;
      this.recent.push(crossing);
    }
    return crossings;
  }

  /** Crossing rates over the last `windowS` seconds before `nowS` (older crossings are dropped). */
  flow(nowS: number, windowS = 60): LineFlow {
    while (this.recent.length > 0 && this.recent[0]!.timeS <= nowS - windowS) this.recent.shift();
    let inside = 0;
    let outside = 0;
    for (const crossing of this.recent) {
      if (crossing.direction === 'in') inside++;
      else outside++;
    }
    const perMin = 60 / windowS;
    const flow: LineFlow = { inPerMin: inside * perMin, outPerMin: outside * perMin };
    if (this.line.lengthM !== undefined && this.line.lengthM > 0) {
      flow.flowPerMPerMin = ((inside + outside) * perMin) / this.line.lengthM;
    }
    return flow;
  }

  /** Signed distance of a point from the line (positive on the 'in' side), position units. */
  signedDistance(x: number, y: number): number {
    const { ax, ay, bx, by } = this.line;
    return ((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / this.lengthPx;
  }

  private sideOf(x: number, y: number): number {
    const d = this.signedDistance(x, y);
    if (d > this.options.bandPx) return 1;
    if (d < -this.options.bandPx) return -1;
    return 0;
  }

  private step(track: TrackPosition, timeS: number): LineCrossing | undefined {
    const { xPx: x, yPx: y } = track;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    const side = this.sideOf(x, y);
    const state = this.states.get(track.id);
    if (!state) {
      this.states.set(track.id, {
        side,
        pendingSide: 0,
        pendingUpdates: 0,
        crossedSegment: false,
        x,
        y,
        lastSeenS: timeS,
      });
      return undefined;
    }
    if (this.segmentCrossesLine(state.x, state.y, x, y)) state.crossedSegment = true;
    state.x = x;
    state.y = y;
    state.lastSeenS = timeS;
    if (side === 0) return undefined;
    if (state.side === side) {
      state.pendingSide = 0;
      state.pendingUpdates = 0;
      state.crossedSegment = false;
      return undefined;
    }
    if (state.pendingSide === side) state.pendingUpdates++;
    else {
      state.pendingSide = side;
      state.pendingUpdates = 1;
    }
    if (state.pendingUpdates < this.options.minUpdatesOnSide) return undefined;
    const counted = state.side !== 0 && state.crossedSegment;
    state.side = side;
    state.pendingSide = 0;
    state.pendingUpdates = 0;
    state.crossedSegment = false;
    return counted ? { trackId: track.id, direction: side > 0 ? 'in' : 'out', timeS } : undefined;
  }

  /** Whether the step P->Q meets the line segment A-B (touching counts). */
  private segmentCrossesLine(px: number, py: number, qx: number, qy: number): boolean {
    const { ax, ay, bx, by } = this.line;
    const d1 = orient(ax, ay, bx, by, px, py);
    const d2 = orient(ax, ay, bx, by, qx, qy);
    if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) return false;
    const d3 = orient(px, py, qx, qy, ax, ay);
    const d4 = orient(px, py, qx, qy, bx, by);
    if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) return false;
    if (d1 === 0 && d2 === 0) {
      // Collinear: overlapping projections onto the line.
      const t1 = projection(ax, ay, bx, by, px, py);
      const t2 = projection(ax, ay, bx, by, qx, qy);
      return Math.max(t1, t2) >= 0 && Math.min(t1, t2) <= 1;
    }
    return true;
  }
}

function orient(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

function projection(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const lx = bx - ax;
  const ly = by - ay;
  return ((px - ax) * lx + (py - ay) * ly) / (lx * lx + ly * ly);
}
