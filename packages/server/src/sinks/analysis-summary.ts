import type { FrameAnalysis } from '@raqib/core';
import type { DataQualityReport } from '../pipeline/data-quality.js';

export interface TimedValue {
  value: number;
  timeS: number;
}

export interface ZoneSummary {
  zoneId: string;
  kind: string;
  frames: number;
  meanCount: number;
  peakCount: TimedValue | null;
  peakDensityPerM2: TimedValue | null;
  areaM2: number | null;
}

/** What summary.json holds: the run at a glance. */
export interface AnalysisSummary {
  input: string;
  frames: number;
  /** Seconds of input covered, from the first to the last analysed frame plus one frame interval. */
  durationS: number;
  firstTimeS: number | null;
  lastTimeS: number | null;
  /** Analysis time per frame (all stages and sinks), excluding decoding. */
  meanMsPerFrame: number;
  /** Time per frame inside the model runtime. */
  meanInferenceMsPerFrame: number;
  /** Time per frame spent waiting for the source (decoding). */
  meanDecodeMsPerFrame: number;
  peakCount: TimedValue | null;
  zones: ZoneSummary[];
  source: { completed: boolean; reason?: string };
  /** What was wrong in the input data (damaged video frames, bad points rows, telemetry outliers, ...). */
  dataQuality?: DataQualityReport;
  [extra: string]: unknown;
}

function maxOf(current: TimedValue | null, value: number | undefined, timeS: number): TimedValue | null {
  if (value === undefined || !Number.isFinite(value)) return current;
  return current === null || value > current.value ? { value, timeS } : current;
}

/** Accumulates an {@link AnalysisSummary} frame by frame in constant memory. */
export class SummaryAccumulator {
  private frames = 0;
  private totalMs = 0;
  private totalInferenceMs = 0;
  private totalDecodeMs = 0;
  private firstTimeS: number | null = null;
  private lastTimeS: number | null = null;
  private peakCount: TimedValue | null = null;
  private readonly zones = new Map<string, ZoneSummary & { sumCount: number }>();

  constructor(private readonly input: string) {}

  add(analysis: FrameAnalysis, timing: { totalMs: number; inferenceMs: number; decodeMs: number }): void {
    this.frames++;
    this.totalMs += timing.totalMs;
    this.totalInferenceMs += timing.inferenceMs;
    this.totalDecodeMs += timing.decodeMs;
    this.firstTimeS ??= analysis.timeS;
    this.lastTimeS = analysis.timeS;
    this.peakCount = maxOf(this.peakCount, analysis.count, analysis.timeS);
    for (const reading of analysis.zones) {
      let zone = this.zones.get(reading.zoneId);
      if (!zone) {
        zone = {
          zoneId: reading.zoneId,
          kind: reading.kind,
          frames: 0,
          meanCount: 0,
          sumCount: 0,
          peakCount: null,
          peakDensityPerM2: null,
          areaM2: null,
        };
        this.zones.set(reading.zoneId, zone);
      }
      zone.frames++;
      zone.sumCount += reading.count;
      zone.peakCount = maxOf(zone.peakCount, reading.count, analysis.timeS);
      zone.peakDensityPerM2 = maxOf(zone.peakDensityPerM2, reading.densityPerM2, analysis.timeS);
      if (reading.areaM2 !== undefined) zone.areaM2 = reading.areaM2;
    }
  }

  summary(source: { completed: boolean; reason?: string }, frameIntervalS: number): AnalysisSummary {
    const span = this.firstTimeS === null || this.lastTimeS === null ? 0 : this.lastTimeS - this.firstTimeS;
    return {
      input: this.input,
      frames: this.frames,
      durationS: this.frames === 0 ? 0 : span + frameIntervalS,
      firstTimeS: this.firstTimeS,
      lastTimeS: this.lastTimeS,
      meanMsPerFrame: this.frames === 0 ? 0 : this.totalMs / this.frames,
      meanInferenceMsPerFrame: this.frames === 0 ? 0 : this.totalInferenceMs / this.frames,
      meanDecodeMsPerFrame: this.frames === 0 ? 0 : this.totalDecodeMs / this.frames,
      peakCount: this.peakCount,
      zones: [...this.zones.values()].map(({ sumCount, ...zone }) => ({
        ...zone,
        meanCount: zone.frames === 0 ? 0 : sumCount / zone.frames,
      })),
      source,
    };
  }
}
