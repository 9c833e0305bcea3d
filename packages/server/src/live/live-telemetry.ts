import {
  DEFAULT_TELEMETRY_LIMITS,
  telemetryJump,
  type CameraPose,
  type FrameMeta,
  type TelemetryLimits,
  type TelemetryOutlier,
  type TelemetryRecord,
} from '@raqib/core';
import type { LiveTelemetrySample } from './live-telemetry-sample.js';

/** Where a stream's samples came from. */
export type TelemetryChannel = 'http' | 'mqtt';

export interface LiveTelemetryOptions {
  /** A frame whose latest sample is older than this gets no pose (no GSD, no geo zones). Default 5000. */
  maxAgeMs?: number;
  /** Samples more than this far ahead of the server clock are refused (a wrong clock). Default 10 000. */
  maxAheadMs?: number;
  /** Samples kept per stream, by age (ms) and count. Defaults 60 000 and 5000. */
  keepMs?: number;
  keepSamples?: number;
  /** The jump limits of the offline .SRT reader (`rejectTelemetryOutliers`); default its defaults. */
  limits?: Partial<TelemetryLimits>;
  /** Consecutive refused samples that agree with each other before they replace the last accepted one. Default 3. */
  reanchorAfter?: number;
  nowMs?: () => number;
}

/** One refused sample: its index in what was pushed, the field at fault and why. */
export interface RefusedSample {
  index: number;
  field: string;
  message: string;
}

/** What became of one push. */
export interface TelemetryPushResult {
  accepted: number;
  /** Samples not newer than the stream's latest (a retried batch), or too old to apply to any frame. */
  skipped: number;
  refused: RefusedSample[];
  /** The refused samples before these replaced a last accepted sample that they all contradicted. */
  reanchored: boolean;
}

/** A stream's telemetry as GET /api/v1/streams shows it. */
export interface LiveTelemetryHealth {
  /** Samples accepted, skipped (old or repeated) and refused (invalid or impossible jumps). */
  samples: number;
  skippedSamples: number;
  refusedSamples: number;
  /** Time of the newest sample (Unix ms), and how it came. */
  lastSampleAtMs: number | null;
  lastChannel: TelemetryChannel | null;
  /** Analysed frames that got a pose, whose latest sample was too old, and that had none at all. */
  framesWithPose: number;
  framesStale: number;
  framesWithoutTelemetry: number;
}

interface StreamTelemetry {
  samples: LiveTelemetrySample[];
  /** The last accepted samples with a position and with an altitude (a sample may carry one only). */
  lastPosition: TelemetryRecord | null;
  lastAltitude: TelemetryRecord | null;
  /** Consecutive refused samples that agree with each other (a wrong anchor shows as a run of them). */
  suspects: TelemetryRecord[];
  health: LiveTelemetryHealth;
}

const toRecord = (sample: LiveTelemetrySample, index: number): TelemetryRecord => ({
  index,
  startMs: sample.timeMs,
  endMs: sample.timeMs,
  pose: sample.pose,
});

/**
 * Live telemetry of every stream, pushed over HTTP or MQTT, for the geo stage: the pose of a frame is
 * that of the latest sample at or before the frame's capture time, if that sample is at most
 * `maxAgeMs` old (else the frame has no pose, and so no GSD: counted as stale). Samples are checked
 * one by one with the jump limits of the offline .SRT reader (`telemetryJump`): a position or altitude
 * that moved further than a drone can fly since the last accepted sample is refused, naming the field.
 * As the offline reader re-anchors on records that agree with each other, `reanchorAfter` refused
 * samples in a row that agree replace a last accepted sample that was itself the glitch.
 */
export class LiveTelemetry {
  private readonly streams = new Map<string, StreamTelemetry>();
  private readonly maxAgeMs: number;
  private readonly maxAheadMs: number;
  private readonly keepMs: number;
  private readonly keepSamples: number;
  private readonly limits: TelemetryLimits;
  private readonly reanchorAfter: number;
  private readonly nowMs: () => number;

