import { isLineZone, parseZones, RaqibError, type Zone } from '@raqib/core';
import { DEMO_STREAM_ID } from '../serve/demo-crowd.js';
import type { Store } from '../storage/store.js';
import {
  RESOLUTION_MS,
  type ReadingBucket,
  type ReadingResolution,
  type StreamRecord,
  type StreamStateChange,
} from '../storage/store-records.js';
import type {
  AlertReport,
  EventReport,
  PeakAt,
  StreamInterruption,
  StreamReport,
  StreamSourceKind,
  ZoneReport,
} from './event-report.js';

/** Events whose readings span at most this long get 1 s timelines (when the 1 s readings are still stored). */
export const SHORT_EVENT_MS = 30 * 60_000;
/** Most reading buckets read per stream and resolution (a day of minutes for 256 zones is 368 640). */
const MAX_BUCKETS = 500_000;
/** Most alerts read per stream. */
const MAX_ALERTS = 10_000;
const END_OF_TIME_MS = Number.MAX_SAFE_INTEGER;

export interface BuildEventReportOptions {
  /** When the report is made. */
  nowMs: number;
  /** The density model configured for video streams (from its model card), if known. */
  model?: { name: string; version: string } | null;
}

/**
 * Builds the post-event report of `eventId` from what the Store holds: every stream of the event
 * with its zones' peaks, timelines and line totals, stream state transitions and gaps, and every
 * alert with its lifecycle. Unknown event: NOT_FOUND naming the known ones. An event without
 * readings still gives a report (with empty streams).
 */
export async function buildEventReport(
  store: Store,
  eventId: string,
  options: BuildEventReportOptions,
): Promise<EventReport> {
  const event = await store.getEvent(eventId);
  if (!event) {
    const known = (await store.listEvents()).map((e) => e.id);
    throw new RaqibError(
      'NOT_FOUND',
      `event '${eventId}' does not exist; ` +
        (known.length > 0 ? `known events: ${known.join(', ')}` : 'there is no event yet'),
    );
  }
  const limits: string[] = [];
  const records = await store.listStreams(eventId);
  // Minutes first: they are kept longest (400 days by default) and decide how long the event was.
  const minutes = new Map<string, ReadingBucket[]>();
  for (const record of records) {
    const buckets = await store.listReadings({
      streamId: record.id,
      resolution: '1m',
      fromMs: 0,
      toMs: END_OF_TIME_MS,
      limit: MAX_BUCKETS,
    });
    if (buckets.length === MAX_BUCKETS) {
      limits.push(`stream ${record.id}: only the first ${MAX_BUCKETS} minute readings are included`);
    }
    minutes.set(record.id, buckets);
  }
  const span = spanOf([...minutes.values()].flat(), RESOLUTION_MS['1m']);
  let resolution: ReadingResolution = '1m';
  const timelines = new Map<string, ReadingBucket[]>(minutes);
  if (span && span.toMs - span.fromMs <= SHORT_EVENT_MS) {
    const seconds = new Map<string, ReadingBucket[]>();
    for (const record of records) {
      seconds.set(
        record.id,
        await store.listReadings({
          streamId: record.id,
          resolution: '1s',
          fromMs: span.fromMs,
          toMs: span.toMs,
          limit: MAX_BUCKETS,
        }),
      );
    }
    // Only when every stream with minutes still has its seconds (retention prunes them first).
    const complete = records.every(
      (r) => (minutes.get(r.id)?.length ?? 0) === 0 || (seconds.get(r.id)?.length ?? 0) > 0,
    );
    if (complete) {
      resolution = '1s';
      for (const [id, buckets] of seconds) timelines.set(id, buckets);
    }
  }
  const gapThresholdMs = resolution === '1s' ? 5_000 : RESOLUTION_MS['1m'];

  const streams: StreamReport[] = [];
  const alerts: AlertReport[] = [];
  for (const record of records) {
    const timeline = timelines.get(record.id) ?? [];
    streams.push(
      await streamReport(store, record, {
        timeline,
        minutes: minutes.get(record.id) ?? [],
        resolution,
        gapThresholdMs,
      }),
    );
    const stored = await store.listAlerts({ state: 'all', streamId: record.id, limit: MAX_ALERTS });
    if (stored.length === MAX_ALERTS)
      limits.push(`stream ${record.id}: only the latest ${MAX_ALERTS} alerts are included`);
    for (const alert of stored) {
      alerts.push({
        id: alert.id,
        incidentId: alert.incidentId,
        streamId: alert.streamId,
        zoneId: alert.zoneId,
        rule: alert.rule,
        severity: alert.severity,
        value: alert.value,
        threshold: alert.threshold,
        raisedAtMs: alert.raisedAtMs,
        escalatedFromId: alert.escalatedFromId,
        clearedAtMs: alert.clearedAtMs,
        status: alert.status,
        assignee: alert.assignee,
        history: await store.alertHistory(alert.id),
      });
    }
  }
  alerts.sort((a, b) => a.raisedAtMs - b.raisedAtMs || a.id.localeCompare(b.id));
  return {
    generatedAtMs: options.nowMs,
    event: { id: event.id, name: event.name, startsAtMs: event.startsAtMs, endsAtMs: event.endsAtMs },
    range: spanOf([...timelines.values()].flat(), RESOLUTION_MS[resolution]),
    timelineResolution: resolution,
    gapThresholdMs,
    model: options.model ?? null,
    streams,
    alerts,
    limits,
  };
}

