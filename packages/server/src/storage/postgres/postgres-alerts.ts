import { RaqibError, type AlertEvent } from '@raqib/core';
import { alertFromRow } from '../sql-rows.js';
import type { Actor, AlertAction, AlertHistoryEntry, AlertRecord } from '../store-records.js';
import type { Sql } from './postgres-connection.js';

const ACTION_HISTORY_KIND: Record<AlertAction['kind'], AlertHistoryEntry['kind']> = {
  acknowledge: 'acknowledged',
  assign: 'assigned',
  resolve: 'resolved',
  note: 'note',
};

/**
 * Stores an alert engine event in the caller's transaction, keyed on (alert id, event seq): a
 * replayed event changes nothing.
 * @returns false when the event was already stored
 */
export async function insertAlertEvent(sql: Sql, event: AlertEvent, atMs: number): Promise<boolean> {
  // Each alert id has exactly one opening event (seq 0: raised or escalated) and one clearing (seq 1).
  const eventSeq = event.type === 'cleared' ? 1 : 0;
  const inserted = (
    await sql(
      `INSERT INTO alert_history (alert_id, event_seq, kind, at_ms, actor) VALUES ($1, $2, $3, $4, 'system')
       ON CONFLICT (alert_id, event_seq) DO NOTHING`,
      [event.id, eventSeq, event.type, atMs],
    )
  ).rowCount;
  if (inserted === 0) return false;
  const evidence = JSON.stringify(event.evidence);
  if (event.type === 'cleared') {
    const updated = (
      await sql(
        `UPDATE alerts SET condition = 'cleared', cleared_at_ms = $1, clear_reason = $2, evidence = $3, updated_at_ms = $1
         WHERE id = $4`,
        [atMs, event.evidence.clearReason ?? null, evidence, event.id],
      )
    ).rowCount;
    if (updated !== null && updated > 0) return true;
  }
  // An opening event, or a clearing whose opening was never stored (e.g. lost before a crash).
  const raisedAtMs = event.type === 'cleared' ? atMs - Math.round((event.evidence.durationS ?? 0) * 1000) : atMs;
  await sql(
    `INSERT INTO alerts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', NULL, $14, $15)
     ON CONFLICT (id) DO UPDATE SET raised_at_ms = excluded.raised_at_ms, value = excluded.value,
       threshold = excluded.threshold, escalated_from_id = excluded.escalated_from_id`,
    [
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
      event.type === 'cleared' ? 'cleared' : 'active',
      event.type === 'cleared' ? atMs : null,
      event.type === 'cleared' ? (event.evidence.clearReason ?? null) : null,
      atMs,
      evidence,
    ],
  );
  return true;
}

/**
 * An operator's action on an alert, in the caller's (audited) transaction: the row is locked, the
 * workflow checked (CONFLICT on a resolved alert), the status and history written.
 */
export async function applyAlertActionIn(
  sql: Sql,
  id: string,
  action: AlertAction,
  actor: Actor,
  nowMs: () => number,
): Promise<AlertRecord> {
  const row = (await sql('SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [id])).rows[0];
  if (!row) throw new RaqibError('NOT_FOUND', `alert '${id}' does not exist`);
  const alert = alertFromRow(row);
  if (action.kind !== 'note' && alert.status === 'resolved') {
    throw new RaqibError('CONFLICT', `alert '${id}' is already resolved`);
  }
  if (action.kind === 'acknowledge' && alert.status !== 'new') {
    throw new RaqibError('CONFLICT', `alert '${id}' is already ${alert.status}`);
  }
  const now = nowMs();
  const status =
    action.kind === 'acknowledge'
      ? 'acknowledged'
      : action.kind === 'assign'
        ? 'assigned'
        : action.kind === 'resolve'
          ? 'resolved'
          : alert.status;
  const assignee = action.kind === 'assign' ? action.assignee : alert.assignee;
  await sql('UPDATE alerts SET status = $1, assignee = $2, updated_at_ms = $3 WHERE id = $4', [
    status,
    assignee,
    now,
    id,
  ]);
  await sql(
    `INSERT INTO alert_history (alert_id, event_seq, kind, at_ms, actor, note, assignee)
     VALUES ($1, NULL, $2, $3, $4, $5, $6)`,
    [
      id,
      ACTION_HISTORY_KIND[action.kind],
      now,
      actor,
      action.note ?? null,
      action.kind === 'assign' ? action.assignee : null,
    ],
  );
  return { ...alert, status, assignee, updatedAtMs: now };
}
