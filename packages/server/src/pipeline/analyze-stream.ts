import { Detections, type FrameAnalysis, type FrameMeta } from '@raqib/core';
import type { FrameSource } from '../ingest/frame-source.js';
import { SummaryAccumulator, type AnalysisSummary } from '../sinks/analysis-summary.js';
import type { Sink } from '../sinks/sink.js';
import { dataQualityReport, isDataQualityReporter } from './data-quality.js';
import type { FrameContext, Stage } from './stage.js';

export interface AnalysisProgress {
  frames: number;
  timeS: number;
  msPerFrame: number;
}

export interface AnalyzeOptions {
  /** Seconds between analysed frames, for the summary's duration (1 / analysis fps). */
  frameIntervalS: number;
  onProgress?: (progress: AnalysisProgress) => void;
  signal?: AbortSignal;
  /** A clock for timing, injectable for tests. */
  nowMs?: () => number;
  /**
   * Live streams: a frame whose stages throw (one inference error, a hung worker) is skipped, not
   * written to the sinks, and reported to `onSkip`, instead of ending the run; only after
   * `maxConsecutive` failed frames in a row does the run fail as before. Unset (the offline CLI):
   * the first failure ends the run.
   */
  skipFailedFrames?: { maxConsecutive: number; onSkip: (error: Error, frame: FrameMeta) => void };
}

/**
 * The one analysis pipeline: frames from `source` go through `stages` (density, tracking, zones,
 * rules, ...) and every analysed frame goes to every sink. The CLI (files) and the server (live
 * drones) both call this; only the source policy and the sinks differ. Sinks are always closed with
 * a summary, also when the source fails part-way, so what was written stays valid.
 */
export async function analyzeStream(
  source: FrameSource,
  stages: readonly Stage[],
  sinks: readonly Sink[],
  options: AnalyzeOptions,
): Promise<AnalysisSummary> {
  const now = options.nowMs ?? (() => performance.now());
  const accumulator = new SummaryAccumulator(source.description);
  let failure: unknown = null;
  let lastTimeS = 0;
  let waitStartedMs = now();
  let failedInARow = 0;
  try {
    for await (const frame of source.frames()) {
      if (options.signal?.aborted) break;
      const startedMs = now();
      const decodeMs = startedMs - waitStartedMs;
      const analysis: FrameAnalysis = {
        frame: frame.meta,
        timeS: frame.meta.ptsMs / 1000,
        count: frame.detections?.length ?? 0,
        detections: frame.detections ?? Detections.empty(),
        zones: [],
      };
      const context: FrameContext = { analysis, inferenceMs: 0, ...(frame.image ? { image: frame.image } : {}) };
      try {
        for (const stage of stages) await stage.process(context);
        failedInARow = 0;
      } catch (error) {
        const skip = options.skipFailedFrames;
        if (!skip || ++failedInARow > skip.maxConsecutive) throw error;
        skip.onSkip(error instanceof Error ? error : new Error(String(error)), frame.meta);
        waitStartedMs = now();
        continue;
      }
      for (const sink of sinks) await sink.write(analysis, frame.image);
      waitStartedMs = now();
      const totalMs = waitStartedMs - startedMs;
      accumulator.add(analysis, { totalMs, inferenceMs: context.inferenceMs, decodeMs });
      lastTimeS = analysis.timeS;
      options.onProgress?.({ frames: frame.meta.seq + 1, timeS: lastTimeS, msPerFrame: totalMs });
    }
  } catch (error) {
    failure = error; // rethrown after the sinks are closed; the caller reports it
  }
  const end = source.end();
  const summary = accumulator.summary(
    failure
      ? { completed: false, reason: `stopped after ${lastTimeS.toFixed(3)} s: ${(failure as Error).message}` }
      : { completed: end.completed, ...(end.reason ? { reason: end.reason } : {}) },
    options.frameIntervalS,
  );
  for (const stage of stages) {
    if (stage.finish) Object.assign(summary, await stage.finish());
  }
  // What was wrong in the data, from the source and every stage that can tell (see data-quality.ts).
  const reporters = [source, ...stages].filter(isDataQualityReporter);
  if (reporters.length > 0) summary.dataQuality = dataQualityReport(reporters.map((r) => r.dataQuality()));
  const closeErrors: unknown[] = [];
  for (const sink of sinks) {
    try {
      await sink.close(summary);
    } catch (error) {
      closeErrors.push(error);
    }
  }
  if (failure) throw failure;
  if (closeErrors.length) throw closeErrors[0];
  return summary;
}
