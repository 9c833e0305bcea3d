/** Payloads of the WebSocket topics the live view reads (see docs/server.md, live-bus-sink.ts, live-frame-stage.ts). */

export interface TrackPoint {
  id: number;
  xPx: number;
  yPx: number;
  vxPxPerS: number;
  vyPxPerS: number;
}

export interface ZoneReading {
  zoneId: string;
  kind: 'area' | 'line' | 'frame';
  count: number;
  densityPerM2?: number;
  fruinLevel?: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  stillClass?: 'free' | 'stable' | 'capacity' | 'unstable' | 'congested';
  inCount?: number;
  outCount?: number;
  inflowPerMin?: number;
  outflowPerMin?: number;
  directionDeg?: number;
  meanSpeedMPerS?: number;
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

/** `streams/<id>/analysis`: at display rate. */
export interface AnalysisMessage extends ReadingsMessage {
  widthPx: number;
  heightPx: number;
  points: number[];
  tracks: TrackPoint[];
  density: { cols: number; rows: number; cellPx: number; values: number[] } | null;
}

/** `streams/<id>/frames`: the picture of an analysed frame with its heads and tracks. */
export interface FrameMessage {
  streamId: string;
  seq: number;
  timeS: number;
  capturedAtMs: number | null;
  encodedAtMs: number;
  encodeMs: number;
  widthPx: number;
  heightPx: number;
  imageWidthPx: number;
  imageHeightPx: number;
  jpegBase64: string;
  count: number;
  points: number[];
  tracks: TrackPoint[];
}

/** `streams/health`. */
export interface HealthMessage {
  streamId: string;
  from: string;
  to: 'starting' | 'live' | 'stalled' | 'reconnecting' | 'ended';
  at: number;
}
