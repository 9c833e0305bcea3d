import type { AlertClearReason, AlertEvidence, AlertSeverity, RuleId } from '@raqib/core';
import type {
  AlertCondition,
  AlertHistoryEntry,
  AlertHistoryKind,
  AlertRecord,
  AlertStatus,
  ApiTokenRecord,
  AuditRecord,
  EventRecord,
  ReadingBucket,
  ReadingResolution,
  Role,
  SessionRecord,
  StreamRecord,
  StreamState,
  UserRecord,
} from './store-records.js';

/** Row shapes of the SQL tables (snake_case columns, the same in SQLite and PostgreSQL) mapped to the store records. */
type Row = Record<string, unknown>;

const num = (value: unknown): number => value as number;
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : (value as number));
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : (value as string));

export function eventFromRow(row: Row): EventRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    startsAtMs: numOrNull(row.starts_at_ms),
    endsAtMs: numOrNull(row.ends_at_ms),
    createdAtMs: num(row.created_at_ms),
    updatedAtMs: num(row.updated_at_ms),
  };
}

export function streamFromRow(row: Row): StreamRecord {
  return {
    id: row.id as string,
    eventId: row.event_id as string,
    name: row.name as string,
    sourceUrl: strOrNull(row.source_url),
    state: row.state as StreamState,
    stateSinceMs: num(row.state_since_ms),
    hasPublishKey: row.publish_key_hash !== null && row.publish_key_hash !== undefined,
    createdAtMs: num(row.created_at_ms),
    updatedAtMs: num(row.updated_at_ms),
  };
}

export function readingFromRow(row: Row): ReadingBucket {
  return {
    streamId: row.stream_id as string,
    zoneId: row.zone_id as string,
    resolution: row.resolution as ReadingResolution,
    bucketStartMs: num(row.bucket_start_ms),
    samples: num(row.samples),
    countMean: num(row.count_mean),
    countMax: num(row.count_max),
    densityPerM2Mean: numOrNull(row.density_per_m2_mean),
    peakLocalDensityPerM2Max: numOrNull(row.peak_local_density_per_m2_max),
    inCount: numOrNull(row.in_count),
    outCount: numOrNull(row.out_count),
    meanSpeedMPerS: numOrNull(row.mean_speed_m_per_s),
  };
}

export function alertFromRow(row: Row): AlertRecord {
  return {
    id: row.id as string,
    incidentId: row.incident_id as string,
    streamId: row.stream_id as string,
    zoneId: row.zone_id as string,
    rule: row.rule as RuleId,
    severity: row.severity as AlertSeverity,
    value: num(row.value),
    threshold: num(row.threshold),
    raisedAtMs: num(row.raised_at_ms),
    escalatedFromId: strOrNull(row.escalated_from_id),
    condition: row.condition as AlertCondition,
    clearedAtMs: numOrNull(row.cleared_at_ms),
    clearReason: strOrNull(row.clear_reason) as AlertClearReason | null,
    status: row.status as AlertStatus,
    assignee: strOrNull(row.assignee),
    updatedAtMs: num(row.updated_at_ms),
    evidence: JSON.parse(row.evidence as string) as AlertEvidence,
  };
}

export function historyFromRow(row: Row): AlertHistoryEntry {
  return {
    alertId: row.alert_id as string,
    kind: row.kind as AlertHistoryKind,
    atMs: num(row.at_ms),
    actor: row.actor as string,
    note: strOrNull(row.note),
    assignee: strOrNull(row.assignee),
  };
}

export function userFromRow(row: Row): UserRecord {
  return {
    id: row.id as string,
    username: row.username as string,
    role: row.role as Role,
    passwordHash: row.password_hash as string,
    createdAtMs: num(row.created_at_ms),
    updatedAtMs: num(row.updated_at_ms),
    disabledAtMs: numOrNull(row.disabled_at_ms),
  };
}

export function tokenFromRow(row: Row): ApiTokenRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    role: row.role as Role,
    secretHash: row.secret_hash as string,
    createdAtMs: num(row.created_at_ms),
    createdBy: row.created_by as string,
    expiresAtMs: numOrNull(row.expires_at_ms),
    lastUsedAtMs: numOrNull(row.last_used_at_ms),
    revokedAtMs: numOrNull(row.revoked_at_ms),
  };
}

export function sessionFromRow(row: Row): SessionRecord {
  return {
    idHash: row.id_hash as string,
    userId: row.user_id as string,
    csrfToken: row.csrf_token as string,
    createdAtMs: num(row.created_at_ms),
    lastSeenAtMs: num(row.last_seen_at_ms),
    expiresAtMs: num(row.expires_at_ms),
    revokedAtMs: numOrNull(row.revoked_at_ms),
  };
}

export function auditFromRow(row: Row): AuditRecord {
  return {
    seq: num(row.seq),
    atMs: num(row.at_ms),
    actor: row.actor as string,
    action: row.action as string,
    target: row.target as string,
    details: row.details as string,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}
