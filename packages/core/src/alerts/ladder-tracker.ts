import type { AlertClearReason, AlertEvent, MetricSample } from './alert-event.js';
import type { AlertZone } from './alert-zone.js';
import type { ResolvedLevel, ResolvedRule } from './resolve-zone-rules.js';

/** Tolerance for comparing stream times (sustain checks), seconds. */
const TIME_EPSILON_S = 1e-6;

/** An open alert of a ladder. */
export interface OpenAlert {
  id: string;
  incidentId: string;
  level: ResolvedLevel;
  startedAtS: number;
  peakValue: number;
  peakAtS: number;
  lastValue: number;
}

/** One frame's input for a ladder. */
export interface LadderSample {
  timeS: number;
  frameSeq?: number;
  /** Smoothed value, or undefined when the frame had no value for this rule. */
  value: number | undefined;
  rawValue?: number;
  /** Whether the rule's precondition holds (false lets open alerts clear). */
  gateOpen: boolean;
}

/** Options of a {@link LadderTracker} (the engine passes its own). */
export interface LadderTrackerOptions {
  streamId: string;
  zone: AlertZone;
  rule: ResolvedRule;
  /** Seconds of values kept as evidence. */
  historyS: number;
  /** Spacing of kept evidence samples, seconds. */
  historyStepS: number;
  /** A gap in values longer than this restarts every sustain timer, seconds. */
  maxGapS: number;
  /** Open alerts clear (`no-data`) after this long without a value, seconds. */
  staleAfterS: number;
  /**
   * Added to the stream time in alert ids (ms). A live stream passes the wall time of its stream
   * time 0, so ids stay unique across runs whose stream time starts again at 0 (default 0).
   */
  idTimeOriginMs?: number;
}

/** An alert that was open before a restart, to be carried on by a new tracker ({@link LadderTracker.restore}). */
export interface RestoredOpenAlert {
  id: string;
  incidentId: string;
  /** Index of its level in the rule's ladder. */
  levelIndex: number;
  /** When it opened, in the new run's stream time (negative: before the run started). */
  startedAtS: number;
  peakValue: number;
  peakAtS: number;
  lastValue: number;
}

/**
 * The state machine of one rule on one zone. Every level has a pending raise (started when the value
 * reaches `raise`, cancelled when it passes back beyond `clear` or the gate closes) and a pending
 * clear (started beyond `clear` or with the gate closed, cancelled when the value reaches `raise`
 * again). Each frame, first the gravest open level clears if its clear has been pending for
 * `clearSustainS` and the value is beyond `clear` now (repeatedly, downwards); then, if some level's
 * raise has been pending for its `sustainS` and the value is at `raise` now, every level up to it
 * opens, mildest first. So open levels always form a prefix of the ladder: one alert per
 * (rule, level, zone) at a time.
 */
export class LadderTracker {
  private readonly options: LadderTrackerOptions;
  private readonly levels: readonly ResolvedLevel[];
  private readonly raiseSinceS: (number | null)[];
  private readonly clearSinceS: (number | null)[];
  private readonly open: OpenAlert[] = [];
  private readonly history: MetricSample[] = [];
  private lastValueS: number | null = null;
  private lastValue = 0;

  constructor(options: LadderTrackerOptions) {
    this.options = options;
    this.levels = options.rule.levels;
    this.raiseSinceS = this.levels.map(() => null);
    this.clearSinceS = this.levels.map(() => null);
  }

  /** Alerts open now, mildest first. */
  openAlerts(): readonly OpenAlert[] {
    return this.open;
  }

