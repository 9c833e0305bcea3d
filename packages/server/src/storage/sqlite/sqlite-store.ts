import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { RaqibError, type AlertEvent } from '@raqib/core';
import { AUDIT_GENESIS_HASH, auditRowHash } from '../../audit/audit-chain.js';
import { DAY_MS, type RetentionPolicy, type RetentionResult } from '../retention-policy.js';
import type { Store } from '../store.js';
import type {
  Actor,
  AlertAction,
  AlertHistoryEntry,
  AlertQuery,
  AlertRecord,
  ApiTokenRecord,
  AuditRecord,
  EventPatch,
  EventRecord,
  NewApiToken,
  NewAudit,
  NewEvent,
  NewStream,
  NewUser,
  ReadingBucket,
  ReadingQuery,
  SessionRecord,
  StreamDocument,
  StreamPatch,
  StreamRecord,
  StreamStateChange,
  UserPatch,
  UserRecord,
} from '../store-records.js';
import { applyAlertActionIn, insertAlertEvent } from './sqlite-alerts.js';
import { migrateSqlite } from './sqlite-migrations.js';
import {
  alertFromRow,
  auditFromRow,
  eventFromRow,
  historyFromRow,
  readingFromRow,
  sessionFromRow,
  streamFromRow,
  tokenFromRow,
  userFromRow,
} from '../sql-rows.js';

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Database file (its folder is created); `:memory:` for a throw-away store. */
  path: string;
  /** Wall clock for created/updated times and audit rows; injectable for tests. */
  nowMs?: () => number;
}

/**
 * The embedded Store: one SQLite file in WAL mode (readers never block the writer), opened by
 * better-sqlite3. Calls are synchronous underneath and each change is one transaction with its audit
 * row. `synchronous=NORMAL` in WAL survives a killed process (only a power cut may lose the last
 * commits).
 */
export class SqliteStore implements Store {
  readonly db: Database;
  private readonly nowMs: () => number;
  private readonly path: string;

  private constructor(db: Database, path: string, nowMs: () => number) {
    this.db = db;
    this.path = path;
    this.nowMs = nowMs;
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const { path } = options;
    let db: Database;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new BetterSqlite3(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      throw new RaqibError('STORAGE_FAILED', `${path}: cannot open the database (${(error as Error).message})`, {
        cause: error,
      });
    }
    try {
      migrateSqlite(db, path);
    } catch (error) {
      db.close();
      if (error instanceof RaqibError) throw error;
      throw new RaqibError('STORAGE_FAILED', `${path}: cannot migrate the database (${(error as Error).message})`, {
        cause: error,
      });
    }
    return new SqliteStore(db, path, options.nowMs ?? Date.now);
  }

  /** Runs `change` and appends its audit row in one transaction. */
  private audited<T>(entry: NewAudit, change: () => T): T {
    return this.db.transaction(() => {
      const result = change();
      this.appendAuditSync(entry);
      return result;
    })();
  }

  private appendAuditSync(entry: NewAudit): AuditRecord {
    const last = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const row = {
      seq: (last?.seq ?? 0) + 1,
      atMs: this.nowMs(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
      prevHash: last?.hash ?? AUDIT_GENESIS_HASH,
    };
    const hash = auditRowHash(row);
    this.db
      .prepare(
        'INSERT INTO audit_log (seq, at_ms, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(row.seq, row.atMs, row.actor, row.action, row.target, row.details, row.prevHash, hash);
    return { ...row, hash };
  }

  private notFound(what: string, id: string): never {
    throw new RaqibError('NOT_FOUND', `${what} '${id}' does not exist`);
  }

  /** Maps a UNIQUE/PRIMARY KEY violation to CONFLICT with a readable message. */
  private unique<T>(what: string, id: string, insert: () => T): T {
    try {
      return insert();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new RaqibError('CONFLICT', `${what} '${id}' already exists`, { cause: error });
      }
      throw error;
    }
  }

  // Events ----------------------------------------------------------------------------------------

  async listEvents(): Promise<EventRecord[]> {
    return (this.db.prepare('SELECT * FROM events ORDER BY created_at_ms, id').all() as Row[]).map(eventFromRow);
  }

  async getEvent(id: string): Promise<EventRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as Row | undefined;
    return row && eventFromRow(row);
  }

