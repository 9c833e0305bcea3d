import { RaqibError, type AlertEvent } from '@raqib/core';
import { AUDIT_GENESIS_HASH, auditRowHash } from '../../audit/audit-chain.js';
import type { RetentionPolicy, RetentionResult } from '../retention-policy.js';
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
import { applyAlertActionIn, insertAlertEvent } from './postgres-alerts.js';
import { PostgresConnection, type PostgresConnectionOptions, type Row, type Sql } from './postgres-connection.js';
import { migratePostgres } from './postgres-migrations.js';
import { upsertReadings } from './postgres-readings.js';
import { deleteExpired } from './postgres-retention.js';

/**
 * Transaction-scoped advisory lock around every audited change: the audit chain head is read and
 * extended by one writer at a time, across every Raqib node on the database, so the chain never
 * forks (the seq primary key would refuse a fork; the lock avoids the failed transaction).
 */
export const AUDIT_LOCK_KEY = 0x5241_5149_4202;

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Wall clock for created/updated times and audit rows; injectable for tests. */
  nowMs?: () => number;
}

/**
 * The Store on PostgreSQL (15+), for several API nodes and workers sharing one database. Same
 * schema (numbered migrations in PostgreSQL's dialect), same idempotent writes (ON CONFLICT) and
 * the same audit hash chain as SqliteStore; each change and its audit row commit together.
 * Unreachable-server errors are STORAGE_UNAVAILABLE (see `BufferedStore` for pipeline writes).
 */
export class PostgresStore implements Store {
  private constructor(
    private readonly connection: PostgresConnection,
    private readonly nowMs: () => number,
  ) {}

  /** Connects, migrates (refusing a newer schema) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const connection = new PostgresConnection(options);
    try {
      await connection.withClient((client) => migratePostgres(client, connection.label));
    } catch (error) {
      await connection.close();
      throw error;
    }
    return new PostgresStore(connection, options.nowMs ?? Date.now);
  }

  /** `postgres://user@host:port/db`: the database, without its password. */
  get location(): string {
    return this.connection.label;
  }

  private get sql(): Sql {
    return this.connection.sql;
  }

  /** Runs `change` and appends its audit row in one transaction, holding the audit lock throughout. */
  private audited<T>(entry: NewAudit, change: (sql: Sql) => Promise<T>): Promise<T> {
    return this.connection.transaction(async (sql) => {
      await sql('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const result = await change(sql);
      await this.appendAuditIn(sql, entry);
      return result;
    });
  }

  /** Appends an audit row; the caller holds AUDIT_LOCK_KEY in the same transaction. */
  private async appendAuditIn(sql: Sql, entry: NewAudit): Promise<AuditRecord> {
    const last = (await sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows[0] as
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
    await sql(
      'INSERT INTO audit_log (seq, at_ms, actor, action, target, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [row.seq, row.atMs, row.actor, row.action, row.target, row.details, row.prevHash, hash],
    );
    return { ...row, hash };
  }

  private notFound(what: string, id: string): never {
    throw new RaqibError('NOT_FOUND', `${what} '${id}' does not exist`);
  }

  /** Maps a unique violation (SQLSTATE 23505) to CONFLICT with a readable message. */
  private async unique<T>(what: string, id: string, insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new RaqibError('CONFLICT', `${what} '${id}' already exists`, { cause: error });
      }
      throw error;
    }
  }

