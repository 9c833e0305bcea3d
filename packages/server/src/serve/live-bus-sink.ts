import type { AnalysisMessage, FrameAnalysis, ReadingsMessage } from '@raqib/core';
import type { LiveBus } from '../bus/live-bus.js';
import type { Sink } from '../sinks/sink.js';

/** The `analysis` topic is sent at most this often per stream (display rate), readings on every frame. */
const DEFAULT_DISPLAY_INTERVAL_MS = 500;
/** Density grids larger than this are left out of the analysis message (a browser does not need more). */
const MAX_GRID_CELLS = 20_000;

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Publishes a stream's analysed frames on the live bus: `streams/<id>/readings` (zone readings, every
 * frame) and `streams/<id>/analysis` (count, head points, tracks and the density grid, at display
 * rate). Payloads are plain JSON; times are the frame's stream time and its wall capture time.
 */
export class LiveBusSink implements Sink {
  private lastAnalysisMs = -Infinity;

  constructor(
    private readonly bus: LiveBus,
    private readonly streamId: string,
    private readonly displayIntervalMs = DEFAULT_DISPLAY_INTERVAL_MS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async write(analysis: FrameAnalysis): Promise<void> {
    const { frame } = analysis;
    const head = {
      streamId: this.streamId,
      seq: frame.seq,
      timeS: analysis.timeS,
      capturedAtMs: frame.capturedAtMs ?? null,
    };
    const readings: ReadingsMessage = { ...head, count: analysis.count, zones: analysis.zones };
    this.bus.publish(`streams/${this.streamId}/readings`, readings);
    const now = this.nowMs();
    if (now - this.lastAnalysisMs < this.displayIntervalMs) return;
    this.lastAnalysisMs = now;
    const centers = analysis.detections.centers();
    const density = analysis.density;
    const message: AnalysisMessage = {
      ...head,
      widthPx: frame.width,
      heightPx: frame.height,
      count: round(analysis.count, 2),
      points: Array.from(centers, (value) => round(value, 1)),
      tracks: (analysis.tracks ?? []).map((track) => ({
        id: track.id,
        xPx: round(track.xPx, 1),
        yPx: round(track.yPx, 1),
        vxPxPerS: round(track.vxPxPerS, 1),
        vyPxPerS: round(track.vyPxPerS, 1),
      })),
      density:
        density && density.cols * density.rows <= MAX_GRID_CELLS
          ? {
              cols: density.cols,
              rows: density.rows,
              cellPx: density.cellPx,
              values: Array.from(density.values, (value) => round(value, 4)),
            }
          : null,
      zones: analysis.zones,
      // The frame's telemetry (position, altitude, field of view, gimbal): the map draws the drone and
      // its camera footprint from it with the same ground model as the pipeline.
      pose: frame.pose ?? null,
      gsdMPerPx: frame.gsdMPerPx ?? null,
    };
    this.bus.publish(`streams/${this.streamId}/analysis`, message);
  }

  async close(): Promise<void> {}
}
