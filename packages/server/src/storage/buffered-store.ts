import type { Logger } from 'pino';
import { isRaqibError, type AlertEvent } from '@raqib/core';
import type { RetentionPolicy, RetentionResult } from './retention-policy.js';
import type { Store } from './store.js';
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
} from './store-records.js';

export interface BufferedStoreOptions {
  /** Reading buckets held while the database is unreachable; beyond it the oldest are dropped. Default 200 000. */
  maxBufferedReadings?: number;
  /** First wait before retrying the oldest buffered write; doubles up to `retryMaxMs`. Default 250. */
  retryMinMs?: number;
  /** Longest wait between retries. Default 5000. */
  retryMaxMs?: number;
  /** How long `close()` waits for buffered writes to reach the database. Default 10 000. */
  closeWaitMs?: number;
  /** Whether an error means "unreachable now, retry" (default: RaqibError STORAGE_UNAVAILABLE). */
  isTransient?: (error: unknown) => boolean;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  nowMs?: () => number;
}

type PendingWrite =
  | { kind: 'readings'; buckets: readonly ReadingBucket[] }
  | { kind: 'alert'; event: AlertEvent; atMs: number }
  | { kind: 'state'; change: StreamStateChange };

/** What is waiting for the database, by kind. */
export interface BufferedCounts {
  readings: number;
  alerts: number;
  states: number;
}

/**
 * A Store whose pipeline writes (reading buckets, alert engine events, stream state transitions)
 * survive the database being unreachable: a write that fails as transient is kept in memory, in
 * order, and retried with backoff until the database answers again; later pipeline writes queue
 * behind it without waiting, so live analysis and the WebSocket never stall on the database.
 * Those writes are idempotent (keyed on stream/zone/bucket and alert id + event), so a retried
 * write that had in fact committed is stored once. Everything else (reads, operators' changes,
 * logins) passes straight through and fails fast (STORAGE_UNAVAILABLE, 503), as does readiness.
 *
 * A buffered write resolves as "stored new" (`true`, the number of buckets): it will be, once the
 * database is back. Memory bound: alerts and transitions are never dropped; past
 * `maxBufferedReadings` buckets the oldest reading batches go first (warned once per outage).
 */
export class BufferedStore implements Store {
  private readonly queue: PendingWrite[] = [];
  private bufferedReadings = 0;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private outageSinceMs: number | undefined;
  private droppedReadings = 0;
  private wake: (() => void) | undefined;
  private readonly options: Required<Omit<BufferedStoreOptions, 'log'>> & Pick<BufferedStoreOptions, 'log'>;

  constructor(
    readonly inner: Store,
    options: BufferedStoreOptions = {},
  ) {
    this.options = {
      maxBufferedReadings: options.maxBufferedReadings ?? 200_000,
      retryMinMs: options.retryMinMs ?? 250,
      retryMaxMs: options.retryMaxMs ?? 5000,
      closeWaitMs: options.closeWaitMs ?? 10_000,
      isTransient: options.isTransient ?? ((error) => isRaqibError(error, 'STORAGE_UNAVAILABLE')),
      nowMs: options.nowMs ?? Date.now,
      log: options.log,
    };
  }

  /** Writes waiting for the database (zero while it answers). */
  buffered(): BufferedCounts {
    const counts: BufferedCounts = { readings: 0, alerts: 0, states: 0 };
    for (const write of this.queue) {
      if (write.kind === 'readings') counts.readings += write.buckets.length;
      else if (write.kind === 'alert') counts.alerts += 1;
      else counts.states += 1;
    }
    return counts;
  }

  // Pipeline writes: buffered while the database is unreachable -----------------------------------

  async putReadings(buckets: readonly ReadingBucket[]): Promise<number> {
    if (buckets.length === 0) return 0;
    return this.write({ kind: 'readings', buckets }, () => this.inner.putReadings(buckets), buckets.length);
  }

  async recordAlertEvent(event: AlertEvent, atMs: number): Promise<boolean> {
    return this.write({ kind: 'alert', event, atMs }, () => this.inner.recordAlertEvent(event, atMs), true);
  }

  async recordStreamState(change: StreamStateChange): Promise<boolean> {
    return this.write({ kind: 'state', change }, () => this.inner.recordStreamState(change), true);
  }

