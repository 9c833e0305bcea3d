import type { AlertClearReason, AlertEvidence, AlertSeverity, RuleId } from '@raqib/core';

/** Who did something, as written in the audit log and alert history: `user:alice`, `token:ab12cd`, `system`. */
export type Actor = string;

/** Roles, from least to most privileged (see docs/server.md). */
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** An operation (e.g. a match day) that groups the streams flown for it. */
export interface EventRecord {
  id: string;
  name: string;
  startsAtMs: number | null;
  endsAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}
export type NewEvent = Pick<EventRecord, 'id' | 'name'> & Partial<Pick<EventRecord, 'startsAtMs' | 'endsAtMs'>>;
export type EventPatch = Partial<Pick<EventRecord, 'name' | 'startsAtMs' | 'endsAtMs'>>;

/** Supervisor states of a live stream; `idle` = configured, never started. */
export type StreamState = 'idle' | 'starting' | 'live' | 'stalled' | 'reconnecting' | 'ended';
export const STREAM_STATES: readonly StreamState[] = ['idle', 'starting', 'live', 'stalled', 'reconnecting', 'ended'];

/** One drone stream of an event. */
export interface StreamRecord {
  id: string;
  eventId: string;
  name: string;
  /** Where the server pulls the video from (rtsp://, srt://, https://, a file); null for RTMP push. */
  sourceUrl: string | null;
  state: StreamState;
  stateSinceMs: number;
  /** Whether an RTMP publish key is set (the key itself is shown once, when made). */
  hasPublishKey: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}
export type NewStream = Pick<StreamRecord, 'id' | 'eventId' | 'name'> & Partial<Pick<StreamRecord, 'sourceUrl'>>;
export type StreamPatch = Partial<Pick<StreamRecord, 'name' | 'sourceUrl'>>;

export interface StreamStateChange {
  streamId: string;
  state: StreamState;
  atMs: number;
  reason: string | null;
}

/** A stream's zones file (GeoJSON) or rules file, as validated and stored; `document` is plain JSON. */
export interface StreamDocument {
  streamId: string;
  document: unknown;
  updatedAtMs: number;
  updatedBy: Actor;
}

/** The stream id under which an event's fused readings and alerts are stored (serve's EventAggregator). */
export function eventStreamId(eventId: string): string {
  return `event:${eventId}`;
}

/** Time-series resolution of stored readings. */
export type ReadingResolution = '1s' | '1m';
export const RESOLUTION_MS: Record<ReadingResolution, number> = { '1s': 1000, '1m': 60_000 };

/** Zone readings of one stream and zone aggregated over one time bucket. */
export interface ReadingBucket {
  streamId: string;
  zoneId: string;
  resolution: ReadingResolution;
  /** Start of the bucket, Unix ms, a multiple of the resolution. */
  bucketStartMs: number;
  /** Frame readings aggregated into the bucket. */
  samples: number;
  countMean: number;
  countMax: number;
  densityPerM2Mean: number | null;
  peakLocalDensityPerM2Max: number | null;
  /** Line crossings during the bucket, each direction. */
  inCount: number | null;
  outCount: number | null;
  meanSpeedMPerS: number | null;
}

export interface ReadingQuery {
  streamId: string;
  zoneId?: string;
  resolution: ReadingResolution;
  fromMs: number;
  toMs: number;
  limit: number;
}

/** Whether the condition that raised an alert still holds (set by the alert engine). */
export type AlertCondition = 'active' | 'cleared';
/** Where an alert is in the operators' workflow. `open` in queries = anything but `resolved`. */
export type AlertStatus = 'new' | 'acknowledged' | 'assigned' | 'resolved';

/** One alert (one level of a rule's ladder for a zone) and its current state. */
export interface AlertRecord {
  id: string;
  incidentId: string;
  streamId: string;
  zoneId: string;
  rule: RuleId;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  raisedAtMs: number;
  escalatedFromId: string | null;
  condition: AlertCondition;
  clearedAtMs: number | null;
  clearReason: AlertClearReason | null;
  status: AlertStatus;
  assignee: string | null;
  updatedAtMs: number;
  evidence: AlertEvidence;
}

export type AlertHistoryKind = 'raised' | 'escalated' | 'cleared' | 'acknowledged' | 'assigned' | 'resolved' | 'note';

/** One step of an alert's lifecycle, from the alert engine (`actor: system`) or an operator. */
export interface AlertHistoryEntry {
  alertId: string;
  kind: AlertHistoryKind;
  atMs: number;
  actor: Actor;
  note: string | null;
  assignee: string | null;
}

/** What an operator does to an alert. */
export type AlertAction =
  | { kind: 'acknowledge'; note?: string }
  | { kind: 'assign'; assignee: string; note?: string }
  | { kind: 'resolve'; note?: string }
  | { kind: 'note'; note: string };

export interface AlertQuery {
  state: 'open' | 'all';
  streamId?: string;
  limit: number;
}

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  /** Argon2id PHC string. */
  passwordHash: string;
  createdAtMs: number;
  updatedAtMs: number;
  disabledAtMs: number | null;
}
export type NewUser = Pick<UserRecord, 'id' | 'username' | 'role' | 'passwordHash'>;
export type UserPatch = Partial<Pick<UserRecord, 'role' | 'passwordHash' | 'disabledAtMs'>>;

/** An API token; only a hash of its secret is stored. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 (hex) of the token's secret part. */
  secretHash: string;
  createdAtMs: number;
  createdBy: Actor;
  expiresAtMs: number | null;
  lastUsedAtMs: number | null;
  revokedAtMs: number | null;
}
export type NewApiToken = Pick<ApiTokenRecord, 'id' | 'name' | 'role' | 'secretHash'> &
  Partial<Pick<ApiTokenRecord, 'expiresAtMs'>>;

/** A browser session; only a hash of the session id (the cookie value) is stored. */
export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
  revokedAtMs: number | null;
}

/** A row of the append-only, hash-chained audit log. */
export interface AuditRecord {
  seq: number;
  atMs: number;
  actor: Actor;
  action: string;
  target: string;
  /** JSON text, hashed as stored. */
  details: string;
  prevHash: string;
  hash: string;
}
export interface NewAudit {
  actor: Actor;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}
