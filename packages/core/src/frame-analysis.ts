import type { DensityMap } from './density-map.js';
import type { Detections } from './detections.js';
import type { TrackSnapshot } from './tracking/crowd-tracker.js';

/** Camera pose from telemetry for one frame. Angles in degrees; pitch -90 is nadir. */
export interface CameraPose {
  lat?: number;
  lng?: number;
  relativeAltitudeM?: number;
  absoluteAltitudeM?: number;
  focalLength35mm?: number;
  gimbalPitchDeg?: number;
  gimbalYawDeg?: number;
  gimbalRollDeg?: number;
  headingDeg?: number;
}

/** Metadata of one analysed frame (pixels stay inside ingest/inference). */
export interface FrameMeta {
  streamId: string;
  /** 0-based index of the analysed frame in this stream. */
  seq: number;
  /** Presentation time from the start of the input, in milliseconds. */
  ptsMs: number;
  /** Wall-clock capture time (Unix ms) when known, else undefined. */
  capturedAtMs?: number;
  width: number;
  height: number;
  pose?: CameraPose;
  /** Ground sampling distance in metres per pixel, when known. */
  gsdMPerPx?: number;
}

/** Optical flow on a grid of cells, with the camera's own motion (ego-motion) estimated separately. */
export interface FlowField {
  cols: number;
  rows: number;
  cellPx: number;
  /** Per-cell displacement in pixels per frame, camera motion removed. */
  dx: Float32Array;
  dy: Float32Array;
  /** Global image motion (camera) in pixels per frame; NaN when unknown (no texture to measure it on). */
  egoDxPx: number;
  egoDyPx: number;
}

/** Per-zone metrics for one frame. Optional fields are absent when their input is not available. */
export interface ZoneReading {
  zoneId: string;
  kind: 'area' | 'line' | 'frame';
  /** People in the zone (density integrated over the polygon). Lines: people near the line. */
  count: number;
  areaM2?: number;
  densityPerM2?: number;
  /** Highest local density over ~1 m cells, persons per m². */
  peakLocalDensityPerM2?: number;
  fruinLevel?: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  stillClass?: 'free' | 'stable' | 'capacity' | 'unstable' | 'congested';
  /** Lines: crossings in the positive/negative direction during this frame interval, and totals. */
  inCount?: number;
  outCount?: number;
  inflowPerMin?: number;
  outflowPerMin?: number;
  /** Lines of known ground length: persons per metre per minute. */
  flowPerMPerMin?: number;
  meanSpeedMPerS?: number;
  meanSpeedPxPerS?: number;
  /** Dominant direction of motion, degrees clockwise from image up (0) / north in geo space. */
  directionDeg?: number;
  /** Share (0..1) of movers against the dominant direction. */
  counterflowShare?: number;
  speedVariance?: number;
  /** Crowd pressure P = density x Var(velocity), s^-2. */
  pressurePerS2?: number;
  /** Radial divergence of motion (positive = dispersal), 1/s. */
  divergencePerS?: number;
}

/** Everything known about one analysed frame: what every sink, the WebSocket and the CLI see. */
export interface FrameAnalysis {
  frame: FrameMeta;
  /** Seconds from the start of the input. */
  timeS: number;
  /** People in the whole frame. */
  count: number;
  detections: Detections;
  density?: DensityMap;
  flow?: FlowField;
  /** Confirmed tracks in this frame (matched and recently coasting), when a tracker ran. */
  tracks?: readonly TrackSnapshot[];
  zones: ZoneReading[];
}

export type AlertSeverity = 'info' | 'warning' | 'danger' | 'critical';

/** A crowd-safety alert raised by a rule on a zone. */
export interface CrowdAlert {
  id: string;
  ruleId: string;
  streamId: string;
  zoneId: string;
  severity: AlertSeverity;
  startedAtMs: number;
  endedAtMs?: number;
  value: number;
  peakValue: number;
  threshold: number;
}
