import { RaqibError, type AlertEvent } from '@raqib/core';
import type { Database } from 'better-sqlite3';
import { actionHistoryValues, alertAfterAction, alertEventSeq, alertRowValues } from '../alert-workflow.js';
import { alertFromRow } from '../sql-rows.js';
import type { Actor, AlertAction, AlertRecord } from '../store-records.js';

/**
 * Stores an alert engine event in one transaction, keyed on (alert id, event seq): a replayed event
 * changes nothing.
 * @returns false when the event was already stored
 */
export function insertAlertEvent(db: Database, event: AlertEvent, atMs: number): boolean {
  return db.transaction(() => {
    const inserted = db
      .prepare('INSERT OR IGNORE INTO alert_history (alert_id, event_seq, kind, at_ms, actor) VALUES (?, ?, ?, ?, ?)')
      .run(event.id, alertEventSeq(event), event.type, atMs, 'system').changes;
    if (inserted === 0) return false;
    if (event.type === 'cleared') {
      const updated = db
        .prepare(
          `UPDATE alerts SET condition = 'cleared', cleared_at_ms = ?, clear_reason = ?, evidence = ?, updated_at_ms = ?
           WHERE id = ?`,
        )
        .run(atMs, event.evidence.clearReason ?? null, JSON.stringify(event.evidence), atMs, event.id).changes;
      if (updated > 0) return true;
    }
    db.prepare(
      `INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', NULL, ?, ?)
       ON CONFLICT (id) DO UPDATE SET raised_at_ms = excluded.raised_at_ms, value = excluded.value,
         threshold = excluded.threshold, escalated_from_id = excluded.escalated_from_id`,
    ).run(...alertRowValues(event, atMs));
    return true;
  })();
}

/** An operator's action on an alert, in the caller's (audited) transaction: workflow checked, status and history written. */
export function applyAlertActionIn(
  db: Database,
  id: string,
  action: AlertAction,
  actor: Actor,
  now: number,
): AlertRecord {
  const row = db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!row) throw new RaqibError('NOT_FOUND', `alert '${id}' does not exist`);
  const alert = alertFromRow(row);
  const { status, assignee } = alertAfterAction(alert, action);
  db.prepare('UPDATE alerts SET status = ?, assignee = ?, updated_at_ms = ? WHERE id = ?').run(
    status,
    assignee,
    now,
    id,
  );
  db.prepare(
    'INSERT INTO alert_history (alert_id, event_seq, kind, at_ms, actor, note, assignee) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(...actionHistoryValues(id, action, actor, now));
  return { ...alert, status, assignee, updatedAtMs: now };
}
