import type { AlertEvent } from '@raqib/core';
import type { RetentionPolicy, RetentionResult } from './retention-policy.js';
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

/**
 * Everything Raqib keeps: events -> streams -> zones and rules -> readings, alerts and their
 * lifecycle, stream state transitions, users, API tokens, sessions and the audit log.
 *
 * Contract (tested by `describeStoreContract` against every implementation):
 * - Every change made by an actor (create/update/delete, alert actions, user and token changes) is
 *   written together with its audit row, atomically: no change without its audit entry.
 * - Pipeline writes are idempotent: a replayed reading bucket or alert event is stored once.
 * - Missing things throw RaqibError('NOT_FOUND'), conflicting ones RaqibError('CONFLICT').
 */
export interface Store {
  listEvents(): Promise<EventRecord[]>;
  getEvent(id: string): Promise<EventRecord | undefined>;
  createEvent(input: NewEvent, actor: Actor): Promise<EventRecord>;
  updateEvent(id: string, patch: EventPatch, actor: Actor): Promise<EventRecord>;
  /** Refused (CONFLICT) while the event has streams. */
  deleteEvent(id: string, actor: Actor): Promise<void>;

  listStreams(eventId?: string): Promise<StreamRecord[]>;
  getStream(id: string): Promise<StreamRecord | undefined>;
  createStream(input: NewStream, actor: Actor): Promise<StreamRecord>;
  updateStream(id: string, patch: StreamPatch, actor: Actor): Promise<StreamRecord>;
  /** Deletes the stream with its zones, rules and states; its readings and alerts age out by retention. */
  deleteStream(id: string, actor: Actor): Promise<void>;
  /** Sets (or, with null, removes) the SHA-256 of the stream's RTMP publish key; the old key stops working. */
  setStreamPublishKey(id: string, keyHash: string | null, actor: Actor): Promise<void>;
  /** The stream whose publish key hashes to `keyHash`. */
  streamByPublishKey(keyHash: string): Promise<StreamRecord | undefined>;
  /** Records a supervisor transition; false when this exact transition was already stored. */
  recordStreamState(change: StreamStateChange): Promise<boolean>;
  listStreamStates(streamId: string, fromMs: number, toMs: number): Promise<StreamStateChange[]>;

  getZones(streamId: string): Promise<StreamDocument | undefined>;
  setZones(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument>;
  deleteZones(streamId: string, actor: Actor): Promise<void>;
  getRules(streamId: string): Promise<StreamDocument | undefined>;
  setRules(streamId: string, document: unknown, actor: Actor): Promise<StreamDocument>;
  deleteRules(streamId: string, actor: Actor): Promise<void>;

  /**
   * Stores reading buckets. A bucket already stored (same stream, zone, resolution, start) is kept
   * unless the new one aggregates more samples (a bucket re-sent after a restart completes it).
   * @returns how many buckets were inserted or completed
   */
  putReadings(buckets: readonly ReadingBucket[]): Promise<number>;
  listReadings(query: ReadingQuery): Promise<ReadingBucket[]>;

  /**
   * Records an alert engine event at wall time `atMs`: `raised`/`escalated` open the alert, `cleared`
   * closes its condition. Keyed on (alert id, event seq): a replayed event is stored once.
   * @returns false when the event was already stored
   */
  recordAlertEvent(event: AlertEvent, atMs: number): Promise<boolean>;
  getAlert(id: string): Promise<AlertRecord | undefined>;
  listAlerts(query: AlertQuery): Promise<AlertRecord[]>;
  alertHistory(id: string): Promise<AlertHistoryEntry[]>;
  /** An operator's action; CONFLICT on a resolved alert, NOT_FOUND for an unknown one. */
  applyAlertAction(id: string, action: AlertAction, actor: Actor): Promise<AlertRecord>;

  listUsers(): Promise<UserRecord[]>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByName(username: string): Promise<UserRecord | undefined>;
  createUser(input: NewUser, actor: Actor): Promise<UserRecord>;
  updateUser(id: string, patch: UserPatch, actor: Actor): Promise<UserRecord>;

  listApiTokens(): Promise<ApiTokenRecord[]>;
  getApiToken(id: string): Promise<ApiTokenRecord | undefined>;
  createApiToken(input: NewApiToken, actor: Actor): Promise<ApiTokenRecord>;
  revokeApiToken(id: string, actor: Actor): Promise<void>;
  touchApiToken(id: string, atMs: number): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  touchSession(idHash: string, atMs: number): Promise<void>;
  revokeSession(idHash: string): Promise<void>;

  /** Appends to the audit log (for events that change nothing stored, e.g. logins). */
  appendAudit(entry: NewAudit): Promise<AuditRecord>;
  /** Audit rows in order, from `afterSeq` (exclusive). */
  listAudit(afterSeq: number, limit: number): Promise<AuditRecord[]>;

  /** Deletes what is older than the policy allows at `nowMs`; audits what it deleted. */
  applyRetention(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult>;

  /** Resolves when the store answers a trivial query (readiness); rejects with STORAGE_FAILED otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
