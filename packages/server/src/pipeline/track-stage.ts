import {
  applyHomography,
  CrowdTracker,
  homographyWeight,
  isLineZone,
  isRaqibError,
  LineCounter,
  lineZoneLengthM,
  zoneLinePx,
  type CrowdTrackerOptions,
  type LineZone,
  type PointXY,
  type SimilarityMotion,
  type TrackPosition,
  type TrackSnapshot,
  type Zone,
  type ZoneReading,
} from '@raqib/core';
import { flowFrameInfo } from './flow-stage.js';
import type { FrameContext, Stage } from './stage.js';

/** Window of the line flow rates, seconds. */
const LINE_FLOW_WINDOW_S = 10;
/** Flow rates are reported once a line has been watched this long, seconds. */
const LINE_FLOW_MIN_S = 2;
/** People within this distance of a line count as "at" the line (metres; pixels when no ground). */
const LINE_NEAR_M = 1;
const LINE_NEAR_PX = 20;
/**
 * Process noise of the tracker's constant-velocity model in ground units, m²/s³: pedestrians' changes
 * of velocity. Turned into px²/s³ with the first frame's GSD; the pixel default applies without one.
 */
const ACCELERATION_NOISE_M2_PER_S3 = 0.5;
/** Dead band of a line counted on the ground, metres (about 1.5 px at 5 cm/px). */
const GROUND_LINE_BAND_M = 0.075;

/** Crossing totals of one line zone, as `lines.json` and the summary list them. */
export interface LineTotals {
  id: string;
  in: number;
  out: number;
  lengthM?: number;
}

/**
 * Counts one line zone: image lines in frame pixels, geo lines on the ground (tracks mapped through
 * the frame's ground model, so a moving drone does not move the line). A polyline is counted per segment.
 */
class LineZoneCounter {
  private counters: LineCounter[] | null = null;
  private startS: number | null = null;
  lengthM: number | undefined;
  inTotal = 0;
  outTotal = 0;

  constructor(readonly zone: LineZone) {}

  read(context: FrameContext, tracks: readonly TrackSnapshot[]): ZoneReading | string {
    const { analysis, ground } = context;
    const frame = { widthPx: analysis.frame.width, heightPx: analysis.frame.height, ...(ground ? { ground } : {}) };
    this.lengthM ??= lineZoneLengthM(this.zone, frame);
    let points: PointXY[];
    let positions: TrackPosition[];
    let nearDistance = LINE_NEAR_PX;
    if (this.zone.space === 'image') {
      points = zoneLinePx(this.zone, frame) ?? [];
      positions = tracks.map((t) => ({ id: t.id, xPx: t.xPx, yPx: t.yPx }));
    } else {
      const plane = ground?.plane;
      const h = ground?.imageToGround;
      if (!plane || !h) return `line ${this.zone.id}: the frame is not geo-referenced; crossings not counted`;
      points = this.zone.geometry.points.map((p) => plane.toMetres(p));
      positions = [];
      for (const t of tracks) {
        if (!(homographyWeight(h, t.xPx, t.yPx) > 0)) continue;
        const [e, n] = applyHomography(h, [t.xPx, t.yPx]);
        positions.push({ id: t.id, xPx: e, yPx: -n }); // north up -> y down, like images
      }
      points = points.map(([e, n]) => [e, -n]);
      nearDistance = LINE_NEAR_M;
    }
    if (points.length < 2) return `line ${this.zone.id}: not in view`;
    this.counters ??= segments(points).map(
      ([a, b]) =>
        new LineCounter(
          { ax: a[0], ay: a[1], bx: b[0], by: b[1] },
          this.zone.space === 'geo' ? { bandPx: GROUND_LINE_BAND_M } : {},
        ),
    );
    if (this.zone.space === 'image' && ground?.gsdMPerPx) nearDistance = LINE_NEAR_M / ground.gsdMPerPx;
    const timeS = analysis.timeS;
    this.startS ??= timeS;
    let inCount = 0;
    let outCount = 0;
    let windowIn = 0;
    let windowOut = 0;
    for (const counter of this.counters) {
      for (const crossing of counter.update(positions, timeS)) {
        if (crossing.direction === 'in') inCount++;
        else outCount++;
      }
      const flow = counter.flow(timeS, LINE_FLOW_WINDOW_S);
      windowIn += (flow.inPerMin * LINE_FLOW_WINDOW_S) / 60;
      windowOut += (flow.outPerMin * LINE_FLOW_WINDOW_S) / 60;
    }
    this.inTotal += inCount;
    this.outTotal += outCount;
    const near = positions.filter((p) =>
      this.counters!.some((c) => Math.abs(c.signedDistance(p.xPx, p.yPx)) <= nearDistance && onSegment(c, p)),
    ).length;
    const reading: ZoneReading = { zoneId: this.zone.id, kind: 'line', count: near, inCount, outCount };
    const watchedS = timeS - this.startS;
    if (watchedS >= LINE_FLOW_MIN_S) {
      const windowS = Math.min(LINE_FLOW_WINDOW_S, watchedS);
      reading.inflowPerMin = (windowIn * 60) / windowS;
      reading.outflowPerMin = (windowOut * 60) / windowS;
      if (this.lengthM) reading.flowPerMPerMin = ((windowIn + windowOut) * 60) / windowS / this.lengthM;
    }
    return reading;
  }

