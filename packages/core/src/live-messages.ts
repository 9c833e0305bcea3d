import type { CameraPose, ZoneReading } from './frame-analysis.js';

/**
 * Payloads of the live topics (`/api/v1/live` WebSocket, the bus): published by the server, read by
 * the dashboard. Times are a frame's stream time (s) and its wall capture time (Unix ms).
 */

/** A track's position and velocity in the frame's pixels. */
export interface TrackPoint {
  id: number;
  xPx: number;
  yPx: number;
  vxPxPerS: number;
  vyPxPerS: number;
}

/** `streams/<id>/readings`: every analysed frame. */
export interface ReadingsMessage {
  streamId: string;
  seq: number;
  timeS: number;
  capturedAtMs: number | null;
  count: number;
  zones: ZoneReading[];
}

/** `streams/<id>/analysis`: at display rate, with what the overlay and the map draw. */
export interface AnalysisMessage extends ReadingsMessage {
  widthPx: number;
  heightPx: number;
  /** Head points `[x, y, ...]`. */
  points: number[];
  tracks: TrackPoint[];
  /** The density grid, or null when it is too large to send. */
  density: { cols: number; rows: number; cellPx: number; values: number[] } | null;
  /** The frame's telemetry: the map draws the drone and its camera footprint from it. */
  pose: CameraPose | null;
  gsdMPerPx: number | null;
}

/** `streams/<id>/frames`: one analysed frame's picture, as JPEG in base64. */
export interface LiveFrameMessage {
  streamId: string;
  seq: number;
  timeS: number;
  /** Wall time the frame was captured (Unix ms): the dashboard measures glass-to-glass delay from it. */
  capturedAtMs: number | null;
  /** Wall time the JPEG was ready. */
  encodedAtMs: number;
  encodeMs: number;
  /** The frame's size in the analysis' pixels (points, tracks, zones are in these). */
  widthPx: number;
  heightPx: number;
  /** The picture's own size (may be scaled down or up from the analysed frame). */
  imageWidthPx: number;
  imageHeightPx: number;
  jpegBase64: string;
  /**
   * People, head points `[x, y, ...]` and tracks of this very frame (as on `streams/<id>/analysis`),
   * so that what moves is drawn exactly on the picture; the analysis topic (density, zones) may come
   * from a neighbouring frame.
   */
  count: number;
  points: number[];
  tracks: TrackPoint[];
}

export type StreamState = 'starting' | 'live' | 'stalled' | 'reconnecting' | 'ended';

/** `streams/health`: one stream's state change. */
export interface StreamTransition {
  streamId: string;
  from: StreamState | null;
  to: StreamState;
  /** Supervisor clock time of the change (ms). */
  atMs: number;
  /** Wall-clock time of the change (Unix ms). */
  at: number;
  reason: string;
  /** Input restarts so far in this stream's life. */
  restarts: number;
  /** When `to` is 'reconnecting': the wait before the next attempt. */
  retryInMs?: number;
}
