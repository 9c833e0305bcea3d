import {
  AlertEngine,
  type AlertEvent,
  type AlertFrame,
  type AlertSeverity,
  type RulesConfig,
  type Zone,
} from '@raqib/core';
import { carryOnOpenAlerts, type LeftOpenAlert } from './carry-on-open-alerts.js';
import type { FrameContext, Stage } from './stage.js';

/** Receives every alert lifecycle event in order (files, notifiers, the live dashboard). */
export type AlertListener = (event: AlertEvent) => void | Promise<void>;

/** One alert (one level of one rule on one zone) as the summary lists it. */
export interface AlertRecord {
  id: string;
  incidentId: string;
  severity: AlertSeverity;
  rule: string;
  zoneId: string;
  raisedAtS: number;
  threshold: number;
  /** Most extreme value while open. */
  peakValue: number;
  clearedAtS?: number;
  clearReason?: string;
}

/** Options of an {@link AlertStage}. */
export interface AlertStageOptions {
  /** A validated rules file; the built-in defaults when absent. */
  rules?: RulesConfig;
  /** Zones of the zones file: their kind and capacity select the rules (the rules file may override). */
  zones?: readonly Zone[];
  streamId?: string;
  listeners?: readonly AlertListener[];
  /**
   * Live streams: alert ids take the wall time of the raise (the frame's capture time) instead of
   * the stream time, which starts again at 0 on every run, so a new alert never reuses an old id.
   */
  idsFromCaptureTime?: boolean;
  /**
   * Live streams: the alerts an earlier run of this stream left open (condition still active, e.g.
   * the server was killed), read at the first frame. They are carried on under their ids instead of
   * being raised again; one that no longer fits the rules is cleared with `rules-changed`.
   */
  openAlerts?: () => Promise<readonly LeftOpenAlert[]>;
  /**
   * Zones whose readings are not evaluated here: `raqib serve` raises the alerts of event-scoped geo
   * zones once for the event (EventAggregator), so each drone's stream must not raise them too.
   */
  excludeZoneIds?: readonly string[];
}

/**
 * Evaluates the alert rules ({@link AlertEngine}) on every frame's zone readings; run it after the zone
 * and track stages. Each lifecycle event goes to the listeners in order, also the `stream-ended`
 * clearances at the end of the run; the summary gets `alerts` (one record per alert) and `alertEvents`.
 */
export class AlertStage implements Stage {
  readonly name = 'alerts';
  /** Made at the first frame, when the capture time that anchors live alert ids is known. */
  private engine: AlertEngine | null = null;
  private readonly zones: AlertFrame['zones'];
  private readonly listeners: readonly AlertListener[];
  private readonly excluded: ReadonlySet<string>;
  private readonly records = new Map<string, AlertRecord>();
  private events = 0;
  private lastTimeS = 0;

  constructor(private readonly options: AlertStageOptions = {}) {
    this.zones = (options.zones ?? []).map((zone) => ({
      id: zone.id,
      kind: zone.kind,
      ...('capacity' in zone && zone.capacity !== undefined ? { capacity: zone.capacity } : {}),
    }));
    this.listeners = options.listeners ?? [];
    this.excluded = new Set(options.excludeZoneIds ?? []);
  }

  async process(context: FrameContext): Promise<void> {
    const { analysis } = context;
    this.engine ??= await this.startEngine(analysis.timeS, analysis.frame.capturedAtMs);
    this.lastTimeS = analysis.timeS;
    const events = this.engine.evaluate({
      timeS: analysis.timeS,
      readings: this.excluded.size > 0 ? analysis.zones.filter((z) => !this.excluded.has(z.zoneId)) : analysis.zones,
      frameSeq: analysis.frame.seq,
      ...(this.zones ? { zones: this.zones } : {}),
    });
    await this.emit(events);
  }

  async finish(): Promise<Record<string, unknown>> {
    if (this.engine) await this.emit(this.engine.finish(this.lastTimeS));
    return { alertEvents: this.events, alerts: [...this.records.values()] };
  }

  /** The engine, anchored at the first frame; alerts left open by an earlier run carried on (live). */
  private async startEngine(timeS: number, capturedAtMs: number | undefined): Promise<AlertEngine> {
    const { rules, streamId, idsFromCaptureTime, openAlerts } = this.options;
    // Wall time of stream time 0, when the source knows capture times (live).
    const originMs = capturedAtMs === undefined ? undefined : Math.round(capturedAtMs - timeS * 1000);
    const engine = new AlertEngine({
      ...(rules ? { rules } : {}),
      streamId: streamId ?? 'stream',
      ...(idsFromCaptureTime && originMs !== undefined ? { idTimeOriginMs: originMs } : {}),
    });
    if (!openAlerts || originMs === undefined) return engine;
    const left = await openAlerts();
    // An alert the rules no longer have (edited while the server was down) closes as a rules change.
    await this.emit(
      carryOnOpenAlerts(engine, left, { streamId: streamId ?? 'stream', zones: this.zones, timeS, originMs }),
    );
    return engine;
  }

  private async emit(events: readonly AlertEvent[]): Promise<void> {
    for (const event of events) {
      this.events++;
      this.record(event);
      for (const listener of this.listeners) await listener(event);
    }
  }

  private record(event: AlertEvent): void {
    const round = (value: number): number => Number(value.toFixed(4));
    if (event.type !== 'cleared') {
      this.records.set(event.id, {
        id: event.id,
        incidentId: event.incidentId,
        severity: event.severity,
        rule: event.rule,
        zoneId: event.zoneId,
        raisedAtS: round(event.timeS),
        threshold: round(event.threshold),
        peakValue: round(event.evidence.peakValue),
      });
      return;
    }
    const record = this.records.get(event.id);
    if (!record) return;
    record.peakValue = round(event.evidence.peakValue);
    record.clearedAtS = round(event.timeS);
    if (event.evidence.clearReason) record.clearReason = event.evidence.clearReason;
  }
}
