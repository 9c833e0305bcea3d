import { RaqibError, type AlertEvent } from '@raqib/core';
import type { AlertAction, AlertHistoryEntry, AlertRecord } from './store-records.js';

/** The history entry an operator's action writes. */
export const ACTION_HISTORY_KIND: Record<AlertAction['kind'], AlertHistoryEntry['kind']> = {
  acknowledge: 'acknowledged',
  assign: 'assigned',
  resolve: 'resolved',
  note: 'note',
};

/**
 * The alert's workflow fields after an operator's action (both stores): CONFLICT on a resolved
 * alert (notes excepted) and on acknowledging an alert that is no longer new.
 */
export function alertAfterAction(alert: AlertRecord, action: AlertAction): Pick<AlertRecord, 'status' | 'assignee'> {
  if (action.kind !== 'note' && alert.status === 'resolved') {
    throw new RaqibError('CONFLICT', `alert '${alert.id}' is already resolved`);
  }
  if (action.kind === 'acknowledge' && alert.status !== 'new') {
    throw new RaqibError('CONFLICT', `alert '${alert.id}' is already ${alert.status}`);
  }
  const status =
    action.kind === 'acknowledge'
      ? 'acknowledged'
      : action.kind === 'assign'
        ? 'assigned'
        : action.kind === 'resolve'
          ? 'resolved'
          : alert.status;
  return { status, assignee: action.kind === 'assign' ? action.assignee : alert.assignee };
}

/** The alert_history row values (alert id, event seq, kind, at, actor, note, assignee) of an action. */
export function actionHistoryValues(id: string, action: AlertAction, actor: string, atMs: number): unknown[] {
  return [
    id,
    null,
    ACTION_HISTORY_KIND[action.kind],
    atMs,
    actor,
    action.note ?? null,
    action.kind === 'assign' ? action.assignee : null,
  ];
}

/** Each alert id has exactly one opening event (seq 0: raised or escalated) and one clearing (seq 1). */
export function alertEventSeq(event: AlertEvent): 0 | 1 {
  return event.type === 'cleared' ? 1 : 0;
}

/**
 * The 15 values of an `alerts` row for an engine event (an opening event, or a clearing whose
 * opening was never stored, e.g. lost before a crash), in the table's column order with status
 * 'new' and no assignee left out: id, incident, stream, zone, rule, severity, value, threshold,
 * raised at, escalated from, condition, cleared at, clear reason, updated at, evidence.
 */
export function alertRowValues(event: AlertEvent, atMs: number): unknown[] {
  const cleared = event.type === 'cleared';
  const raisedAtMs = cleared ? atMs - Math.round((event.evidence.durationS ?? 0) * 1000) : atMs;
  return [
    event.id,
    event.incidentId,
    event.streamId,
    event.zoneId,
    event.rule,
    event.severity,
    event.value,
    event.threshold,
    raisedAtMs,
    event.evidence.escalatedFromId ?? null,
    cleared ? 'cleared' : 'active',
    cleared ? atMs : null,
    cleared ? (event.evidence.clearReason ?? null) : null,
    atMs,
    JSON.stringify(event.evidence),
  ];
}
