import {
  AlertEngine,
  EventFusion,
  LocalTangentPlane,
  droneFrameFromPose,
  eventZonesFromGeo,
  isAreaZone,
  type AlertEvent,
  type AlertFrame,
  type CameraPose,
  type EventFusionStep,
  type EventZoneReading,
  type RulesConfig,
  type Zone,
  type ZoneReading,
} from '@raqib/core';
import type { LiveBus, LiveMessage } from '../bus/live-bus.js';
import { moduleLogger } from '../logging/logger.js';
import { carryOnOpenAlerts, type LeftOpenAlert } from '../pipeline/carry-on-open-alerts.js';
import { ReadingDownsampler } from '../storage/reading-downsampler.js';
import type { Store } from '../storage/store.js';
import { eventStreamId } from '../storage/store-records.js';

const log = moduleLogger('event-aggregator');

/** The topic of an event's fused readings. */
export function eventReadingsTopic(eventId: string): string {
  return `events/${eventId}/readings`;
}

/** The zones of a stream's zones file that its event reads once for all drones (`scope: event`). */
export function eventScopedZones(zones: readonly Zone[]): Zone[] {
  return zones.filter((zone) => isAreaZone(zone) && zone.space === 'geo' && zone.scope === 'event');
}

/** Options of an {@link EventAggregator}. */
export interface EventAggregatorOptions {
  eventId: string;
  bus: LiveBus;
  /** Where the event's readings (1 s / 1 min buckets) and alerts are stored; publish only when absent. */
  store?: Store;
  /** The event's geo zones (`scope: event`, see {@link eventScopedZones}). */
  zones: readonly Zone[];
  /** Rules of the event-level alert engine; the built-in defaults when absent. */
  rules?: RulesConfig;
  /** Fusion steps on the event clock, seconds. Default 0.5 (the analysis topic's display rate). */
  stepS?: number;
  /** A drone's frame is used within this many seconds of the step (EventFusion). Default 0.5. */
  maxSkewS?: number;
  /**
   * How long a step waits for a drone that is behind, seconds past `maxSkewS`: a drone later than that
   * is left out of the step (stale) rather than holding the event picture up. Default 1.
   */
  waitS?: number;
  /**
   * The event's alerts an earlier aggregator left open (a killed server, a lease handed over by another
   * API node; see readOpenAlerts): carried on under their ids at the first frame, not raised again.
   */
  leftOpen?: readonly LeftOpenAlert[];
  /** Every alert event, after it is stored and published (notifications). */
  onAlert?: (event: AlertEvent) => void;
  /** One-line warnings for the operator (a drone that cannot be placed on the map). */
  onWarning?: (message: string) => void;
  /** Wall clock for frames without a capture time. Default Date.now. */
  nowMs?: () => number;
}

/** The `streams/<id>/analysis` fields the aggregator reads (LiveBusSink). */
interface AnalysisMessage {
  streamId: string;
  capturedAtMs: number | null;
  widthPx: number;
  heightPx: number;
  points: number[];
  pose: CameraPose | null;
  gsdMPerPx: number | null;
}