function spanOf(buckets: readonly ReadingBucket[], sizeMs: number): { fromMs: number; toMs: number } | null {
  if (buckets.length === 0) return null;
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const bucket of buckets) {
    fromMs = Math.min(fromMs, bucket.bucketStartMs);
    toMs = Math.max(toMs, bucket.bucketStartMs + sizeMs);
  }
  return { fromMs, toMs };
}

async function streamReport(
  store: Store,
  record: StreamRecord,
  data: { timeline: ReadingBucket[]; minutes: ReadingBucket[]; resolution: ReadingResolution; gapThresholdMs: number },
): Promise<StreamReport> {
  const zonesById = await storedZones(store, record.id);
  const byZone = new Map<string, ReadingBucket[]>();
  for (const bucket of data.timeline) {
    const list = byZone.get(bucket.zoneId) ?? [];
    list.push(bucket);
    byZone.set(bucket.zoneId, list);
  }
  const minutesByZone = new Map<string, ReadingBucket[]>();
  for (const bucket of data.minutes) {
    const list = minutesByZone.get(bucket.zoneId) ?? [];
    list.push(bucket);
    minutesByZone.set(bucket.zoneId, list);
  }
  // Zones in the order of the zones file, then any zone that only has readings (e.g. the frame).
  const zoneIds = [...zonesById.keys(), ...[...byZone.keys()].filter((id) => !zonesById.has(id)).sort()];
  const zones: ZoneReport[] = [];
  for (const zoneId of zoneIds) {
    zones.push(
      await zoneReport(store, record.id, zoneId, zonesById.get(zoneId), {
        timeline: byZone.get(zoneId) ?? [],
        minutes: minutesByZone.get(zoneId) ?? [],
        resolution: data.resolution,
      }),
    );
  }
  const areaBuckets = data.timeline.filter((b) => zones.find((z) => z.id === b.zoneId)?.shape === 'area');
  const withDensity = areaBuckets.filter((b) => b.densityPerM2Mean !== null).length;
  const states = await store.listStreamStates(record.id, 0, END_OF_TIME_MS);
  const { kind, location } = sourceOf(record);
  return {
    id: record.id,
    name: record.name,
    sourceKind: kind,
    sourceLocation: location,
    firstReadingMs: data.timeline[0]?.bucketStartMs ?? null,
    lastReadingMs: data.timeline.at(-1)?.bucketStartMs ?? null,
    gsd: withDensity === 0 ? 'none' : withDensity === areaBuckets.length ? 'all' : 'part',
    states,
    interruptions: interruptionsOf(states),
    readingGaps: gapsOf(data.timeline, RESOLUTION_MS[data.resolution], data.gapThresholdMs),
    zones,
  };
}

/** The stream's stored zones by id; empty when none is stored or it no longer parses. */
async function storedZones(store: Store, streamId: string): Promise<Map<string, Zone>> {
  const document = await store.getZones(streamId);
  if (!document) return new Map();
  try {
    const zones = parseZones(JSON.stringify(document.document), `stream ${streamId} zones`);
    return new Map(zones.map((zone) => [zone.id, zone]));
  } catch {
    // Stored zones were validated when saved; a file from an older version is shown by ids only.
    return new Map();
  }
}