  constructor(options: LiveTelemetryOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 5000;
    this.maxAheadMs = options.maxAheadMs ?? 10_000;
    this.keepMs = Math.max(options.keepMs ?? 60_000, this.maxAgeMs);
    this.keepSamples = options.keepSamples ?? 5000;
    this.limits = { ...DEFAULT_TELEMETRY_LIMITS, ...options.limits };
    this.reanchorAfter = options.reanchorAfter ?? 3;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Adds a stream's samples (in the order given; each checked against the ones accepted before it).
   * Never throws for bad samples: they are in `refused` with the field at fault.
   */
  push(streamId: string, samples: readonly LiveTelemetrySample[], channel: TelemetryChannel): TelemetryPushResult {
    const stream = this.stream(streamId);
    const result: TelemetryPushResult = { accepted: 0, skipped: 0, refused: [], reanchored: false };
    const nowMs = this.nowMs();
    samples.forEach((sample, index) => {
      const latest = stream.samples[stream.samples.length - 1];
      const aheadMs = sample.timeMs - nowMs;
      if (aheadMs > this.maxAheadMs) {
        result.refused.push({
          index,
          field: 'timeMs',
          message: `is ${(aheadMs / 1000).toFixed(1)} s ahead of the server clock (at most ${this.maxAheadMs / 1000} s); synchronise the sender's clock (NTP) or leave timeMs out`,
        });
        return;
      }
      if ((latest && sample.timeMs <= latest.timeMs) || nowMs - sample.timeMs > this.keepMs) {
        result.skipped++;
        return;
      }
      const record = toRecord(sample, index);
      const outlier =
        (stream.lastPosition && telemetryJump(stream.lastPosition, record, this.limits, 'position')) ||
        (stream.lastAltitude && telemetryJump(stream.lastAltitude, record, this.limits, 'altitude'));
      if (outlier && !this.reanchors(stream, record)) {
        result.refused.push({ index, ...this.describeJump(outlier, record, stream) });
        return;
      }
      if (outlier) result.reanchored = true;
      stream.suspects = [];
      this.accept(stream, sample, record);
      result.accepted++;
    });
    stream.health.samples += result.accepted;
    stream.health.skippedSamples += result.skipped;
    stream.health.refusedSamples += result.refused.length;
    if (result.accepted > 0) stream.health.lastChannel = channel;
    this.prune(stream, nowMs);
    return result;
  }

  /** Counts samples refused before they reached {@link push} (invalid fields). */
  countRefused(streamId: string, count: number): void {
    this.stream(streamId).health.refusedSamples += count;
  }

  /**
   * The pose of a frame: the latest sample at or before its capture time (`capturedAtMs`, else now),
   * or undefined (and counted) when there is none or it is older than `maxAgeMs`.
   */
  poseForFrame(streamId: string, frame: Pick<FrameMeta, 'capturedAtMs'>): CameraPose | undefined {
    const stream = this.stream(streamId);
    const atMs = frame.capturedAtMs ?? this.nowMs();
    const sample = latestAtOrBefore(stream.samples, atMs);
    if (!sample) {
      stream.health.framesWithoutTelemetry++;
      return undefined;
    }
    if (atMs - sample.timeMs > this.maxAgeMs) {
      stream.health.framesStale++;
      return undefined;
    }
    stream.health.framesWithPose++;
    return { ...sample.pose };
  }

  health(streamId: string): LiveTelemetryHealth | undefined {
    const stream = this.streams.get(streamId);
    return stream ? { ...stream.health } : undefined;
  }

  /** Drops a deleted stream's samples and counters. */
  forget(streamId: string): void {
    this.streams.delete(streamId);
  }

  private stream(streamId: string): StreamTelemetry {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = {
        samples: [],
        lastPosition: null,
        lastAltitude: null,
        suspects: [],
        health: {
          samples: 0,
          skippedSamples: 0,
          refusedSamples: 0,
          lastSampleAtMs: null,
          lastChannel: null,
          framesWithPose: 0,
          framesStale: 0,
          framesWithoutTelemetry: 0,
        },
      };
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  /** True when `record` completes a run of refused samples that agree with each other. */
  private reanchors(stream: StreamTelemetry, record: TelemetryRecord): boolean {
    const previous = stream.suspects[stream.suspects.length - 1];
    if (previous && telemetryJump(previous, record, this.limits)) stream.suspects = [];
    stream.suspects.push(record);
    return stream.suspects.length >= this.reanchorAfter;
  }

  private accept(stream: StreamTelemetry, sample: LiveTelemetrySample, record: TelemetryRecord): void {
    stream.samples.push(sample);
    if (sample.pose.lat !== undefined && sample.pose.lng !== undefined) stream.lastPosition = record;
    if (sample.pose.relativeAltitudeM !== undefined) stream.lastAltitude = record;
    stream.health.lastSampleAtMs = sample.timeMs;
  }

  private prune(stream: StreamTelemetry, nowMs: number): void {
    let drop = Math.max(0, stream.samples.length - this.keepSamples);
    // Keep the newest sample whatever its age: it is what a frame arriving now would be compared with.
    while (drop < stream.samples.length - 1 && nowMs - stream.samples[drop]!.timeMs > this.keepMs) drop++;
    if (drop > 0) stream.samples.splice(0, drop);
  }

  private describeJump(
    outlier: TelemetryOutlier,
    record: TelemetryRecord,
    stream: StreamTelemetry,
  ): { field: string; message: string } {
    const from = outlier.reason === 'position' ? stream.lastPosition! : stream.lastAltitude!;
    const dtS = (record.startMs - from.startMs) / 1000;
    const { maxHorizontalSpeedMPerS: h, maxVerticalSpeedMPerS: v } = this.limits;
    const what = outlier.reason === 'position' ? 'position' : 'relative altitude';
    return {
      field: outlier.reason === 'position' ? 'lat' : 'relativeAltitudeM',
      message:
        `${what} moved ${formatMetres(outlier.jumpM)} in ${dtS.toFixed(1)} s since the last accepted sample, ` +
        `where at most ${formatMetres(outlier.allowedM)} is possible (limits ${h} m/s horizontal, ${v} m/s vertical, ` +
        `as for .SRT files); the sample is refused`,
    };
  }
}

/** The last sample with `timeMs <= atMs` (samples ordered by time), by binary search. */
function latestAtOrBefore(samples: readonly LiveTelemetrySample[], atMs: number): LiveTelemetrySample | undefined {
  let lo = 0;
  let hi = samples.length - 1;
  let found: LiveTelemetrySample | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const sample = samples[mid]!;
    if (sample.timeMs <= atMs) {
      found = sample;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function formatMetres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${m.toFixed(1)} m`;
}

/**
 * One line on the refused samples of a push, each at its field as the sender wrote it
 * (`body.relativeAltitudeM: ...` for one sample, `body.samples.3.lat: ...` in a batch).
 */
export function refusedText(result: TelemetryPushResult, batch: boolean, where: string, max = 3): string {
  const lines = result.refused
    .slice(0, max)
    .map(({ index, field, message }) => `${where}.${batch ? `samples.${index}.` : ''}${field}: ${message}`);
  if (result.refused.length > max) lines.push(`... and ${result.refused.length - max} more`);
  if (batch && result.accepted > 0) lines.push(`the other ${result.accepted} accepted samples were kept`);
  return lines.join('; ');
}
