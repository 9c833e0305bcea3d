import type { CrowdAlert, ZoneReading } from '../frame-analysis.js';
import type { AlertEvent } from './alert-event.js';
import type { AlertZone } from './alert-zone.js';
import { LadderTracker } from './ladder-tracker.js';
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
    };
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