  totals(): LineTotals {
    return {
      id: this.zone.id,
      in: this.inTotal,
      out: this.outTotal,
      ...(this.lengthM === undefined ? {} : { lengthM: Number(this.lengthM.toFixed(3)) }),
    };
  }
}

function segments(points: readonly PointXY[]): [PointXY, PointXY][] {
  const out: [PointXY, PointXY][] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a[0] !== b[0] || a[1] !== b[1]) out.push([a, b]);
  }
  return out;
}

/** Whether a point projects onto the counter's segment (between its end points). */
function onSegment(counter: LineCounter, p: TrackPosition): boolean {
  const { ax, ay, bx, by } = counter.line;
  const lx = bx - ax;
  const ly = by - ay;
  const t = ((p.xPx - ax) * lx + (p.yPx - ay) * ly) / (lx * lx + ly * ly);
  return t >= 0 && t <= 1;
}

/** Options of a {@link TrackStage}. */
export interface TrackStageOptions {
  tracker?: Partial<CrowdTrackerOptions>;
  /** Told once per distinct problem (e.g. a geo line on a frame without geo-reference). */
  onWarning?: (message: string) => void;
}

/**
 * Tracks the frame's head detections ({@link CrowdTracker}, camera motion from the flow stage when it
 * ran, else estimated from the points; motion noise scaled to the ground with the first frame's GSD), sets `analysis.tracks` and the detections' `trackId`, and
 * counts crossings of every line zone: a `line` reading per line and frame with the crossings of the
 * frame, the flow rates over the last 10 s (persons per minute, and per metre per minute when the
 * line's ground length is known) and the people at the line. Totals go to the summary (`lines`).
 */
export class TrackStage implements Stage {
  readonly name = 'tracking';
  private tracker: CrowdTracker | null = null;
  private readonly lines: LineZoneCounter[];
  private readonly warned = new Set<string>();
  /** Tracks seen recently (id -> last time, s), to count distinct confirmed tracks in bounded memory. */
  private readonly recentTracks = new Map<number, number>();
  private confirmedTracks = 0;

  constructor(
    zones: readonly Zone[],
    private readonly options: TrackStageOptions = {},
  ) {
    this.lines = zones.filter(isLineZone).map((zone) => new LineZoneCounter(zone));
  }

  process(context: FrameContext): void {
    const { analysis } = context;
    const tracker = (this.tracker ??= this.createTracker(context.ground?.gsdMPerPx ?? analysis.frame.gsdMPerPx));
    const ego = flowFrameInfo(analysis)?.ego;
    const imageMotion: SimilarityMotion | undefined = ego && {
      a: (ego.m11 + ego.m22) / 2,
      b: (ego.m21 - ego.m12) / 2,
      txPx: ego.txPx,
      tyPx: ego.tyPx,
    };
    analysis.detections = tracker.update(analysis.detections, {
      timeS: analysis.timeS,
      ...(imageMotion ? { imageMotion } : {}),
    });
    const tracks = tracker.activeTracks();
    analysis.tracks = tracks;
    this.countTracks(tracks, analysis.timeS);
    for (const line of this.lines) {
      try {
        const reading = line.read(context, tracks);
        if (typeof reading === 'string') this.warnOnce(reading);
        else analysis.zones.push(reading);
      } catch (error) {
        if (!isRaqibError(error)) throw error;
        this.warnOnce(`line ${line.zone.id}: ${error.message}`);
      }
    }
  }

  finish(): Record<string, unknown> {
    const stats = this.tracker?.stats;
    return {
      tracking: {
        confirmedTracks: this.confirmedTracks,
        outOfOrderFrames: stats?.outOfOrderFrames ?? 0,
        invalidDetections: stats?.invalidDetections ?? 0,
      },
      lines: this.lines.map((line) => line.totals()),
    };
  }

  /** The tracker, its motion noise scaled to the ground when the GSD is known (unless options set it). */
  private createTracker(gsdMPerPx: number | undefined): CrowdTracker {
    const scaled =
      gsdMPerPx !== undefined && gsdMPerPx > 0
        ? { accelerationNoisePx2PerS3: ACCELERATION_NOISE_M2_PER_S3 / (gsdMPerPx * gsdMPerPx) }
        : {};
    return new CrowdTracker({ ...scaled, ...this.options.tracker });
  }

  private countTracks(tracks: readonly TrackSnapshot[], timeS: number): void {
    for (const track of tracks) {
      if (!this.recentTracks.has(track.id)) this.confirmedTracks++;
      this.recentTracks.set(track.id, timeS);
    }
    const forgetS = (this.tracker?.options.maxLostS ?? 0) + 1;
    for (const [id, lastS] of this.recentTracks) if (timeS - lastS > forgetS) this.recentTracks.delete(id);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.onWarning?.(message);
  }
}
