import type { PoolClient } from 'pg';
import { RaqibError } from '@raqib/core';

/**
 * A numbered schema change in PostgreSQL's dialect: the same numbers and meaning as
 * `SQLITE_MIGRATIONS` (version N here is version N there), applied once, in order, each in its own
 * transaction. Never edit one; add the next number to both lists.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Differences from the SQLite dialect, and why:
 * - times are BIGINT (Unix ms) and measures DOUBLE PRECISION; row ids are identity columns;
 * - usernames are unique case-insensitively (ASCII letters, like SQLite's NOCASE) through an index on
 *   lower(username COLLATE "C"); text sorts say COLLATE "C" (byte order, like SQLite) whatever the
 *   database's locale;
 * - documents and audit details stay TEXT: the audit hash covers the text exactly as stored, and a
 *   zones file comes back as written (jsonb would reorder keys);
 * - the audit log's append-only guard is a trigger function that also refuses TRUNCATE.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE events (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, starts_at_ms BIGINT, ends_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE TABLE streams (
  id TEXT PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events(id), name TEXT NOT NULL, source_url TEXT,
  state TEXT NOT NULL, state_since_ms BIGINT NOT NULL, created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE INDEX streams_event ON streams(event_id);
CREATE TABLE stream_states (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id TEXT NOT NULL, state TEXT NOT NULL,
  at_ms BIGINT NOT NULL, reason TEXT, UNIQUE (stream_id, at_ms, state));
CREATE INDEX stream_states_time ON stream_states(at_ms);
CREATE TABLE stream_documents (
  stream_id TEXT NOT NULL REFERENCES streams(id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('zones', 'rules')),
  document TEXT NOT NULL, updated_at_ms BIGINT NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (stream_id, kind));
CREATE TABLE readings (
  stream_id TEXT NOT NULL, zone_id TEXT NOT NULL, resolution TEXT NOT NULL, bucket_start_ms BIGINT NOT NULL,
  samples INTEGER NOT NULL, count_mean DOUBLE PRECISION NOT NULL, count_max DOUBLE PRECISION NOT NULL,
  density_per_m2_mean DOUBLE PRECISION, peak_local_density_per_m2_max DOUBLE PRECISION, in_count INTEGER,
  out_count INTEGER, mean_speed_m_per_s DOUBLE PRECISION,
  PRIMARY KEY (stream_id, zone_id, resolution, bucket_start_ms));
CREATE INDEX readings_time ON readings(resolution, bucket_start_ms);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, stream_id TEXT NOT NULL, zone_id TEXT NOT NULL, rule TEXT NOT NULL,
  severity TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, threshold DOUBLE PRECISION NOT NULL,
  raised_at_ms BIGINT NOT NULL, escalated_from_id TEXT, condition TEXT NOT NULL, cleared_at_ms BIGINT,
  clear_reason TEXT, status TEXT NOT NULL, assignee TEXT, updated_at_ms BIGINT NOT NULL, evidence TEXT NOT NULL);
CREATE INDEX alerts_status ON alerts(status, raised_at_ms);
CREATE INDEX alerts_stream ON alerts(stream_id, raised_at_ms);
CREATE TABLE alert_history (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, alert_id TEXT NOT NULL, event_seq INTEGER, kind TEXT NOT NULL,
  at_ms BIGINT NOT NULL, actor TEXT NOT NULL, note TEXT, assignee TEXT, UNIQUE (alert_id, event_seq));
CREATE INDEX alert_history_alert ON alert_history(alert_id, at_ms);
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')), password_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL, disabled_at_ms BIGINT);
CREATE UNIQUE INDEX users_username ON users(lower(username COLLATE "C"));
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  secret_hash TEXT NOT NULL, created_at_ms BIGINT NOT NULL, created_by TEXT NOT NULL, expires_at_ms BIGINT,
  last_used_at_ms BIGINT, revoked_at_ms BIGINT);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, csrf_token TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL, last_seen_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL, revoked_at_ms BIGINT);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
  details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
-- Append-only: the database itself refuses to change, delete or truncate audit rows.
CREATE FUNCTION raqib_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION raqib_audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION raqib_audit_log_append_only();
`,
  },
  {
    version: 2,
    name: 'stream publish keys',
    sql: `
-- SHA-256 of the RTMP stream key a drone app publishes with (rtmp://HOST:1935/live/<key>); the key itself is never stored.
ALTER TABLE streams ADD COLUMN publish_key_hash TEXT;
CREATE UNIQUE INDEX streams_publish_key ON streams(publish_key_hash) WHERE publish_key_hash IS NOT NULL;
`,
  },
];

/** Session advisory lock held while migrating: two nodes starting together migrate once, one after the other. */
export const MIGRATION_LOCK_KEY = 0x5241_5149_4201;

/**
 * Brings the database to the newest schema, under an advisory lock so that concurrent nodes never
 * apply a migration twice. Refuses a database written by a newer Raqib (its version is above every
 * migration known here) instead of guessing.
 * @param label how messages name the database (the URL without its password)
 * @returns the versions applied now
 */
export async function migratePostgres(
  client: PoolClient,
  label: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)',
    );
    const result = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = result.rows[0]?.v ?? 0;
    const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > newest) {
      throw new RaqibError(
        'STORAGE_FAILED',
        `${label}: database schema version ${current} is newer than this Raqib knows (${newest}); upgrade Raqib or use another database`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new RaqibError(
          'STORAGE_FAILED',
          `${label}: migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}
