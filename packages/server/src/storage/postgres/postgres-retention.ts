import { DAY_MS, type RetentionPolicy, type RetentionResult } from '../retention-policy.js';
import type { Sql } from './postgres-connection.js';

/** Deletes what the policy no longer allows at `nowMs`, in the caller's transaction; counts by data class. */
export async function deleteExpired(sql: Sql, policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
  const cutoff = (days: number) => nowMs - days * DAY_MS;
  const deleted = async (text: string, days: number) => (await sql(text, [cutoff(days)])).rowCount ?? 0;
  const result: RetentionResult = {
    readings1sDays: await deleted(
      "DELETE FROM readings WHERE resolution = '1s' AND bucket_start_ms < $1",
      policy.readings1sDays,
    ),
    readings1mDays: await deleted(
      "DELETE FROM readings WHERE resolution = '1m' AND bucket_start_ms < $1",
      policy.readings1mDays,
    ),
    alertsDays: 0,
    streamStatesDays: await deleted('DELETE FROM stream_states WHERE at_ms < $1', policy.streamStatesDays),
    sessionsDays: await deleted(
      'DELETE FROM sessions WHERE LEAST(expires_at_ms, COALESCE(revoked_at_ms, expires_at_ms)) < $1',
      policy.sessionsDays,
    ),
  };
  // Only alerts nobody still works on: resolved, or cleared by the engine.
  const oldAlerts = "(status = 'resolved' OR condition = 'cleared') AND updated_at_ms < $1";
  await sql(`DELETE FROM alert_history WHERE alert_id IN (SELECT id FROM alerts WHERE ${oldAlerts})`, [
    cutoff(policy.alertsDays),
  ]);
  result.alertsDays = await deleted(`DELETE FROM alerts WHERE ${oldAlerts}`, policy.alertsDays);
  return result;
}
