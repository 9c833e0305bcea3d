import {
  AlertEngine,
  EventFusion,
  RaqibError,
  droneFrameFromPose,
  type AlertEvent,
  type EventFusionStep,
  type EventZone,
  type LocalTangentPlane,
  type RulesConfig,
  type TelemetryTrack,
} from '@raqib/core';
import { openPointsFileSource } from '../ingest/points-file-source.js';
import { loadTelemetrySidecar } from '../ingest/telemetry-sidecar.js';
import type { EventDroneSpec } from './event-drones-file.js';

/** One recorded drone: its head points per frame and its telemetry, on the event clock. */
export interface DroneRecording {
  spec: EventDroneSpec;
  /** Frames in time order: time on the event clock and the points in pixels. */
  frames: { timeS: number; ptsMs: number; pointsPx: Float32Array }[];
  track: TelemetryTrack;
  /** Local capture time of the drone's time 0 (ms since 1970, time zone ignored), from the .SRT. */
  clockZeroMs?: number;
}

/**
 * Reads every drone's points file and telemetry, and puts the drones on one clock: when every .SRT has
 * capture timestamps, each drone's time 0 is its first record's timestamp minus its start time, and the
 * earliest drone's time 0 is the event's time 0; `clockOffsetS` is added on top. Returns a note when the
 * timestamps were missing (the drones are then aligned by `clockOffsetS` alone).
 */
export async function loadDroneRecordings(
  specs: readonly EventDroneSpec[],
): Promise<{ recordings: DroneRecording[]; notes: string[] }> {
  const recordings: DroneRecording[] = [];
  for (const spec of specs) {
    const opened = await openPointsFileSource(spec.pointsPath, {
      fps: spec.fps,
      widthPx: spec.widthPx,
      heightPx: spec.heightPx,
      streamId: spec.id,
    });
    const { track, telemetry } = await loadTelemetrySidecar(spec.telemetryPath);
    const frames: DroneRecording['frames'] = [];
    for await (const frame of opened.source.frames()) {
      frames.push({ timeS: 0, ptsMs: frame.meta.ptsMs, pointsPx: frame.detections?.centers() ?? new Float32Array(0) });
    }
    const first = telemetry.records[0];
    const stamp = first?.timestamp === undefined ? NaN : Date.parse(`${first.timestamp}Z`);
    const recording: DroneRecording = { spec, frames, track };
    if (Number.isFinite(stamp)) recording.clockZeroMs = stamp - first!.startMs;
    recordings.push(recording);
  }
  const notes: string[] = [];
  const zeros = recordings.map((r) => r.clockZeroMs);
  const allStamped = zeros.every((z) => z !== undefined);
  const eventZeroMs = allStamped ? Math.min(...(zeros as number[])) : 0;
  if (!allStamped && recordings.length > 1) {
    const missing = recordings.filter((r) => r.clockZeroMs === undefined).map((r) => r.spec.telemetryPath);
    notes.push(
      `no capture timestamps in ${missing.join(', ')}: the drones are aligned by their clockOffsetS alone (0 = same start)`,
    );
  }
  for (const r of recordings) {
    const zeroS = allStamped ? (r.clockZeroMs! - eventZeroMs) / 1000 : 0;
    for (const f of r.frames) f.timeS = zeroS + r.spec.clockOffsetS + f.ptsMs / 1000;
  }
  return { recordings, notes };
}

/** Options of {@link fuseRecordings}. */
export interface FuseRecordingsOptions {
  plane: LocalTangentPlane;
  zones: readonly EventZone[];
  /** Fusion steps per second of event time. */
  stepsPerS: number;
  maxSkewS: number;
  /** Alert rules for one event-level engine; no alerts when undefined. */
  rules?: RulesConfig | 'defaults';
}

/** One fusion step and the alert events it raised. */
export interface FusedStep {
  step: EventFusionStep;
  alerts: AlertEvent[];
}

/**
 * Replays the recordings on the event clock: at every step, the frames up to the step time plus the skew
 * tolerance are added to one {@link EventFusion}, which fuses them; the step feeds one event-level alert
 * engine (stream id `event`). Steps where no drone has a frame close enough are left out.
 * `finalAlerts` clears the alerts still open at the end.
 */
export function fuseRecordings(
  recordings: readonly DroneRecording[],
  options: FuseRecordingsOptions,
): { steps: FusedStep[]; finalAlerts: AlertEvent[] } {
  const fusion = new EventFusion({ zones: options.zones, maxSkewS: options.maxSkewS });
  const engine =
    options.rules === undefined
      ? undefined
      : new AlertEngine({ streamId: 'event', ...(options.rules === 'defaults' ? {} : { rules: options.rules }) });
  const steps: FusedStep[] = [];
  // A loop, not Math.min(...times): an hour of 10 drones at 5 fps is more arguments than a call takes.
  let startS = Infinity;
  let endS = -Infinity;
  for (const r of recordings) {
    for (const f of r.frames) {
      startS = Math.min(startS, f.timeS);
      endS = Math.max(endS, f.timeS);
    }
  }
  if (!(endS >= startS)) return { steps, finalAlerts: [] };
  const next = recordings.map(() => 0);
  const stepS = 1 / options.stepsPerS;
  for (let k = 0; startS + k * stepS <= endS + 1e-9; k++) {
    const timeS = startS + k * stepS;
    recordings.forEach((r, d) => {
      while (next[d]! < r.frames.length && r.frames[next[d]!]!.timeS <= timeS + options.maxSkewS) {
        const frame = r.frames[next[d]!++]!;
        fusion.add(placeFrame(r, frame, options.plane));
      }
    });
    const step = fusion.fuse(timeS);
    if (step.drones.length === 0) continue;
    steps.push({ step, alerts: engine ? engine.evaluate(fusion.alertFrame(step)) : [] });
  }
  return { steps, finalAlerts: engine ? engine.finish() : [] };
}

function placeFrame(recording: DroneRecording, frame: DroneRecording['frames'][number], plane: LocalTangentPlane) {
  const { spec } = recording;
  const pose = recording.track.poseAt(frame.ptsMs);
  try {
    return droneFrameFromPose({
      droneId: spec.id,
      timeS: frame.timeS,
      widthPx: spec.widthPx,
      heightPx: spec.heightPx,
      plane,
      ...(pose ? { pose } : {}),
      overrides: {
        ...(spec.altitudeM !== undefined ? { altitudeM: spec.altitudeM } : {}),
        ...(spec.hfovDeg !== undefined ? { hfovDeg: spec.hfovDeg } : {}),
      },
      pointsPx: frame.pointsPx,
    });
  } catch (error) {
    throw new RaqibError(
      'GEOREFERENCE_MISSING',
      `${spec.telemetryPath}: drone "${spec.id}" has no usable pose at ${(frame.ptsMs / 1000).toFixed(3)} s ` +
        `(${(error as Error).message}); in the drones file, altitudeM and hfovDeg can stand in for missing ` +
        'altitude and focal length, but the position must come from the telemetry',
      { cause: error },
    );
  }
}