  private async one(text: string, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.sql(text, params)).rows[0];
  }

  // Events ----------------------------------------------------------------------------------------

  async listEvents(): Promise<EventRecord[]> {
    return (await this.sql('SELECT * FROM events ORDER BY created_at_ms, id COLLATE "C"')).rows.map(eventFromRow);
  }

  async getEvent(id: string): Promise<EventRecord | undefined> {
    const row = await this.one('SELECT * FROM events WHERE id = $1', [id]);
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
    const entry = { actor, action: 'event.create', target: `event:${input.id}`, details: { ...input } };
    return this.audited(entry, (sql) =>
      this.unique('event', input.id, async () => {
        await sql('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)', [
          record.id,
          record.name,
          record.startsAtMs,
          record.endsAtMs,
          now,
          now,
        ]);
        return record;
      }),
    );
  }

  async updateEvent(id: string, patch: EventPatch, actor: Actor): Promise<EventRecord> {
    return this.audited(
      { actor, action: 'event.update', target: `event:${id}`, details: { ...patch } },
      async (sql) => {
        const current = (await sql('SELECT * FROM events WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!current) this.notFound('event', id);
        const next = { ...eventFromRow(current), ...patch, updatedAtMs: this.nowMs() };
        await sql('UPDATE events SET name = $1, starts_at_ms = $2, ends_at_ms = $3, updated_at_ms = $4 WHERE id = $5', [
          next.name,
          next.startsAtMs,
          next.endsAtMs,
          next.updatedAtMs,
          id,
        ]);
        return next;
      },
    );
  }

  async deleteEvent(id: string, actor: Actor): Promise<void> {
    await this.audited({ actor, action: 'event.delete', target: `event:${id}` }, async (sql) => {
      const streams = (await sql('SELECT COUNT(*)::int AS n FROM streams WHERE event_id = $1', [id])).rows[0]!
        .n as number;
      if (streams > 0) {
        throw new RaqibError('CONFLICT', `event '${id}' still has ${streams} stream(s); delete them first`);
      }
      if ((await sql('DELETE FROM events WHERE id = $1', [id])).rowCount === 0) this.notFound('event', id);
    });
  }

  // Streams ---------------------------------------------------------------------------------------

  async listStreams(eventId?: string): Promise<StreamRecord[]> {
    const result =
      eventId === undefined
        ? await this.sql('SELECT * FROM streams ORDER BY created_at_ms, id COLLATE "C"')
        : await this.sql('SELECT * FROM streams WHERE event_id = $1 ORDER BY created_at_ms, id COLLATE "C"', [eventId]);
    return result.rows.map(streamFromRow);
  }

  async getStream(id: string): Promise<StreamRecord | undefined> {
    const row = await this.one('SELECT * FROM streams WHERE id = $1', [id]);
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
    const entry = { actor, action: 'stream.create', target: `stream:${input.id}`, details: { ...input } };
    return this.audited(entry, async (sql) => {
      // FOR SHARE: the event cannot be deleted by another node before this stream is in.
      if ((await sql('SELECT 1 FROM events WHERE id = $1 FOR SHARE', [input.eventId])).rowCount === 0) {
        this.notFound('event', input.eventId);
      }
      return this.unique('stream', input.id, async () => {
        await sql(
          `INSERT INTO streams (id, event_id, name, source_url, state, state_since_ms, created_at_ms, updated_at_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [record.id, record.eventId, record.name, record.sourceUrl, record.state, now, now, now],
        );
        return record;
      });
    });
  }

  async updateStream(id: string, patch: StreamPatch, actor: Actor): Promise<StreamRecord> {
    const entry = { actor, action: 'stream.update', target: `stream:${id}`, details: { ...patch } };
    return this.audited(entry, async (sql) => {
      const current = (await sql('SELECT * FROM streams WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!current) this.notFound('stream', id);
      const next = { ...streamFromRow(current), ...patch, updatedAtMs: this.nowMs() };
      await sql('UPDATE streams SET name = $1, source_url = $2, updated_at_ms = $3 WHERE id = $4', [
        next.name,
        next.sourceUrl,
        next.updatedAtMs,
        id,
      ]);
      return next;
    });
  }

  async deleteStream(id: string, actor: Actor): Promise<void> {
    await this.audited({ actor, action: 'stream.delete', target: `stream:${id}` }, async (sql) => {
      if ((await sql('DELETE FROM streams WHERE id = $1', [id])).rowCount === 0) this.notFound('stream', id);
      await sql('DELETE FROM stream_states WHERE stream_id = $1', [id]);
    });
  }

  async setStreamPublishKey(id: string, keyHash: string | null, actor: Actor): Promise<void> {
    const action = keyHash === null ? 'stream.key.remove' : 'stream.key.rotate';
    await this.audited({ actor, action, target: `stream:${id}` }, async (sql) => {
      const changed = await this.unique(
        'publish key of stream',
        id,
        async () =>
          (
            await sql('UPDATE streams SET publish_key_hash = $1, updated_at_ms = $2 WHERE id = $3', [
              keyHash,
              this.nowMs(),
              id,
            ])
          ).rowCount,
      );
      if (changed === 0) this.notFound('stream', id);
    });
  }

  async streamByPublishKey(keyHash: string): Promise<StreamRecord | undefined> {
    const row = await this.one('SELECT * FROM streams WHERE publish_key_hash = $1', [keyHash]);
    return row && streamFromRow(row);
  }

  async recordStreamState(change: StreamStateChange): Promise<boolean> {
    return this.connection.transaction(async (sql) => {
      if ((await sql('SELECT 1 FROM streams WHERE id = $1', [change.streamId])).rowCount === 0) {
        this.notFound('stream', change.streamId);
      }
      const inserted = (
        await sql(
          `INSERT INTO stream_states (stream_id, state, at_ms, reason) VALUES ($1, $2, $3, $4)
           ON CONFLICT (stream_id, at_ms, state) DO NOTHING`,
          [change.streamId, change.state, change.atMs, change.reason],
        )
      ).rowCount;
      if (inserted === 0) return false;
      // A late (replayed) older transition is kept in the history but does not overwrite the current state.
      await sql('UPDATE streams SET state = $1, state_since_ms = $2 WHERE id = $3 AND state_since_ms <= $2', [
        change.state,
        change.atMs,
        change.streamId,
      ]);
      return true;
    });
  }

  async listStreamStates(streamId: string, fromMs: number, toMs: number): Promise<StreamStateChange[]> {
    const { rows } = await this.sql(
      'SELECT * FROM stream_states WHERE stream_id = $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY at_ms, id',
      [streamId, fromMs, toMs],
    );
    return rows.map((row) => ({
      streamId: row.stream_id as string,
      state: row.state as StreamStateChange['state'],
      atMs: row.at_ms as number,
      reason: (row.reason as string | null) ?? null,
    }));
  }

  // Zones and rules -------------------------------------------------------------------------------

  private async getDocument(streamId: string, kind: 'zones' | 'rules'): Promise<StreamDocument | undefined> {
    const row = await this.one('SELECT * FROM stream_documents WHERE stream_id = $1 AND kind = $2', [streamId, kind]);
    if (!row) return undefined;
    return {
      streamId,
      document: JSON.parse(row.document as string) as unknown,
      updatedAtMs: row.updated_at_ms as number,
      updatedBy: row.updated_by as string,
    };
  }

  private setDocument(streamId: string, kind: 'zones' | 'rules', document: unknown, actor: Actor) {
    const text = JSON.stringify(document);
    const entry = { actor, action: `${kind}.set`, target: `stream:${streamId}`, details: { bytes: text.length } };
    return this.audited(entry, async (sql): Promise<StreamDocument> => {
      if ((await sql('SELECT 1 FROM streams WHERE id = $1 FOR SHARE', [streamId])).rowCount === 0) {
        this.notFound('stream', streamId);
      }
      const now = this.nowMs();
      await sql(
        `INSERT INTO stream_documents VALUES ($1, $2, $3, $4, $5) ON CONFLICT (stream_id, kind)
         DO UPDATE SET document = excluded.document, updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by`,
        [streamId, kind, text, now, actor],
      );
      return { streamId, document: JSON.parse(text) as unknown, updatedAtMs: now, updatedBy: actor };
    });
  }

  private async deleteDocument(streamId: string, kind: 'zones' | 'rules', actor: Actor): Promise<void> {
    await this.audited({ actor, action: `${kind}.delete`, target: `stream:${streamId}` }, async (sql) => {
      const deleted = (await sql('DELETE FROM stream_documents WHERE stream_id = $1 AND kind = $2', [streamId, kind]))
        .rowCount;
      if (deleted === 0) this.notFound(`${kind} of stream`, streamId);
    });
  }

  getZones(streamId: string): Promise<StreamDocument | undefined> {
    return this.getDocument(streamId, 'zones');
  }
  setZones(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.setDocument(streamId, 'zones', document, actor);
  }
  deleteZones(streamId: string, actor: Actor): Promise<void> {
    return this.deleteDocument(streamId, 'zones', actor);
  }
  getRules(streamId: string): Promise<StreamDocument | undefined> {
    return this.getDocument(streamId, 'rules');
  }
  setRules(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.setDocument(streamId, 'rules', document, actor);
  }
  deleteRules(streamId: string, actor: Actor): Promise<void> {
    return this.deleteDocument(streamId, 'rules', actor);
  }

  // Readings --------------------------------------------------------------------------------------

  async putReadings(buckets: readonly ReadingBucket[]): Promise<number> {
    if (buckets.length === 0) return 0;
    return this.connection.transaction((sql) => upsertReadings(sql, buckets));
  }

  async listReadings(query: ReadingQuery): Promise<ReadingBucket[]> {
    const params: unknown[] = [query.streamId, query.resolution, query.fromMs, query.toMs, query.limit];
    const zoneClause = query.zoneId === undefined ? '' : ' AND zone_id = $6';
    if (query.zoneId !== undefined) params.push(query.zoneId);
    const { rows } = await this.sql(
      `SELECT * FROM readings WHERE stream_id = $1 AND resolution = $2
       AND bucket_start_ms >= $3 AND bucket_start_ms < $4${zoneClause}
       ORDER BY bucket_start_ms, zone_id COLLATE "C" LIMIT $5`,
      params,
    );
    return rows.map(readingFromRow);
  }

  // Alerts ----------------------------------------------------------------------------------------

  async recordAlertEvent(event: AlertEvent, atMs: number): Promise<boolean> {
    return this.connection.transaction((sql) => insertAlertEvent(sql, event, atMs));
  }

  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const row = await this.one('SELECT * FROM alerts WHERE id = $1', [id]);
    return row && alertFromRow(row);
  }

  async listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [query.limit];
    if (query.state === 'open') where.push("status <> 'resolved'");
    if (query.streamId !== undefined) {
      params.push(query.streamId);
      where.push('stream_id = $2');
    }
    const { rows } = await this.sql(
      `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY raised_at_ms DESC, id COLLATE "C" LIMIT $1`,
      params,
    );
    return rows.map(alertFromRow);
  }

  async alertHistory(id: string): Promise<AlertHistoryEntry[]> {
    const { rows } = await this.sql('SELECT * FROM alert_history WHERE alert_id = $1 ORDER BY at_ms, id', [id]);
    return rows.map(historyFromRow);
  }

  async applyAlertAction(id: string, action: AlertAction, actor: Actor): Promise<AlertRecord> {
    const details: Record<string, unknown> = { ...action };
    return this.audited({ actor, action: `alert.${action.kind}`, target: `alert:${id}`, details }, (sql) =>
      applyAlertActionIn(sql, id, action, actor, this.nowMs),
    );
  }

  // Users, tokens, sessions -----------------------------------------------------------------------

  async listUsers(): Promise<UserRecord[]> {
    const { rows } = await this.sql('SELECT * FROM users ORDER BY lower(username COLLATE "C"), username COLLATE "C"');
    return rows.map(userFromRow);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.one('SELECT * FROM users WHERE id = $1', [id]);
    return row && userFromRow(row);
  }

  async getUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.one('SELECT * FROM users WHERE lower(username COLLATE "C") = lower($1 COLLATE "C")', [
      username,
    ]);
    return row && userFromRow(row);
  }

  async createUser(input: NewUser, actor: Actor): Promise<UserRecord> {
    const now = this.nowMs();
    const record: UserRecord = { ...input, createdAtMs: now, updatedAtMs: now, disabledAtMs: null };
    const details = { username: input.username, role: input.role };
    return this.audited({ actor, action: 'user.create', target: `user:${input.username}`, details }, (sql) =>
      this.unique('user', input.username, async () => {
        await sql('INSERT INTO users VALUES ($1, $2, $3, $4, $5, $6, NULL)', [
          record.id,
          record.username,
          record.role,
          record.passwordHash,
          now,
          now,
        ]);
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
    return this.audited({ actor, action: 'user.update', target: `user-id:${id}`, details }, async (sql) => {
      const current = (await sql('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!current) this.notFound('user', id);
      const next = { ...userFromRow(current), ...patch, updatedAtMs: this.nowMs() };
      await sql(
        'UPDATE users SET role = $1, password_hash = $2, disabled_at_ms = $3, updated_at_ms = $4 WHERE id = $5',
        [next.role, next.passwordHash, next.disabledAtMs, next.updatedAtMs, id],
      );
      if (patch.passwordHash !== undefined || patch.disabledAtMs || patch.role !== undefined) {
        // A changed password, role or a disabled account ends the user's sessions.
        await sql('UPDATE sessions SET revoked_at_ms = $1 WHERE user_id = $2 AND revoked_at_ms IS NULL', [
          next.updatedAtMs,
          id,
        ]);
      }
      return next;
    });
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    return (await this.sql('SELECT * FROM api_tokens ORDER BY created_at_ms, id COLLATE "C"')).rows.map(tokenFromRow);
  }

  async getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.one('SELECT * FROM api_tokens WHERE id = $1', [id]);
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
    return this.audited({ actor, action: 'token.create', target: `token:${input.id}`, details }, (sql) =>
      this.unique('token', input.id, async () => {
        await sql('INSERT INTO api_tokens VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)', [
          record.id,
          record.name,
          record.role,
          record.secretHash,
          now,
          actor,
          record.expiresAtMs,
        ]);
        return record;
      }),
    );
  }

  async revokeApiToken(id: string, actor: Actor): Promise<void> {
    await this.audited({ actor, action: 'token.revoke', target: `token:${id}` }, async (sql) => {
      const changed = (
        await sql('UPDATE api_tokens SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL', [
          this.nowMs(),
          id,
        ])
      ).rowCount;
      if (changed === 0) this.notFound('active token', id);
    });
  }

  async touchApiToken(id: string, atMs: number): Promise<void> {
    await this.sql('UPDATE api_tokens SET last_used_at_ms = $1 WHERE id = $2', [atMs, id]);
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.sql('INSERT INTO sessions VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      session.idHash,
      session.userId,
      session.csrfToken,
      session.createdAtMs,
      session.lastSeenAtMs,
      session.expiresAtMs,
      session.revokedAtMs,
    ]);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.one('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return row && sessionFromRow(row);
  }

  async touchSession(idHash: string, atMs: number): Promise<void> {
    await this.sql('UPDATE sessions SET last_seen_at_ms = $1 WHERE id_hash = $2', [atMs, idHash]);
  }

  async revokeSession(idHash: string): Promise<void> {
    await this.sql('UPDATE sessions SET revoked_at_ms = $1 WHERE id_hash = $2 AND revoked_at_ms IS NULL', [
      this.nowMs(),
      idHash,
    ]);
  }

  // Audit and retention ---------------------------------------------------------------------------

  async appendAudit(entry: NewAudit): Promise<AuditRecord> {
    return this.connection.transaction(async (sql) => {
      await sql('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      return this.appendAuditIn(sql, entry);
    });
  }

  async listAudit(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const { rows } = await this.sql('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map(auditFromRow);
  }

  async applyRetention(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
    return this.connection.transaction(async (sql) => {
      // The audit lock first (as every audited change takes it first): no lock-order deadlock.
      await sql('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const result = await deleteExpired(sql, policy, nowMs);
      if (Object.values(result).some((n) => n > 0)) {
        await this.appendAuditIn(sql, {
          actor: 'system',
          action: 'retention.prune',
          target: 'store',
          details: { ...result },
        });
      }
      return result;
    });
  }

  async ping(): Promise<void> {
    try {
      await this.sql('SELECT 1');
    } catch (error) {
      throw new RaqibError('STORAGE_FAILED', `${this.location}: the database does not answer`, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