  /**
   * Carries on alerts that were open when the previous run stopped without clearing them (a killed
   * process): they are open again under their ids, so a condition that still holds raises nothing
   * new, and they clear as usual. They must form a prefix of the ladder (mildest first, no gap) and
   * the tracker must have none open; returns false (and restores nothing) otherwise. `timeS` starts
   * the stale clock: without a value for `staleAfterS` they clear with `no-data`.
   */
  restore(alerts: readonly RestoredOpenAlert[], timeS: number): boolean {
    const sorted = [...alerts].sort((a, b) => a.levelIndex - b.levelIndex);
    if (this.open.length > 0 || sorted.some((alert, index) => alert.levelIndex !== index)) return false;
    if (sorted.length > this.levels.length) return false;
    for (const alert of sorted) {
      this.open.push({
        id: alert.id,
        incidentId: alert.incidentId,
        level: this.levels[alert.levelIndex]!,
        startedAtS: alert.startedAtS,
        peakValue: alert.peakValue,
        peakAtS: alert.peakAtS,
        lastValue: alert.lastValue,
      });
    }
    const last = sorted.at(-1);
    if (last) {
      this.lastValueS = timeS;
      this.lastValue = last.lastValue;
    }
    return true;
  }

  /** Feeds one frame; returns the lifecycle events it caused, in order. */
  update(sample: LadderSample): AlertEvent[] {
    const { timeS } = sample;
    if (this.lastValueS !== null && timeS - this.lastValueS > this.options.maxGapS) this.resetTimers();
    // No value but a closed gate (e.g. too few people left to measure): the clear condition holds.
    const closedWithoutValue = sample.value === undefined && !sample.gateOpen && this.lastValueS !== null;
    const value = closedWithoutValue ? this.lastValue : sample.value;
    if (value === undefined) {
      if (this.lastValueS !== null && timeS - this.lastValueS > this.options.staleAfterS) {
        return this.closeAll(timeS, 'no-data');
      }
      return [];
    }
    this.lastValueS = timeS;
    if (!closedWithoutValue) {
      this.lastValue = value;
      this.remember(timeS, value);
    }
    const above = this.options.rule.direction === 'above';
    // A pending transition starts when its threshold is passed and is cancelled only by passing the
    // opposite threshold: noise between clear and raise neither resets nor completes it.
    const beyondRaise = this.levels.map(
      (level) => sample.gateOpen && (above ? value >= level.raise : value <= level.raise),
    );
    const beyondClear = this.levels.map(
      (level) => !sample.gateOpen || (above ? value < level.clear : value > level.clear),
    );
    this.levels.forEach((_level, index) => {
      if (beyondClear[index]) this.raiseSinceS[index] = null;
      else if (beyondRaise[index]) this.raiseSinceS[index] ??= timeS;
      if (beyondRaise[index]) this.clearSinceS[index] = null;
      else if (beyondClear[index]) this.clearSinceS[index] ??= timeS;
    });
    for (const alert of this.open) {
      if (closedWithoutValue) break;
      if (above ? value > alert.peakValue : value < alert.peakValue) {
        alert.peakValue = value;
        alert.peakAtS = timeS;
      }
      alert.lastValue = value;
    }

    const events: AlertEvent[] = [];
    for (let top = this.open.length - 1; top >= 0; top--) {
      const since = this.clearSinceS[top];
      const level = this.levels[top];
      if (since === null || since === undefined || !level || !beyondClear[top]) break;
      if (timeS - since < level.clearSustainS - TIME_EPSILON_S) break;
      events.push(this.closeTop(sample, since, sample.gateOpen ? 'value-cleared' : 'gate-closed'));
    }
    let target = -1;
    this.levels.forEach((level, index) => {
      const since = this.raiseSinceS[index];
      if (since === null || since === undefined || !beyondRaise[index]) return;
      if (timeS - since >= level.sustainS - TIME_EPSILON_S) target = index;
    });
    for (let index = this.open.length; index <= target; index++) {
      events.push(this.openLevel(index, sample));
    }
    return events;
  }

  /** Clears every open alert, gravest first (end of stream, stale data, changed rules). */
  closeAll(timeS: number, reason: AlertClearReason): AlertEvent[] {
    const events: AlertEvent[] = [];
    while (this.open.length > 0) {
      events.push(this.closeTop({ timeS, value: this.lastValue, gateOpen: true }, timeS, reason));
    }
    this.resetTimers();
    return events;
  }

