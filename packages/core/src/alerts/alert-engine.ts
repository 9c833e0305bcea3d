import type { AlertSeverity, CrowdAlert, ZoneReading } from '../frame-analysis.js';
import type { AlertEvent } from './alert-event.js';
import type { AlertZone } from './alert-zone.js';
import { LadderTracker, type RestoredOpenAlert } from './ladder-tracker.js';
import { resolveZoneRules, type ResolvedRule } from './resolve-zone-rules.js';
import { createRuleMetric, WindowMedian, type RuleMetric } from './rule-metrics.js';
import type { RulesConfig } from './rules-config-schema.js';

/** Options of an {@link AlertEngine}. */
export interface AlertEngineOptions {
  /** A validated rules file ({@link parseRulesConfig}); built-in defaults when absent. */
  rules?: RulesConfig;
  /** Stream id put in alert ids and events (default `stream`). */
  streamId?: string;
  /** Seconds of rule values kept as evidence in each event (default 60). */
  historyS?: number;
  /** Spacing of evidence samples, seconds (default 0.5). */
  historyStepS?: number;
  /** A gap in a zone's readings longer than this restarts sustain timers and smoothing, seconds (default 5). */
  maxGapS?: number;
  /** Open alerts of a zone without readings for this long clear with `no-data`, seconds (default 30). */
  staleAfterS?: number;
  /**
   * Wall time (Unix ms) of stream time 0, added to the start time in alert ids: a live stream whose
   * stream time starts again at 0 after a restart then never reuses an earlier alert's id. Default 0.
   */
  idTimeOriginMs?: number;
}

/** An alert left open by an earlier run (e.g. read back from a store after a crash), to carry on. */
export interface OpenAlertToRestore {
  id: string;
  incidentId: string;
  zoneId: string;
  rule: string;
  severity: AlertSeverity;
  /** When it opened and its peak, in this engine's stream time (negative: before this run started). */
  startedAtS: number;
  peakValue: number;
  peakAtS: number;
  /** The rule's last known value. */
  value: number;
}

/** One analysed frame as the engine needs it. */
export interface AlertFrame {
  /** Stream time, seconds; must increase from frame to frame (other frames are skipped). */
  timeS: number;
  readings: readonly ZoneReading[];
  /** Zone facts (kind, capacity, upstream zone); a zone not listed gets the rules file's settings. */
  zones?: readonly (Partial<AlertZone> & { id: string })[];
  frameSeq?: number;
}

interface RuleState {
  rule: ResolvedRule;
  metric: RuleMetric;
  smoother: WindowMedian;
  tracker: LadderTracker;
  lastValueS: number | null;
  lastValue: number;
}

interface ZoneState {
  zone: AlertZone;
  signature: string;
  rules: RuleState[];
}

/**
 * Evaluates the alert rules on a stream of zone readings and emits alert lifecycle events.
 * Deterministic, and independent of the frame rate: sustain times and smoothing are in stream time.
 *
 * @example
 * const engine = new AlertEngine({ rules: parseRulesConfig(yaml, 'rules.yaml'), streamId: 'cam1' });
 * for (const analysis of analyses) {
 *   for (const event of engine.evaluate({ timeS: analysis.timeS, readings: analysis.zones, zones })) sink(event);
 * }
 * for (const event of engine.finish()) sink(event);
 */
export class AlertEngine {
  private readonly rules: RulesConfig;
  private readonly streamId: string;
  private readonly options: Required<Omit<AlertEngineOptions, 'rules' | 'streamId'>>;
  private readonly zones = new Map<string, ZoneState>();
  private lastTimeS = -Infinity;
  private skipped = 0;

  constructor(options: AlertEngineOptions = {}) {
    this.rules = options.rules ?? {};
    this.streamId = options.streamId ?? 'stream';
    this.options = {
      historyS: options.historyS ?? 60,
      historyStepS: options.historyStepS ?? 0.5,
      maxGapS: options.maxGapS ?? 5,
      staleAfterS: options.staleAfterS ?? 30,
      idTimeOriginMs: options.idTimeOriginMs ?? 0,
    };
  }

  /**
   * Carries on alerts an earlier run left open (its process was killed before it could clear them):
   * each is open again under its id, so a condition that still holds raises no new alert, and it
   * clears as usual when the condition ends. Call before the first frame. An alert whose zone rule or
   * level no longer exists, or that leaves a gap in its ladder, is not restored: it is returned so
   * the caller can close it.
   */
  restore(alerts: readonly OpenAlertToRestore[], zones: AlertFrame['zones'] = [], timeS = 0): OpenAlertToRestore[] {
    const facts = new Map((zones ?? []).map((zone) => [zone.id, zone]));
    const groups = new Map<string, OpenAlertToRestore[]>();
    for (const alert of alerts) {
      const key = JSON.stringify([alert.zoneId, alert.rule]);
      groups.set(key, [...(groups.get(key) ?? []), alert]);
    }
    const rejected: OpenAlertToRestore[] = [];
    for (const group of groups.values()) {
      const { zoneId, rule } = group[0]!;
      const ruleState = this.zoneState(zoneId, facts.get(zoneId), timeS, []).rules.find((r) => r.rule.id === rule);
      const restored: RestoredOpenAlert[] = [];
      for (const alert of group) {
        const levelIndex = ruleState?.rule.levels.findIndex((level) => level.severity === alert.severity) ?? -1;
        if (levelIndex < 0) continue;
        restored.push({
          id: alert.id,
          incidentId: alert.incidentId,
          levelIndex,
          startedAtS: alert.startedAtS,
          peakValue: alert.peakValue,
          peakAtS: alert.peakAtS,
          lastValue: alert.value,
        });
      }
      if (!ruleState || restored.length !== group.length || !ruleState.tracker.restore(restored, timeS)) {
        rejected.push(...group);
      }
    }
    return rejected;
  }

