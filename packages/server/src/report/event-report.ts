import type { AlertSeverity, RuleId, ZoneKind } from '@raqib/core';
import type {
  AlertHistoryEntry,
  AlertStatus,
  ReadingResolution,
  StreamState,
  StreamStateChange,
} from '../storage/store-records.js';

/** A value and the time (Unix ms, start of the bucket it was stored in) when it was reached. */
export interface PeakAt {
  value: number;
  atMs: number;
  /** Resolution of the bucket that gave `atMs`: the time is exact to this. */
  resolution: ReadingResolution;
}

/** One point of a zone's timeline: a stored reading bucket. */
export interface TimelinePoint {
  atMs: number;
  countMean: number;
  countMax: number;
  densityPerM2Mean: number | null;
}

/** What the report says about one zone of one stream. */
export interface ZoneReport {
  id: string;
  /** Display name from the stored zones file, else the id. */
  name: string;
  /** From the stored zones file; null when the zone is not in it (anymore), e.g. the implicit frame zone. */
  kind: ZoneKind | null;
  /** `line` for counting lines (in/out totals), `area` otherwise. */
  shape: 'area' | 'line';
  peakCount: PeakAt | null;
  /** Highest zone mean persons per m² of a bucket (null without GSD). */
  peakDensityPerM2: PeakAt | null;
  /** Highest local (hot spot) persons per m² (null without GSD). */
  peakLocalDensityPerM2: PeakAt | null;
  /** Line crossings over the event, each direction; null for area zones. */
  lineTotals: { in: number; out: number } | null;
  timeline: TimelinePoint[];
}

/** How a stream got its video. */
export type StreamSourceKind = 'rtsp' | 'srt' | 'rtmp-pull' | 'http' | 'file' | 'rtmp-push' | 'demo' | 'none';

/** A period a stream was not delivering frames (from its stored supervisor transitions). */
export interface StreamInterruption {
  state: Extract<StreamState, 'stalled' | 'reconnecting' | 'starting'>;
  fromMs: number;
  /** null when the stream was still in that state at the end of the report's range. */
  toMs: number | null;
  reason: string | null;
}

export interface StreamReport {
  id: string;
  name: string;
  sourceKind: StreamSourceKind;
  /** Scheme, host and path of a pull source (no credentials, no query); null otherwise. */
  sourceLocation: string | null;
  /** First and last stored reading bucket of the stream. */
  firstReadingMs: number | null;
  lastReadingMs: number | null;
  /** Whether readings have persons per m² (a ground sampling distance was known), for part or all of the time. */
  gsd: 'all' | 'part' | 'none';
  states: StreamStateChange[];
  interruptions: StreamInterruption[];
  /** Holes in the timeline longer than {@link EventReport.gapThresholdMs} (no reading stored). */
  readingGaps: { fromMs: number; toMs: number }[];
  zones: ZoneReport[];
}

export interface AlertReport {
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
  clearedAtMs: number | null;
  status: AlertStatus;
  assignee: string | null;
  /** Every lifecycle step: raised/escalated/cleared by the engine, operators' actions with who, when and notes. */
  history: AlertHistoryEntry[];
}

/** Everything the post-event report shows, built from the Store by `buildEventReport`. */
export interface EventReport {
  generatedAtMs: number;
  event: { id: string; name: string; startsAtMs: number | null; endsAtMs: number | null };
  /** Time covered by stored readings of the event's streams; null when there is none. */
  range: { fromMs: number; toMs: number } | null;
  /** Resolution of the timelines (1 s for short events when stored, else 1 min). */
  timelineResolution: ReadingResolution;
  /** Smallest hole between stored readings reported as a gap. */
  gapThresholdMs: number;
  /** The density model configured for video streams (its model card), or null when not found. */
  model: { name: string; version: string } | null;
  streams: StreamReport[];
  /** Alerts of the event's streams, oldest first. */
  alerts: AlertReport[];
  /** What the report had to leave out (limits reached), one sentence each, in English. */
  limits: string[];
}