  private resetTimers(): void {
    this.raiseSinceS.fill(null);
    this.clearSinceS.fill(null);
  }

  private remember(timeS: number, value: number): void {
    const last = this.history.at(-1);
    if (!last || timeS - last.timeS >= this.options.historyStepS - TIME_EPSILON_S) {
      this.history.push({ timeS: Math.round(timeS * 1000) / 1000, value: roundSignificant(value) });
    }
    let drop = 0;
    while (drop < this.history.length && this.history[drop]!.timeS < timeS - this.options.historyS) drop++;
    if (drop > 0) this.history.splice(0, drop);
  }

  private evidenceHistory(timeS: number, value: number): MetricSample[] {
    const samples = this.history.map((sample) => ({ ...sample }));
    const last = samples.at(-1);
    if (!last || last.timeS < Math.round(timeS * 1000) / 1000) {
      samples.push({ timeS: Math.round(timeS * 1000) / 1000, value: roundSignificant(value) });
    }
    return samples;
  }

  private openLevel(index: number, sample: LadderSample): AlertEvent {
    const level = this.levels[index]!;
    const { streamId, zone, rule } = this.options;
    const value = sample.value ?? this.lastValue;
    const startMs = Math.round((this.options.idTimeOriginMs ?? 0) + sample.timeS * 1000);
    const id = `${streamId}:${zone.id}:${rule.id}:${level.severity}:${startMs}`;
    const previous = this.open.at(-1);
    const alert: OpenAlert = {
      id,
      incidentId: previous?.incidentId ?? id,
      level,
      startedAtS: sample.timeS,
      peakValue: value,
      peakAtS: sample.timeS,
      lastValue: value,
    };
    this.open.push(alert);
    const event = this.event(previous ? 'escalated' : 'raised', alert, sample, level.raise, this.raiseSinceS[index]);
    if (previous) event.evidence.escalatedFromId = previous.id;
    return event;
  }

  private closeTop(sample: LadderSample, conditionSinceS: number, reason: AlertClearReason): AlertEvent {
    const alert = this.open.pop()!;
    const event = this.event('cleared', alert, sample, alert.level.clear, conditionSinceS);
    event.evidence.clearReason = reason;
    event.evidence.durationS = sample.timeS - alert.startedAtS;
    return event;
  }

  private event(
    type: AlertEvent['type'],
    alert: OpenAlert,
    sample: LadderSample,
    threshold: number,
    conditionSinceS: number | null | undefined,
  ): AlertEvent {
    const { streamId, zone, rule } = this.options;
    const value = sample.value ?? this.lastValue;
    const event: AlertEvent = {
      id: alert.id,
      incidentId: alert.incidentId,
      type,
      severity: alert.level.severity,
      rule: rule.id,
      zoneId: zone.id,
      streamId,
      timeS: sample.timeS,
      value,
      threshold,
      evidence: {
        zoneKind: zone.kind,
        unit: rule.unit,
        comparison: rule.direction === 'above' ? '>=' : '<=',
        raiseThreshold: alert.level.raise,
        clearThreshold: alert.level.clear,
        sustainS: alert.level.sustainS,
        clearSustainS: alert.level.clearSustainS,
        startedAtS: alert.startedAtS,
        conditionSinceS: conditionSinceS ?? sample.timeS,
        peakValue: alert.peakValue,
        peakAtS: alert.peakAtS,
        history: this.evidenceHistory(sample.timeS, value),
      },
    };
    if (sample.frameSeq !== undefined) event.evidence.frameSeq = sample.frameSeq;
    if (sample.rawValue !== undefined) event.evidence.rawValue = sample.rawValue;
    return event;
  }
}

/** Rounds to 6 significant digits (evidence stays readable and small). */
function roundSignificant(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(6));
}
