import type { Database } from 'better-sqlite3';
import { RaqibError } from '@raqib/core';

/** A numbered schema change; applied once, in order, each in its own transaction. Never edit one. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE events (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, starts_at_ms INTEGER, ends_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE TABLE streams (
  id TEXT PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events(id), name TEXT NOT NULL, source_url TEXT,
  state TEXT NOT NULL, state_since_ms INTEGER NOT NULL, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE INDEX streams_event ON streams(event_id);
CREATE TABLE stream_states (
  id INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, state TEXT NOT NULL, at_ms INTEGER NOT NULL, reason TEXT,
  UNIQUE (stream_id, at_ms, state));
CREATE INDEX stream_states_time ON stream_states(at_ms);
CREATE TABLE stream_documents (
  stream_id TEXT NOT NULL REFERENCES streams(id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('zones', 'rules')),
  document TEXT NOT NULL, updated_at_ms INTEGER NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (stream_id, kind));
CREATE TABLE readings (
  stream_id TEXT NOT NULL, zone_id TEXT NOT NULL, resolution TEXT NOT NULL, bucket_start_ms INTEGER NOT NULL,
  samples INTEGER NOT NULL, count_mean REAL NOT NULL, count_max REAL NOT NULL, density_per_m2_mean REAL,
  peak_local_density_per_m2_max REAL, in_count INTEGER, out_count INTEGER, mean_speed_m_per_s REAL,
  PRIMARY KEY (stream_id, zone_id, resolution, bucket_start_ms)) WITHOUT ROWID;
CREATE INDEX readings_time ON readings(resolution, bucket_start_ms);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, stream_id TEXT NOT NULL, zone_id TEXT NOT NULL, rule TEXT NOT NULL,
  severity TEXT NOT NULL, value REAL NOT NULL, threshold REAL NOT NULL, raised_at_ms INTEGER NOT NULL,
  escalated_from_id TEXT, condition TEXT NOT NULL, cleared_at_ms INTEGER, clear_reason TEXT,
  status TEXT NOT NULL, assignee TEXT, updated_at_ms INTEGER NOT NULL, evidence TEXT NOT NULL);
CREATE INDEX alerts_status ON alerts(status, raised_at_ms);
CREATE INDEX alerts_stream ON alerts(stream_id, raised_at_ms);
CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY, alert_id TEXT NOT NULL, event_seq INTEGER, kind TEXT NOT NULL, at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL, note TEXT, assignee TEXT, UNIQUE (alert_id, event_seq));
CREATE INDEX alert_history_alert ON alert_history(alert_id, at_ms);
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')), password_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL, disabled_at_ms INTEGER);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  secret_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL, created_by TEXT NOT NULL, expires_at_ms INTEGER,
  last_used_at_ms INTEGER, revoked_at_ms INTEGER);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, csrf_token TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, last_seen_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
  details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
-- Append-only: the database itself refuses to change or delete audit rows.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
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

/**
 * Brings the database to the newest schema. Refuses a database written by a newer Raqib (its
 * version is above every migration known here) instead of guessing.
 * @returns the versions applied now
 */
export function migrateSqlite(
  db: Database,
  path: string,
  migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS,
): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
  );
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > newest) {
    throw new RaqibError(
      'STORAGE_FAILED',
      `${path}: database schema version ${current} is newer than this Raqib knows (${newest}); upgrade Raqib or use another --data folder`,
    );
  }
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    })();
    applied.push(migration.version);
  }
  return applied;
}