/** What `events/<id>/readings` carries per fusion step. */
export interface EventReadingsMessage {
  eventId: string;
  streamId: string;
  /** Wall time of the step (Unix ms); drones' frames within `maxSkewS` of it were fused. */
  atMs: number;
  /** People on the covered ground, each counted once. */
  count: number;
  /** The sum of every drone's whole-view count (what adding up the streams says). */
  naiveCount: number;
  coveredAreaM2: number;
  skewS: number;
  staleDroneIds: string[];
  drones: { droneId: string; viewCount: number; ownedCount: number; footprintAreaM2: number; ownedAreaM2: number }[];
  /** One reading per event geo zone: count, covered area, density, covered fraction, levels. */
  zones: EventZoneReading[];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * The event-wide picture of `raqib serve`: subscribes to the `streams/<id>/analysis` of the event's
 * streams (head points in image pixels with the frame's telemetry pose), places every drone's frame on
 * one ground plane and fuses them by footprint ownership ({@link EventFusion}) every `stepS` of the
 * event clock (capture times). Each step is published on `events/<id>/readings` (the de-duplicated
 * total, the naive sum, one reading per event geo zone), stored as readings of the pseudo-stream
 * `event:<id>` (zone `event` = the total), and evaluated by ONE alert engine for the event, whose
 * alerts are stored and published on `alerts` like a stream's.
 */
export class EventAggregator {
  readonly streamId: string;
  private readonly fusion: EventFusion;
  /** Made at the first frame: alert ids take wall time, so a restarted server never reuses one. */
  private engine: AlertEngine | null = null;
  private readonly downsampler: ReadingDownsampler;
  private readonly subscriptions = new Map<string, () => void>();
  /** Latest capture time per drone, seconds on the event clock. */
  private readonly latestS = new Map<string, number>();
  private readonly warned = new Set<string>();
  private readonly stepS: number;
  private readonly maxSkewS: number;
  private readonly waitS: number;
  private readonly zones: readonly Zone[];
  private readonly alertZones: AlertFrame['zones'];
  private plane: LocalTangentPlane | null = null;
  private originMs: number | null = null;
  private nextStepS = 0;
  private lastStepS = 0;
  private writes: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: EventAggregatorOptions) {
    this.streamId = eventStreamId(options.eventId);
    this.stepS = options.stepS ?? 0.5;
    this.maxSkewS = options.maxSkewS ?? 0.5;
    this.waitS = options.waitS ?? 1;
    this.zones = eventScopedZones(options.zones);
    // The event plane is anchored on the first zone when there is one, else on the first drone placed.
    const first = this.zones.find(isAreaZone)?.geometry.rings[0]?.[0];
    if (first) this.plane = new LocalTangentPlane([first[0], first[1]]);
    const fusionZones = this.plane ? eventZonesFromGeo(this.zones, this.plane).zones : [];
    this.fusion = new EventFusion({ zones: fusionZones, maxSkewS: this.maxSkewS });
    this.alertZones = fusionZones.map((zone) => ({
      id: zone.id,
      kind: zone.kind,
      ...(zone.capacity !== undefined ? { capacity: zone.capacity } : {}),
    }));
    this.downsampler = new ReadingDownsampler(this.streamId);
  }

  /** Follows exactly these streams of the event (a stream that left is dropped from the picture). */
  setStreams(streamIds: readonly string[]): void {
    const wanted = new Set(streamIds);
    for (const [id, unsubscribe] of this.subscriptions) {
      if (wanted.has(id)) continue;
      unsubscribe();
      this.subscriptions.delete(id);
      this.fusion.remove(id);
      this.latestS.delete(id);
    }
    for (const id of wanted) {
      if (this.subscriptions.has(id) || this.closed) continue;
      this.subscriptions.set(
        id,
        this.options.bus.subscribe(`streams/${id}/analysis`, (message) => this.onAnalysis(message)),
      );
    }
  }

  /** Every store write and alert so far has been done. */
  settled(): Promise<void> {
    return this.writes;
  }

  /**
   * Unsubscribes and stores the open reading buckets. `end` (the default) clears the open alerts
   * (`stream-ended`); `hand-over` leaves them open for the node that takes the event over.
   */
  async close(mode: 'end' | 'hand-over' = 'end'): Promise<void> {
    if (this.closed) return this.writes;
    this.closed = true;
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    const last = mode === 'end' ? (this.engine?.finish(this.lastStepS) ?? []) : [];
    const open = this.downsampler.flush();
    this.enqueue(async () => {
      for (const event of last) await this.recordAlert(event);
      if (open.length > 0) await this.options.store?.putReadings(open);
    });
    return this.writes;
  }

  private onAnalysis(message: LiveMessage): void {
    if (this.closed) return;
    const data = message.data as AnalysisMessage;
    const capturedAtMs = data.capturedAtMs ?? (this.options.nowMs ?? Date.now)();
    const pose = data.pose ?? undefined;
    if (!this.plane) {
      if (pose?.lng === undefined || pose.lat === undefined) {
        this.warnOnce(data.streamId, 'no telemetry position');
        return;
      }
      this.plane = new LocalTangentPlane([pose.lng, pose.lat]);
    }
    if (this.originMs === null) {
      this.originMs = capturedAtMs;
      this.engine = new AlertEngine({
        streamId: this.streamId,
        idTimeOriginMs: capturedAtMs,
        ...(this.options.rules ? { rules: this.options.rules } : {}),
      });
      const cleared = carryOnOpenAlerts(this.engine, this.options.leftOpen ?? [], {
        streamId: this.streamId,
        zones: this.alertZones,
        timeS: 0,
        originMs: capturedAtMs,
      });
      this.enqueue(async () => {
        for (const event of cleared) await this.recordAlert(event);
      });
    }
    const timeS = (capturedAtMs - this.originMs) / 1000;
    // The gsd stands in for altitude and field of view only when the telemetry lacks them (a demo
    // drone); otherwise the pose places the frame, obliquity included.
    const needsGsd = pose?.relativeAltitudeM === undefined || pose.focalLength35mm === undefined;
    try {
      this.fusion.add(
        droneFrameFromPose({
          droneId: data.streamId,
          timeS,
          widthPx: data.widthPx,
          heightPx: data.heightPx,
          plane: this.plane,
          ...(pose ? { pose } : {}),
          ...(needsGsd && data.gsdMPerPx ? { overrides: { gsdMPerPx: data.gsdMPerPx } } : {}),
          pointsPx: Float32Array.from(data.points),
        }),
      );
    } catch (error) {
      this.warnOnce(data.streamId, (error as Error).message);
      return;
    }
    if (this.latestS.size === 0) this.nextStepS = Math.ceil(timeS / this.stepS) * this.stepS;
    this.latestS.set(data.streamId, Math.max(timeS, this.latestS.get(data.streamId) ?? -Infinity));
    this.stepWhileReady();
  }

  /**
   * Fuses every step that all active drones have reached: a drone more than `maxSkewS + waitS` behind
   * the newest is not waited for (it is then stale in the step, and its ground uncovered), and a
   * followed stream that has sent no frame yet only for `maxSkewS` (it may not be live at all).
   */
  private stepWhileReady(): void {
    const newestS = Math.max(...this.latestS.values());
    const activeFromS = newestS - this.maxSkewS - this.waitS;
    const allSeen = [...this.subscriptions.keys()].every((id) => this.latestS.has(id));
    // A long gap (every drone down, then back) restarts the steps instead of replaying empty ones.
    if (newestS - this.nextStepS > 60) this.nextStepS = Math.floor(activeFromS / this.stepS) * this.stepS;
    for (;;) {
      const stepS = this.nextStepS;
      const waiting = [...this.latestS.values()].some((t) => t >= activeFromS && t < stepS);
      if (waiting || newestS < stepS || (!allSeen && newestS < stepS + this.maxSkewS)) return;
      this.nextStepS = stepS + this.stepS;
      const step = this.fusion.fuse(stepS);
      if (step.drones.length > 0) this.publishStep(step);
    }
  }

  private publishStep(step: EventFusionStep): void {
    const atMs = Math.round(this.originMs! + step.timeS * 1000);
    this.lastStepS = step.timeS;
    const message: EventReadingsMessage = {
      eventId: this.options.eventId,
      streamId: this.streamId,
      atMs,
      count: round(step.count, 1),
      naiveCount: round(step.naiveCount, 1),
      coveredAreaM2: round(step.coveredAreaM2, 1),
      skewS: round(step.skewS, 3),
      staleDroneIds: step.staleDroneIds,
      drones: step.drones.map((d) => ({
        droneId: d.droneId,
        viewCount: round(d.viewCount, 1),
        ownedCount: round(d.ownedCount, 1),
        footprintAreaM2: round(d.footprintAreaM2, 1),
        ownedAreaM2: round(d.ownedAreaM2, 1),
      })),
      zones: step.zones,
    };
    this.options.bus.publish(eventReadingsTopic(this.options.eventId), message);
    const total: ZoneReading = {
      zoneId: 'event',
      kind: 'frame',
      count: step.count,
      areaM2: step.coveredAreaM2,
      ...(step.coveredAreaM2 > 0 ? { densityPerM2: step.count / step.coveredAreaM2 } : {}),
    };
    const buckets = this.downsampler.add(atMs, [total, ...step.zones]);
    const alerts = this.engine!.evaluate({
      ...this.fusion.alertFrame(step),
      frameSeq: Math.round(step.timeS / this.stepS),
    });
    this.enqueue(async () => {
      if (buckets.length > 0) await this.options.store?.putReadings(buckets);
      for (const event of alerts) await this.recordAlert(event);
    });
  }

  /** Stored, then published (a client that sees the alert finds it in GET /api/v1/alerts), then notified. */
  private async recordAlert(event: AlertEvent): Promise<void> {
    await this.options.store?.recordAlertEvent(event, Math.round(this.originMs! + event.timeS * 1000));
    this.options.bus.publish('alerts', { streamId: this.streamId, event });
    this.options.onAlert?.(event);
  }

  /** Store writes in order, off the bus callback; a failed write is logged and the next still runs. */
  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => {
      log.warn({ eventId: this.options.eventId, err: error }, 'event readings or alerts not stored');
    });
  }

  private warnOnce(streamId: string, why: string): void {
    if (this.warned.has(streamId)) return;
    this.warned.add(streamId);
    const message = `event ${this.options.eventId}: stream ${streamId} is left out of the event-wide picture (${why})`;
    // The operator hears of it when the event has zones to read; otherwise (one demo drone without
    // telemetry) the event total is all that is lost, and a log line says so.
    if (this.zones.length === 0) return log.info(message);
    log.warn(message);
    this.options.onWarning?.(message);
  }
}
