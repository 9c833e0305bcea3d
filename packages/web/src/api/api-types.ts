/** Shapes of the `/api/v1` responses the dashboard reads (see docs/openapi.json). */

import type { StreamState } from '@raqib/core';

export type { StreamState };
export type Role = 'viewer' | 'operator' | 'admin';
export type Severity = 'info' | 'warning' | 'danger' | 'critical';
export type AlertStatus = 'new' | 'acknowledged' | 'assigned' | 'resolved';

export interface Principal {
  actor: string;
  role: Role;
  via: 'session' | 'token';
}

export interface LoginResult extends Principal {
  csrfToken: string;
  expiresAtMs: number;
}

export interface EventRecord {
  id: string;
  name: string;
}

export interface StreamRecord {
  id: string;
  eventId: string;
  name: string;
  state: StreamState | null;
  fps: number | null;
  lastFrameAt: string | null;
}

export interface AlertRecord {
  id: string;
  incidentId: string;
  streamId: string;
  zoneId: string;
  rule: string;
  severity: Severity;
  value: number;
  threshold: number;
  raisedAtMs: number;
  escalatedFromId: string | null;
  condition: 'active' | 'cleared';
  clearedAtMs: number | null;
  status: AlertStatus;
  assignee: string | null;
  updatedAtMs: number;
  evidence: { unit?: string } & Record<string, unknown>;
}

export interface AlertHistoryEntry {
  kind: 'raised' | 'escalated' | 'cleared' | 'acknowledged' | 'assigned' | 'resolved' | 'note';
  atMs: number;
  actor: string;
  note: string | null;
  assignee: string | null;
}

export interface AlertWithHistory extends AlertRecord {
  history: AlertHistoryEntry[];
}

export interface ReadingBucket {
  zoneId: string;
  bucketStartMs: number;
  countMean: number;
  countMax: number;
  densityPerM2Mean: number | null;
  inCount: number | null;
  outCount: number | null;
}

export interface ReadingsResponse {
  streamId: string;
  fromMs: number;
  toMs: number;
  buckets: ReadingBucket[];
}

/** A zones document as stored (GeoJSON FeatureCollection, image space relative 0-1 or pixels). */
export interface ZonesDocument {
  document: {
    type?: string;
    features?: {
      id?: string | number;
      properties?: Record<string, unknown> | null;
      geometry: { type: string; coordinates: unknown } | null;
    }[];
    [key: string]: unknown;
  };
}
