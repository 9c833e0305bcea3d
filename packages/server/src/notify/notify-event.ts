import type { AlertEvent, AlertSeverity } from '@raqib/core';

/**
 * The alert lifecycle event a notifier sends: the shape of core's `AlertEvent` (packages/core/src/alerts)
 * that notifications need. Declared structurally so any `AlertEvent` can be passed as is; the full
 * event (with all its evidence) is what webhooks, MQTT and the dead-letter file carry.
 */
export interface NotifyEvent {
  /** Stable id of the alert (`streamId:zoneId:rule:severity:startMs`). */
  id: string;
  type: 'raised' | 'escalated' | 'cleared';
  severity: AlertSeverity;
  rule: string;
  zoneId: string;
  streamId?: string;
  /** Stream time of the event, seconds. */
  timeS: number;
  value: number;
  threshold: number;
  evidence?: NotifyEvidence;
}

/** Compile-time guarantee that the alert engine's events can be passed to `notify` as they are. */
const _acceptsAlertEvent = (event: AlertEvent): NotifyEvent => event;

/** The evidence fields notifications render in text (emails, terminal); others are passed through. */
export interface NotifyEvidence {
  unit?: string;
  comparison?: '>=' | '<=';
  raiseThreshold?: number;
  clearThreshold?: number;
  sustainS?: number;
  startedAtS?: number;
  conditionSinceS?: number;
  peakValue?: number;
  peakAtS?: number;
  frameSeq?: number;
  escalatedFromId?: string;
  clearReason?: string;
  durationS?: number;
  history?: readonly { timeS: number; value: number }[];
}

/** Severities from the mildest to the gravest. */
export const SEVERITY_ORDER: readonly AlertSeverity[] = ['info', 'warning', 'danger', 'critical'];

/** True when `severity` is `minSeverity` or graver. */
export function isAtLeast(severity: AlertSeverity, minSeverity: AlertSeverity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(minSeverity);
}

/**
 * The idempotency key of an event: stable across retries and runs (the alert id plus the lifecycle
 * type), so a receiver that stores the keys it has seen processes each event exactly once.
 */
export function idempotencyKey(event: NotifyEvent): string {
  return `${event.id}:${event.type}`;
}

/** The JSON document webhooks and MQTT send: the key next to the full event. */
export interface NotifyPayload {
  source: 'raqib';
  idempotencyKey: string;
  event: NotifyEvent;
}

/** Serialises the payload of an event (the same bytes on every retry). */
export function payloadJson(event: NotifyEvent): string {
  const payload: NotifyPayload = { source: 'raqib', idempotencyKey: idempotencyKey(event), event };
  return JSON.stringify(payload);
}