  async createEvent(input: NewEvent, actor: Actor): Promise<EventRecord> {
    const now = this.nowMs();
    const record: EventRecord = {
      id: input.id,
      name: input.name,
      startsAtMs: input.startsAtMs ?? null,
      endsAtMs: input.endsAtMs ?? null,
      createdAtMs: now,
      updatedAtMs: now,
    };
    return this.audited({ actor, action: 'event.create', target: `event:${input.id}`, details: { ...input } }, () =>
      this.unique('event', input.id, () => {
        this.db
          .prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)')
          .run(record.id, record.name, record.startsAtMs, record.endsAtMs, now, now);
        return record;
      }),
    );
  }

  async updateEvent(id: string, patch: EventPatch, actor: Actor): Promise<EventRecord> {
    return this.audited({ actor, action: 'event.update', target: `event:${id}`, details: { ...patch } }, () => {
      const current = this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as Row | undefined;
      if (!current) this.notFound('event', id);
      const next = { ...eventFromRow(current), ...patch, updatedAtMs: this.nowMs() };
      this.db
        .prepare('UPDATE events SET name = ?, starts_at_ms = ?, ends_at_ms = ?, updated_at_ms = ? WHERE id = ?')
        .run(next.name, next.startsAtMs, next.endsAtMs, next.updatedAtMs, id);
      return next;
    });
  }

  async deleteEvent(id: string, actor: Actor): Promise<void> {
    this.audited({ actor, action: 'event.delete', target: `event:${id}` }, () => {
      const streams = (this.db.prepare('SELECT COUNT(*) AS n FROM streams WHERE event_id = ?').get(id) as { n: number })
        .n;
      if (streams > 0) {
        throw new RaqibError('CONFLICT', `event '${id}' still has ${streams} stream(s); delete them first`);
      }
      if (this.db.prepare('DELETE FROM events WHERE id = ?').run(id).changes === 0) this.notFound('event', id);
    });
  }

  // Streams ---------------------------------------------------------------------------------------

  async listStreams(eventId?: string): Promise<StreamRecord[]> {
    const rows = (
      eventId === undefined
        ? this.db.prepare('SELECT * FROM streams ORDER BY created_at_ms, id').all()
        : this.db.prepare('SELECT * FROM streams WHERE event_id = ? ORDER BY created_at_ms, id').all(eventId)
    ) as Row[];
    return rows.map(streamFromRow);
  }

  async getStream(id: string): Promise<StreamRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM streams WHERE id = ?').get(id) as Row | undefined;
    return row && streamFromRow(row);
  }

  async createStream(input: NewStream, actor: Actor): Promise<StreamRecord> {
    const now = this.nowMs();
    const record: StreamRecord = {
      id: input.id,
      eventId: input.eventId,
      name: input.name,
      sourceUrl: input.sourceUrl ?? null,
      state: 'idle',
      stateSinceMs: now,
      hasPublishKey: false,
      createdAtMs: now,
      updatedAtMs: now,
    };
    return this.audited({ actor, action: 'stream.create', target: `stream:${input.id}`, details: { ...input } }, () => {
      if (!this.db.prepare('SELECT 1 FROM events WHERE id = ?').get(input.eventId))
        this.notFound('event', input.eventId);
      return this.unique('stream', input.id, () => {
        this.db
          .prepare(
            `INSERT INTO streams (id, event_id, name, source_url, state, state_since_ms, created_at_ms, updated_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(record.id, record.eventId, record.name, record.sourceUrl, record.state, now, now, now);
        return record;
      });
    });
  }

  async updateStream(id: string, patch: StreamPatch, actor: Actor): Promise<StreamRecord> {
    return this.audited({ actor, action: 'stream.update', target: `stream:${id}`, details: { ...patch } }, () => {
      const current = this.db.prepare('SELECT * FROM streams WHERE id = ?').get(id) as Row | undefined;
      if (!current) this.notFound('stream', id);
      const next = { ...streamFromRow(current), ...patch, updatedAtMs: this.nowMs() };
      this.db
        .prepare('UPDATE streams SET name = ?, source_url = ?, updated_at_ms = ? WHERE id = ?')
        .run(next.name, next.sourceUrl, next.updatedAtMs, id);
      return next;
    });
  }

  async deleteStream(id: string, actor: Actor): Promise<void> {
    this.audited({ actor, action: 'stream.delete', target: `stream:${id}` }, () => {
      if (this.db.prepare('DELETE FROM streams WHERE id = ?').run(id).changes === 0) this.notFound('stream', id);
      this.db.prepare('DELETE FROM stream_states WHERE stream_id = ?').run(id);
    });
  }

  async setStreamPublishKey(id: string, keyHash: string | null, actor: Actor): Promise<void> {
    const action = keyHash === null ? 'stream.key.remove' : 'stream.key.rotate';
    this.audited({ actor, action, target: `stream:${id}` }, () => {
      const changed = this.unique('publish key of stream', id, () =>
        this.db
          .prepare('UPDATE streams SET publish_key_hash = ?, updated_at_ms = ? WHERE id = ?')
          .run(keyHash, this.nowMs(), id),
      ).changes;
      if (changed === 0) this.notFound('stream', id);
    });
  }

  async streamByPublishKey(keyHash: string): Promise<StreamRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM streams WHERE publish_key_hash = ?').get(keyHash) as Row | undefined;
    return row && streamFromRow(row);
  }

  async recordStreamState(change: StreamStateChange): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM streams WHERE id = ?').get(change.streamId))
        this.notFound('stream', change.streamId);
      const inserted = this.db
        .prepare('INSERT OR IGNORE INTO stream_states (stream_id, state, at_ms, reason) VALUES (?, ?, ?, ?)')
        .run(change.streamId, change.state, change.atMs, change.reason).changes;
      if (inserted === 0) return false;
      // A late (replayed) older transition is kept in the history but does not overwrite the current state.
      this.db
        .prepare('UPDATE streams SET state = ?, state_since_ms = ? WHERE id = ? AND state_since_ms <= ?')
        .run(change.state, change.atMs, change.streamId, change.atMs);
      return true;
    })();
  }

  async listStreamStates(streamId: string, fromMs: number, toMs: number): Promise<StreamStateChange[]> {
    const rows = this.db
      .prepare('SELECT * FROM stream_states WHERE stream_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id')
      .all(streamId, fromMs, toMs) as Row[];
    return rows.map((row) => ({
      streamId: row.stream_id as string,
      state: row.state as StreamStateChange['state'],
      atMs: row.at_ms as number,
      reason: (row.reason as string | null) ?? null,
    }));
  }

  // Zones and rules -------------------------------------------------------------------------------

  private getDocument(streamId: string, kind: 'zones' | 'rules'): StreamDocument | undefined {
    const row = this.db
      .prepare('SELECT * FROM stream_documents WHERE stream_id = ? AND kind = ?')
      .get(streamId, kind) as Row | undefined;
    if (!row) return undefined;
    return {
      streamId,
      document: JSON.parse(row.document as string) as unknown,
      updatedAtMs: row.updated_at_ms as number,
      updatedBy: row.updated_by as string,
    };
  }

  private setDocument(streamId: string, kind: 'zones' | 'rules', document: unknown, actor: Actor): StreamDocument {
    const text = JSON.stringify(document);
    return this.audited(
      { actor, action: `${kind}.set`, target: `stream:${streamId}`, details: { bytes: text.length } },
      () => {
        if (!this.db.prepare('SELECT 1 FROM streams WHERE id = ?').get(streamId)) this.notFound('stream', streamId);
        const now = this.nowMs();
        this.db
          .prepare(
            `INSERT INTO stream_documents VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id, kind)
             DO UPDATE SET document = excluded.document, updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by`,
          )
          .run(streamId, kind, text, now, actor);
        return { streamId, document: JSON.parse(text) as unknown, updatedAtMs: now, updatedBy: actor };
      },
    );
  }

  private deleteDocument(streamId: string, kind: 'zones' | 'rules', actor: Actor): void {
    this.audited({ actor, action: `${kind}.delete`, target: `stream:${streamId}` }, () => {
      const deleted = this.db
        .prepare('DELETE FROM stream_documents WHERE stream_id = ? AND kind = ?')
        .run(streamId, kind).changes;
      if (deleted === 0) this.notFound(`${kind} of stream`, streamId);
    });
  }

  async getZones(streamId: string): Promise<StreamDocument | undefined> {
    return this.getDocument(streamId, 'zones');
  }
  async setZones(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.setDocument(streamId, 'zones', document, actor);
  }
  async deleteZones(streamId: string, actor: Actor): Promise<void> {
    this.deleteDocument(streamId, 'zones', actor);
  }
  async getRules(streamId: string): Promise<StreamDocument | undefined> {
    return this.getDocument(streamId, 'rules');
  }
  async setRules(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.setDocument(streamId, 'rules', document, actor);
  }
  async deleteRules(streamId: string, actor: Actor): Promise<void> {
    this.deleteDocument(streamId, 'rules', actor);
  }

  // Readings --------------------------------------------------------------------------------------

  async putReadings(buckets: readonly ReadingBucket[]): Promise<number> {
    const upsert = this.db.prepare(
      `INSERT INTO readings VALUES (@streamId, @zoneId, @resolution, @bucketStartMs, @samples, @countMean, @countMax,
         @densityPerM2Mean, @peakLocalDensityPerM2Max, @inCount, @outCount, @meanSpeedMPerS)
       ON CONFLICT (stream_id, zone_id, resolution, bucket_start_ms) DO UPDATE SET
         samples = excluded.samples, count_mean = excluded.count_mean, count_max = excluded.count_max,
         density_per_m2_mean = excluded.density_per_m2_mean,
         peak_local_density_per_m2_max = excluded.peak_local_density_per_m2_max,
         in_count = excluded.in_count, out_count = excluded.out_count, mean_speed_m_per_s = excluded.mean_speed_m_per_s
       WHERE excluded.samples > readings.samples`,
    );
    return this.db.transaction(() => {
      let changed = 0;
      for (const bucket of buckets) changed += upsert.run(bucket).changes;
      return changed;
    })();
  }

  async listReadings(query: ReadingQuery): Promise<ReadingBucket[]> {
    const zoneClause = query.zoneId === undefined ? '' : ' AND zone_id = @zoneId';
    const rows = this.db
      .prepare(
        `SELECT * FROM readings WHERE stream_id = @streamId AND resolution = @resolution
         AND bucket_start_ms >= @fromMs AND bucket_start_ms < @toMs${zoneClause}
         ORDER BY bucket_start_ms, zone_id LIMIT @limit`,
      )
      .all({ ...query, zoneId: query.zoneId ?? null }) as Row[];
    return rows.map(readingFromRow);
  }

  // Alerts ----------------------------------------------------------------------------------------

  async recordAlertEvent(event: AlertEvent, atMs: number): Promise<boolean> {
    return insertAlertEvent(this.db, event, atMs);
  }

  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return row && alertFromRow(row);
  }

  async listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    const where: string[] = [];
    if (query.state === 'open') where.push("status <> 'resolved'");
    if (query.streamId !== undefined) where.push('stream_id = @streamId');
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY raised_at_ms DESC, id LIMIT @limit`;
    return (this.db.prepare(sql).all({ streamId: query.streamId ?? null, limit: query.limit }) as Row[]).map(
      alertFromRow,
    );
  }

  async alertHistory(id: string): Promise<AlertHistoryEntry[]> {
    return (this.db.prepare('SELECT * FROM alert_history WHERE alert_id = ? ORDER BY at_ms, id').all(id) as Row[]).map(
      historyFromRow,
    );
  }

  async applyAlertAction(id: string, action: AlertAction, actor: Actor): Promise<AlertRecord> {
    const details: Record<string, unknown> = { ...action };
    return this.audited({ actor, action: `alert.${action.kind}`, target: `alert:${id}`, details }, () =>
      applyAlertActionIn(this.db, id, action, actor, this.nowMs()),
    );
  }

  // Users, tokens, sessions -----------------------------------------------------------------------

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as Row[]).map(userFromRow);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row && userFromRow(row);
  }

  async getUserByName(username: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return row && userFromRow(row);
  }

  async createUser(input: NewUser, actor: Actor): Promise<UserRecord> {
    const now = this.nowMs();
    const record: UserRecord = { ...input, createdAtMs: now, updatedAtMs: now, disabledAtMs: null };
    const details = { username: input.username, role: input.role };
    return this.audited({ actor, action: 'user.create', target: `user:${input.username}`, details }, () =>
      this.unique('user', input.username, () => {
        this.db
          .prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, NULL)')
          .run(record.id, record.username, record.role, record.passwordHash, now, now);
        return record;
      }),
    );
  }

  async updateUser(id: string, patch: UserPatch, actor: Actor): Promise<UserRecord> {
    // Never put the password hash in the audit log; record that it changed.
    const details = {
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.passwordHash !== undefined ? { password: 'changed' } : {}),
      ...(patch.disabledAtMs !== undefined ? { disabled: patch.disabledAtMs !== null } : {}),
    };
    return this.audited({ actor, action: 'user.update', target: `user-id:${id}`, details }, () => {
      const current = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      if (!current) this.notFound('user', id);
      const next = { ...userFromRow(current), ...patch, updatedAtMs: this.nowMs() };
      this.db
        .prepare('UPDATE users SET role = ?, password_hash = ?, disabled_at_ms = ?, updated_at_ms = ? WHERE id = ?')
        .run(next.role, next.passwordHash, next.disabledAtMs, next.updatedAtMs, id);
      if (patch.passwordHash !== undefined || patch.disabledAtMs || patch.role !== undefined) {
        // A changed password, role or a disabled account ends the user's sessions.
        this.db
          .prepare('UPDATE sessions SET revoked_at_ms = ? WHERE user_id = ? AND revoked_at_ms IS NULL')
          .run(next.updatedAtMs, id);
      }
      return next;
    });
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at_ms, id').all() as Row[]).map(tokenFromRow);
  }

  async getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
    return row && tokenFromRow(row);
  }

  async createApiToken(input: NewApiToken, actor: Actor): Promise<ApiTokenRecord> {
    const now = this.nowMs();
    const record: ApiTokenRecord = {
      ...input,
      expiresAtMs: input.expiresAtMs ?? null,
      createdAtMs: now,
      createdBy: actor,
      lastUsedAtMs: null,
      revokedAtMs: null,
    };
    const details = { name: input.name, role: input.role, expiresAtMs: record.expiresAtMs };
    return this.audited({ actor, action: 'token.create', target: `token:${input.id}`, details }, () =>
      this.unique('token', input.id, () => {
        this.db
          .prepare('INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)')
          .run(record.id, record.name, record.role, record.secretHash, now, actor, record.expiresAtMs);
        return record;
      }),
    );
  }

  async revokeApiToken(id: string, actor: Actor): Promise<void> {
    this.audited({ actor, action: 'token.revoke', target: `token:${id}` }, () => {
      const changed = this.db
        .prepare('UPDATE api_tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL')
        .run(this.nowMs(), id).changes;
      if (changed === 0) this.notFound('active token', id);
    });
  }

  async touchApiToken(id: string, atMs: number): Promise<void> {
    this.db.prepare('UPDATE api_tokens SET last_used_at_ms = ? WHERE id = ?').run(atMs, id);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        session.idHash,
        session.userId,
        session.csrfToken,
        session.createdAtMs,
        session.lastSeenAtMs,
        session.expiresAtMs,
        session.revokedAtMs,
      );
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
    return row && sessionFromRow(row);
  }

  async touchSession(idHash: string, atMs: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET last_seen_at_ms = ? WHERE id_hash = ?').run(atMs, idHash);
  }

  async revokeSession(idHash: string): Promise<void> {
    this.db
      .prepare('UPDATE sessions SET revoked_at_ms = ? WHERE id_hash = ? AND revoked_at_ms IS NULL')
      .run(this.nowMs(), idHash);
  }

  // Audit and retention ---------------------------------------------------------------------------

  async appendAudit(entry: NewAudit): Promise<AuditRecord> {
    return this.db.transaction(() => this.appendAuditSync(entry))();
  }

  async listAudit(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return (
      this.db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]
    ).map(auditFromRow);
  }

  async applyRetention(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
    const cutoff = (days: number) => nowMs - days * DAY_MS;
    return this.db.transaction(() => {
      const result: RetentionResult = {
        readings1sDays: this.db
          .prepare("DELETE FROM readings WHERE resolution = '1s' AND bucket_start_ms < ?")
          .run(cutoff(policy.readings1sDays)).changes,
        readings1mDays: this.db
          .prepare("DELETE FROM readings WHERE resolution = '1m' AND bucket_start_ms < ?")
          .run(cutoff(policy.readings1mDays)).changes,
        alertsDays: 0,
        streamStatesDays: this.db
          .prepare('DELETE FROM stream_states WHERE at_ms < ?')
          .run(cutoff(policy.streamStatesDays)).changes,
        sessionsDays: this.db
          .prepare('DELETE FROM sessions WHERE MIN(expires_at_ms, COALESCE(revoked_at_ms, expires_at_ms)) < ?')
          .run(cutoff(policy.sessionsDays)).changes,
      };
      // Only alerts nobody still works on: resolved, or cleared by the engine.
      const oldAlerts = "(status = 'resolved' OR condition = 'cleared') AND updated_at_ms < ?";
      this.db
        .prepare(`DELETE FROM alert_history WHERE alert_id IN (SELECT id FROM alerts WHERE ${oldAlerts})`)
        .run(cutoff(policy.alertsDays));
      result.alertsDays = this.db
        .prepare(`DELETE FROM alerts WHERE ${oldAlerts}`)
        .run(cutoff(policy.alertsDays)).changes;
      const deleted = Object.values(result).reduce((sum, n) => sum + n, 0);
      if (deleted > 0) {
        this.appendAuditSync({ actor: 'system', action: 'retention.prune', target: 'store', details: { ...result } });
      }
      return result;
    })();
  }

  async ping(): Promise<void> {
    try {
      this.db.prepare('SELECT 1').get();
    } catch (error) {
      throw new RaqibError('STORAGE_FAILED', `${this.path}: the database does not answer`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** The database file this store was opened on. */
  get location(): string {
    return this.path;
  }
}

/** A fresh id for users and the like. */
export function newId(): string {
  return randomUUID();
}
