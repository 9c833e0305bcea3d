import { RaqibError, type AlertEvent } from '@raqib/core';
import { actionHistoryValues, alertAfterAction, alertEventSeq, alertRowValues } from '../alert-workflow.js';
import { alertFromRow } from '../sql-rows.js';
import type { Actor, AlertAction, AlertRecord } from '../store-records.js';
import type { Sql } from './postgres-connection.js';

/**
 * Stores an alert engine event in the caller's transaction, keyed on (alert id, event seq): a
 * replayed event changes nothing.
 * @returns false when the event was already stored
 */
export async function insertAlertEvent(sql: Sql, event: AlertEvent, atMs: number): Promise<boolean> {
  const inserted = (
    await sql(
      `INSERT INTO alert_history (alert_id, event_seq, kind, at_ms, actor) VALUES ($1, $2, $3, $4, 'system')
       ON CONFLICT (alert_id, event_seq) DO NOTHING`,
      [event.id, alertEventSeq(event), event.type, atMs],
    )
  ).rowCount;
  if (inserted === 0) return false;
  if (event.type === 'cleared') {
    const updated = (
      await sql(
        `UPDATE alerts SET condition = 'cleared', cleared_at_ms = $1, clear_reason = $2, evidence = $3, updated_at_ms = $1
         WHERE id = $4`,
        [atMs, event.evidence.clearReason ?? null, JSON.stringify(event.evidence), event.id],
      )
    ).rowCount;
    if (updated !== null && updated > 0) return true;
  }
  await sql(
    `INSERT INTO alerts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', NULL, $14, $15)
     ON CONFLICT (id) DO UPDATE SET raised_at_ms = excluded.raised_at_ms, value = excluded.value,
       threshold = excluded.threshold, escalated_from_id = excluded.escalated_from_id`,
    alertRowValues(event, atMs),
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
  const { status, assignee } = alertAfterAction(alert, action);
  const now = nowMs();
  await sql('UPDATE alerts SET status = $1, assignee = $2, updated_at_ms = $3 WHERE id = $4', [
    status,
    assignee,
    now,
    id,
  ]);
  await sql(
    `INSERT INTO alert_history (alert_id, event_seq, kind, at_ms, actor, note, assignee)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    actionHistoryValues(id, action, actor, now),
  );
  return { ...alert, status, assignee, updatedAtMs: now };
}
