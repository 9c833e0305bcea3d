import type { FrameAnalysis, RgbImage } from '@raqib/core';
import type { AnalysisSummary } from './analysis-summary.js';

/** Where analysed frames go (files, database, WebSocket). `write` is awaited in order, once per frame. */
export interface Sink {
  /** `image` is the analysed frame's pixels, valid only during the call (for sinks that draw). */
  write(analysis: FrameAnalysis, image?: RgbImage): Promise<void>;
  /** Flushes and finishes; called once with the run's summary, also after a failed run. */
  close(summary: AnalysisSummary): Promise<void>;
}