  private async write<T>(pending: PendingWrite, attempt: () => Promise<T>, asBuffered: T): Promise<T> {
    // Behind buffered writes: queue without trying, so the order is kept and nothing waits.
    if (this.queue.length === 0 && !this.stopped) {
      try {
        return await attempt();
      } catch (error) {
        if (!this.options.isTransient(error)) throw error;
        this.noteOutage(error);
      }
    }
    this.enqueue(pending);
    return asBuffered;
  }

  private noteOutage(error: unknown): void {
    if (this.outageSinceMs !== undefined) return;
    this.outageSinceMs = this.options.nowMs();
    this.droppedReadings = 0;
    this.options.log?.warn(
      { err: { message: (error as Error).message } },
      'database unreachable: pipeline writes are buffered and retried until it answers',
    );
  }

  private enqueue(pending: PendingWrite): void {
    this.queue.push(pending);
    if (pending.kind === 'readings') {
      this.bufferedReadings += pending.buckets.length;
      this.trimReadings();
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Drops the oldest reading batches past the bound (not the one in flight); alerts and transitions are kept. */
  private trimReadings(): void {
    while (this.bufferedReadings > this.options.maxBufferedReadings) {
      const index = this.queue.findIndex((write, i) => i > 0 && write.kind === 'readings');
      if (index < 0) return;
      const [dropped] = this.queue.splice(index, 1);
      const count = dropped?.kind === 'readings' ? dropped.buckets.length : 0;
      this.bufferedReadings -= count;
      if (this.droppedReadings === 0) {
        this.options.log?.error(
          { maxBufferedReadings: this.options.maxBufferedReadings },
          'database unreachable for long: dropping the oldest buffered reading buckets (alerts are kept)',
        );
      }
      this.droppedReadings += count;
    }
  }

  private async apply(write: PendingWrite): Promise<void> {
    if (write.kind === 'readings') await this.inner.putReadings(write.buckets);
    else if (write.kind === 'alert') await this.inner.recordAlertEvent(write.event, write.atMs);
    else await this.inner.recordStreamState(write.change);
  }

  /** Retries the oldest write until it lands, then the next; one loop at a time. */
  private async drain(): Promise<void> {
    let waitMs = this.options.retryMinMs;
    let stored = 0;
    while (this.queue.length > 0 && !this.stopped) {
      const head = this.queue[0]!;
      try {
        await this.apply(head);
      } catch (error) {
        if (this.options.isTransient(error)) {
          await this.sleep(waitMs);
          waitMs = Math.min(waitMs * 2, this.options.retryMaxMs);
          continue;
        }
        // Not an outage (e.g. the stream was deleted meanwhile): this write can never land.
        this.options.log?.error({ err: error, write: head.kind }, 'buffered write refused by the database; dropped');
      }
      this.queue.shift();
      if (head.kind === 'readings') this.bufferedReadings -= head.buckets.length;
      stored += 1;
      waitMs = this.options.retryMinMs;
    }
    if (this.queue.length === 0 && this.outageSinceMs !== undefined) {
      this.options.log?.info(
        {
          outageMs: this.options.nowMs() - this.outageSinceMs,
          writes: stored,
          droppedReadings: this.droppedReadings,
        },
        'database answers again: buffered pipeline writes stored',
      );
      this.outageSinceMs = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Waits (up to `closeWaitMs`) for buffered writes, reports what could not be stored, closes the database. */
  async close(): Promise<void> {
    if (this.draining) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, this.options.closeWaitMs, 'timeout');
      });
      const outcome = await Promise.race([this.draining.then(() => 'drained' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.options.log?.error(
          { lost: this.buffered() },
          'database still unreachable at shutdown: buffered pipeline writes are lost',
        );
      }
    }
    this.stopped = true;
    this.wake?.();
    await this.draining;
    await this.inner.close();
  }

  // Everything else passes through ---------------------------------------------------------------

  listEvents(): Promise<EventRecord[]> {
    return this.inner.listEvents();
  }
  getEvent(id: string): Promise<EventRecord | undefined> {
    return this.inner.getEvent(id);
  }
  createEvent(input: NewEvent, actor: Actor): Promise<EventRecord> {
    return this.inner.createEvent(input, actor);
  }
  updateEvent(id: string, patch: EventPatch, actor: Actor): Promise<EventRecord> {
    return this.inner.updateEvent(id, patch, actor);
  }
  deleteEvent(id: string, actor: Actor): Promise<void> {
    return this.inner.deleteEvent(id, actor);
  }
  listStreams(eventId?: string): Promise<StreamRecord[]> {
    return this.inner.listStreams(eventId);
  }
  getStream(id: string): Promise<StreamRecord | undefined> {
    return this.inner.getStream(id);
  }
  createStream(input: NewStream, actor: Actor): Promise<StreamRecord> {
    return this.inner.createStream(input, actor);
  }
  updateStream(id: string, patch: StreamPatch, actor: Actor): Promise<StreamRecord> {
    return this.inner.updateStream(id, patch, actor);
  }
  deleteStream(id: string, actor: Actor): Promise<void> {
    return this.inner.deleteStream(id, actor);
  }
  setStreamPublishKey(id: string, keyHash: string | null, actor: Actor): Promise<void> {
    return this.inner.setStreamPublishKey(id, keyHash, actor);
  }
  streamByPublishKey(keyHash: string): Promise<StreamRecord | undefined> {
    return this.inner.streamByPublishKey(keyHash);
  }
  listStreamStates(streamId: string, fromMs: number, toMs: number): Promise<StreamStateChange[]> {
    return this.inner.listStreamStates(streamId, fromMs, toMs);
  }
  getZones(streamId: string): Promise<StreamDocument | undefined> {
    return this.inner.getZones(streamId);
  }
  setZones(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.inner.setZones(streamId, document, actor);
  }
  deleteZones(streamId: string, actor: Actor): Promise<void> {
    return this.inner.deleteZones(streamId, actor);
  }
  getRules(streamId: string): Promise<StreamDocument | undefined> {
    return this.inner.getRules(streamId);
  }
  setRules(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument> {
    return this.inner.setRules(streamId, document, actor);
  }
  deleteRules(streamId: string, actor: Actor): Promise<void> {
    return this.inner.deleteRules(streamId, actor);
  }
  listReadings(query: ReadingQuery): Promise<ReadingBucket[]> {
    return this.inner.listReadings(query);
  }
  getAlert(id: string): Promise<AlertRecord | undefined> {
    return this.inner.getAlert(id);
  }
  listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    return this.inner.listAlerts(query);
  }
  alertHistory(id: string): Promise<AlertHistoryEntry[]> {
    return this.inner.alertHistory(id);
  }
  applyAlertAction(id: string, action: AlertAction, actor: Actor): Promise<AlertRecord> {
    return this.inner.applyAlertAction(id, action, actor);
  }
  listUsers(): Promise<UserRecord[]> {
    return this.inner.listUsers();
  }
  getUser(id: string): Promise<UserRecord | undefined> {
    return this.inner.getUser(id);
  }
  getUserByName(username: string): Promise<UserRecord | undefined> {
    return this.inner.getUserByName(username);
  }
  createUser(input: NewUser, actor: Actor): Promise<UserRecord> {
    return this.inner.createUser(input, actor);
  }
  updateUser(id: string, patch: UserPatch, actor: Actor): Promise<UserRecord> {
    return this.inner.updateUser(id, patch, actor);
  }
  listApiTokens(): Promise<ApiTokenRecord[]> {
    return this.inner.listApiTokens();
  }
  getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    return this.inner.getApiToken(id);
  }
  createApiToken(input: NewApiToken, actor: Actor): Promise<ApiTokenRecord> {
    return this.inner.createApiToken(input, actor);
  }
  revokeApiToken(id: string, actor: Actor): Promise<void> {
    return this.inner.revokeApiToken(id, actor);
  }
  touchApiToken(id: string, atMs: number): Promise<void> {
    return this.inner.touchApiToken(id, atMs);
  }
  createSession(session: SessionRecord): Promise<void> {
    return this.inner.createSession(session);
  }
  getSession(idHash: string): Promise<SessionRecord | undefined> {
    return this.inner.getSession(idHash);
  }
  touchSession(idHash: string, atMs: number): Promise<void> {
    return this.inner.touchSession(idHash, atMs);
  }
  revokeSession(idHash: string): Promise<void> {
    return this.inner.revokeSession(idHash);
  }
  appendAudit(entry: NewAudit): Promise<AuditRecord> {
    return this.inner.appendAudit(entry);
  }
  listAudit(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.inner.listAudit(afterSeq, limit);
  }
  applyRetention(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
    return this.inner.applyRetention(policy, nowMs);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
}
