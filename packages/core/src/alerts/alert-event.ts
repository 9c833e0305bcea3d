import type { AlertSeverity } from '../frame-analysis.js';
import type { AlertZoneKind } from './alert-zone.js';
import type { RuleId } from './rule-catalog.js';

/**
 * Lifecycle of alerts. Each level of a rule's ladder is its own alert with its own id:
 * `raised` opens the first level of a (rule, zone) incident, `escalated` opens a graver level while
 * a milder one is open, `cleared` closes one level. Levels close from the gravest down.
 */
export type AlertEventType = 'raised' | 'escalated' | 'cleared';

/** Why an alert was cleared. */
export type AlertClearReason =
  /** The value passed the clear threshold for the clear sustain time. */
  | 'value-cleared'
  /** The rule's precondition (e.g. minimum density) stopped holding for the clear sustain time. */
  | 'gate-closed'
  /** No reading for the zone for longer than the engine's `staleAfterS`. */
  | 'no-data'
  /** The zone's kind or rules changed. */
  | 'rules-changed'
  /** {@link AlertEngine.finish} was called at the end of the stream. */
  | 'stream-ended';

/** One sample of a rule's (smoothed) value. */
export interface MetricSample {
  timeS: number;
  value: number;
}

/** Why an event happened: the numbers an operator or an auditor needs to check it. */
export interface AlertEvidence {
  zoneKind: AlertZoneKind;
  /** Unit of value and thresholds. */
  unit: string;
  /** How the value compares with `raiseThreshold` when the level is raised. */
  comparison: '>=' | '<=';
  raiseThreshold: number;
  clearThreshold: number;
  sustainS: number;
  clearSustainS: number;
  /** Frame index the event was decided on, when the caller gave one. */
  frameSeq?: number;
  /** Stream time the alert was opened. */
  startedAtS: number;
  /** Stream time since which the raise (or, for `cleared`, the clear) condition held. */
  conditionSinceS: number;
  /** Most extreme value while open (highest for `above` rules, lowest for `below` rules). */
  peakValue: number;
  peakAtS: number;
  /** The unsmoothed value of the rule at this frame, when there was one. */
  rawValue?: number;
  /** For `escalated`: the id of the milder alert that was open. */
  escalatedFromId?: string;
  /** For `cleared`. */
  clearReason?: AlertClearReason;
  /** For `cleared`: seconds the alert was open. */
  durationS?: number;
  /** The rule's values over the last seconds (oldest first), ending at this event. */
  history: MetricSample[];
}

/**
 * One alert lifecycle event: what `alerts.jsonl` holds, one per line.
 *
 * @example
 * { id: 'cam1:gate-3:density:danger:123400', incidentId: 'cam1:gate-3:density:info:98200',
 *   type: 'escalated', severity: 'danger', rule: 'density', zoneId: 'gate-3', streamId: 'cam1',
 *   timeS: 123.4, value: 5.07, threshold: 5, evidence: { ... } }
 */
export interface AlertEvent {
  /** Stable, deterministic id of the alert: `streamId:zoneId:rule:severity:startMs`. */
  id: string;
  /** Id of the `raised` alert that opened this (rule, zone) incident; shared by its escalations. */
  incidentId: string;
  type: AlertEventType;
  severity: AlertSeverity;
  rule: RuleId;
  zoneId: string;
  streamId: string;
  /** Stream time of the event, seconds. */
  timeS: number;
  /** The rule's smoothed value at the event. */
  value: number;
  /** The raise threshold (`raised`, `escalated`) or the clear threshold (`cleared`). */
  threshold: number;
  evidence: AlertEvidence;
}