  /** Frames skipped because their time was not finite or did not increase. */
  get skippedFrames(): number {
    return this.skipped;
  }

  /** Evaluates one frame; returns its lifecycle events in a deterministic order. */
  evaluate(frame: AlertFrame): AlertEvent[] {
    const { timeS } = frame;
    if (!Number.isFinite(timeS) || timeS <= this.lastTimeS) {
      this.skipped++;
      return [];
    }
    this.lastTimeS = timeS;
    const events: AlertEvent[] = [];
    const facts = new Map((frame.zones ?? []).map((zone) => [zone.id, zone]));
    const readings = new Map(frame.readings.map((reading) => [reading.zoneId, reading]));
    for (const reading of frame.readings) {
      const state = this.zoneState(reading.zoneId, facts.get(reading.zoneId), timeS, events);
      const upstreamId = state.zone.upstreamZoneId;
      const upstream = upstreamId === undefined ? undefined : readings.get(upstreamId);
      for (const ruleState of state.rules) {
        const output = ruleState.metric({ timeS, zone: state.zone, reading, ...(upstream ? { upstream } : {}) });
        const raw = output.value !== undefined && Number.isFinite(output.value) ? output.value : undefined;
        if (raw !== undefined && ruleState.lastValueS !== null && timeS - ruleState.lastValueS > this.options.maxGapS) {
          ruleState.smoother.reset();
        }
        let value = ruleState.smoother.update(timeS, raw);
        if (value !== undefined) {
          ruleState.lastValueS = timeS;
          ruleState.lastValue = value;
        } else if (ruleState.lastValueS !== null && timeS - ruleState.lastValueS <= this.options.maxGapS) {
          // A metric missing for a moment (too few movers in this frame, ...) holds its last value.
          value = ruleState.lastValue;
        }
        const sample = {
          timeS,
          value,
          gateOpen: output.gateOpen,
          ...(frame.frameSeq !== undefined ? { frameSeq: frame.frameSeq } : {}),
          ...(raw !== undefined ? { rawValue: raw } : {}),
        };
        events.push(...ruleState.tracker.update(sample));
      }
    }
    for (const [zoneId, state] of this.zones) {
      if (readings.has(zoneId)) continue;
      for (const ruleState of state.rules) {
        events.push(...ruleState.tracker.update({ timeS, value: undefined, gateOpen: true }));
      }
    }
    return events;
  }

  /** Clears every open alert (end of the stream) with reason `stream-ended`. */
  finish(timeS: number = this.lastTimeS): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const state of this.zones.values()) {
      for (const ruleState of [...state.rules].reverse())
        events.push(...ruleState.tracker.closeAll(timeS, 'stream-ended'));
    }
    return events;
  }

  /** The alerts open now, as {@link CrowdAlert}s (severity = the level of each alert). */
  activeAlerts(): CrowdAlert[] {
    const alerts: CrowdAlert[] = [];
    for (const state of this.zones.values()) {
      for (const ruleState of state.rules) {
        for (const open of ruleState.tracker.openAlerts()) {
          alerts.push({
            id: open.id,
            ruleId: ruleState.rule.id,
            streamId: this.streamId,
            zoneId: state.zone.id,
            severity: open.level.severity,
            startedAtMs: Math.round(open.startedAtS * 1000),
            value: open.lastValue,
            peakValue: open.peakValue,
            threshold: open.level.raise,
          });
        }
      }
    }
    return alerts;
  }

  private zoneState(
    zoneId: string,
    facts: (Partial<AlertZone> & { id: string }) | undefined,
    timeS: number,
    events: AlertEvent[],
  ): ZoneState {
    const signature = facts ? `${facts.kind}|${facts.capacity}|${facts.upstreamZoneId}` : '';
    const existing = this.zones.get(zoneId);
    if (existing && existing.signature === signature) return existing;
    const resolved = resolveZoneRules(this.rules, facts ?? { id: zoneId });
    if (existing && JSON.stringify(existing.zone) === JSON.stringify(resolved.zone)) {
      existing.signature = signature;
      return existing;
    }
    if (existing) {
      for (const ruleState of [...existing.rules].reverse()) {
        events.push(...ruleState.tracker.closeAll(timeS, 'rules-changed'));
      }
    }
    const state: ZoneState = {
      zone: resolved.zone,
      signature,
      rules: resolved.rules.map((rule) => ({
        rule,
        metric: createRuleMetric(rule),
        smoother: new WindowMedian(rule.smoothingS),
        tracker: new LadderTracker({ streamId: this.streamId, zone: resolved.zone, rule, ...this.options }),
        lastValueS: null,
        lastValue: 0,
      })),
    };
    this.zones.set(zoneId, state);
    return state;
  }
}