async function zoneReport(
  store: Store,
  streamId: string,
  zoneId: string,
  zone: Zone | undefined,
  data: { timeline: ReadingBucket[]; minutes: ReadingBucket[]; resolution: ReadingResolution },
): Promise<ZoneReport> {
  const crossings = data.minutes.filter((b) => b.inCount !== null || b.outCount !== null);
  const shape = zone ? (isLineZone(zone) ? 'line' : 'area') : crossings.length > 0 ? 'line' : 'area';
  let peakCount = peakOf(data.timeline, (b) => b.countMax, data.resolution);
  let peakDensity = peakOf(data.timeline, (b) => b.densityPerM2Mean, data.resolution);
  let peakLocal = peakOf(data.timeline, (b) => b.peakLocalDensityPerM2Max, data.resolution);
  if (data.resolution === '1m') {
    // Long event: timelines per minute, but the second of each peak from the 1 s readings of its minute (while kept).
    peakCount = await refinePeak(store, streamId, zoneId, peakCount, (b) => b.countMax);
    peakDensity = await refinePeak(store, streamId, zoneId, peakDensity, (b) => b.densityPerM2Mean);
    peakLocal = await refinePeak(store, streamId, zoneId, peakLocal, (b) => b.peakLocalDensityPerM2Max);
  }
  return {
    id: zoneId,
    name: zone?.name ?? zoneId,
    kind: zone?.kind ?? null,
    shape,
    peakCount,
    peakDensityPerM2: peakDensity,
    peakLocalDensityPerM2: peakLocal,
    lineTotals:
      shape === 'line'
        ? {
            in: crossings.reduce((sum, b) => sum + (b.inCount ?? 0), 0),
            out: crossings.reduce((sum, b) => sum + (b.outCount ?? 0), 0),
          }
        : null,
    timeline: data.timeline.map((b) => ({
      atMs: b.bucketStartMs,
      countMean: b.countMean,
      countMax: b.countMax,
      densityPerM2Mean: b.densityPerM2Mean,
    })),
  };
}

/** The highest value and its bucket (the first one on a tie). */
function peakOf(
  buckets: readonly ReadingBucket[],
  value: (bucket: ReadingBucket) => number | null,
  resolution: ReadingResolution,
): PeakAt | null {
  let peak: PeakAt | null = null;
  for (const bucket of buckets) {
    const v = value(bucket);
    if (v === null || !Number.isFinite(v)) continue;
    if (!peak || v > peak.value) peak = { value: v, atMs: bucket.bucketStartMs, resolution };
  }
  return peak;
}

async function refinePeak(
  store: Store,
  streamId: string,
  zoneId: string,
  peak: PeakAt | null,
  value: (bucket: ReadingBucket) => number | null,
): Promise<PeakAt | null> {
  if (!peak) return null;
  const seconds = await store.listReadings({
    streamId,
    zoneId,
    resolution: '1s',
    fromMs: peak.atMs,
    toMs: peak.atMs + RESOLUTION_MS['1m'],
    limit: 60,
  });
  const refined = peakOf(seconds, value, '1s');
  // Counts: the minute's max is one of its seconds' max. Densities: the minute holds a mean, so its
  // highest second is at least as high; either way the minute's own value stays the one reported.
  return refined ? { value: peak.value, atMs: refined.atMs, resolution: '1s' } : peak;
}

function sourceOf(record: StreamRecord): { kind: StreamSourceKind; location: string | null } {
  if (record.sourceUrl === null) {
    if (record.id === DEMO_STREAM_ID) return { kind: 'demo', location: null };
    return { kind: record.hasPublishKey ? 'rtmp-push' : 'none', location: null };
  }
  let url: URL;
  try {
    url = new URL(record.sourceUrl);
  } catch {
    return { kind: 'file', location: null };
  }
  const scheme = url.protocol.replace(/:$/, '');
  const kind: StreamSourceKind =
    scheme === 'rtsp' || scheme === 'rtsps'
      ? 'rtsp'
      : scheme === 'srt'
        ? 'srt'
        : scheme === 'rtmp' || scheme === 'rtmps'
          ? 'rtmp-pull'
          : scheme === 'http' || scheme === 'https'
            ? 'http'
            : 'file';
  // No credentials and no query string (tokens travel there); the host and path say which camera.
  return { kind, location: `${url.protocol}//${url.host}${url.pathname}` };
}

/** Stalled and reconnecting periods, from one stored transition to the next. */
function interruptionsOf(states: readonly StreamStateChange[]): StreamInterruption[] {
  const periods: StreamInterruption[] = [];
  states.forEach((change, index) => {
    if (change.state !== 'stalled' && change.state !== 'reconnecting') return;
    const next = states[index + 1];
    periods.push({ state: change.state, fromMs: change.atMs, toMs: next ? next.atMs : null, reason: change.reason });
  });
  return periods;
}

/** Holes between consecutive stored buckets longer than `thresholdMs`. */
function gapsOf(
  buckets: readonly ReadingBucket[],
  sizeMs: number,
  thresholdMs: number,
): { fromMs: number; toMs: number }[] {
  const starts = [...new Set(buckets.map((b) => b.bucketStartMs))].sort((a, b) => a - b);
  const gaps: { fromMs: number; toMs: number }[] = [];
  for (let i = 1; i < starts.length; i++) {
    const endOfPrevious = starts[i - 1]! + sizeMs;
    if (starts[i]! - endOfPrevious >= thresholdMs) gaps.push({ fromMs: endOfPrevious, toMs: starts[i]! });
  }
  return gaps;
}
