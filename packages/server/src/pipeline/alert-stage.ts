import {
  AlertEngine,
  type AlertEvent,
  type AlertFrame,
  type AlertSeverity,
  type RulesConfig,
  type Zone,
} from '@raqib/core';
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
}

/**
 * Evaluates the alert rules ({@link AlertEngine}) on every frame's zone readings; run it after the zone
 * and track stages. Each lifecycle event goes to the listeners in order, also the `stream-ended`
 * clearances at the end of the run; the summary gets `alerts` (one record per alert) and `alertEvents`.
 */
export class AlertStage implements Stage {
  readonly name = 'alerts';
  private readonly engine: AlertEngine;
  private readonly zones: AlertFrame['zones'];
  private readonly listeners: readonly AlertListener[];
  private readonly records = new Map<string, AlertRecord>();
  private events = 0;
  private lastTimeS = 0;

  constructor(options: AlertStageOptions = {}) {
    this.engine = new AlertEngine({
      ...(options.rules ? { rules: options.rules } : {}),
      streamId: options.streamId ?? 'stream',
    });
    this.zones = (options.zones ?? []).map((zone) => ({
      id: zone.id,
      kind: zone.kind,
      ...('capacity' in zone && zone.capacity !== undefined ? { capacity: zone.capacity } : {}),
    }));
    this.listeners = options.listeners ?? [];
  }

  async process(context: FrameContext): Promise<void> {
    const { analysis } = context;
    this.lastTimeS = analysis.timeS;
    const events = this.engine.evaluate({
      timeS: analysis.timeS,
      readings: analysis.zones,
      frameSeq: analysis.frame.seq,
      ...(this.zones ? { zones: this.zones } : {}),
    });
    await this.emit(events);
  }

  async finish(): Promise<Record<string, unknown>> {
    await this.emit(this.engine.finish(this.lastTimeS));
    return { alertEvents: this.events, alerts: [...this.records.values()] };
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
