import {
  GridFlowEstimator,
  isEgoMotionKnown,
  isRaqibError,
  zoneFlowMetrics,
  type EgoMotion,
  type FrameAnalysis,
  type GridFlowOptions,
  type ZoneFlowMetrics,
} from '@raqib/core';
import type { DataQualityPart } from './data-quality.js';
import type { FrameContext, Stage } from './stage.js';

/** Options of {@link FlowStage}: the flow estimator's options plus stream handling. */
export interface FlowStageOptions extends Partial<GridFlowOptions> {
  /** A longer gap between analysed frames (seconds) restarts the flow instead of bridging it. Default 2. */
  maxGapS?: number;
  /** Told about frames the flow had to skip (bad input); at most once per distinct message. */
  onWarning?: (message: string) => void;
  /** A clock for timing, injectable for tests. */
  nowMs?: () => number;
}

/** What the flow stage knows about one frame beyond `analysis.flow`. */
export interface FlowFrameInfo {
  seq: number;
  /** Seconds between the two frames the flow spans (turns pixels per frame into pixels per second). */
  intervalS: number;
  /** The camera motion removed from the flow (shift, rotation, zoom). */
  ego: EgoMotion;
  validCells: number;
  /** Whole-frame motion: speed (m/s when the GSD is known), direction, counterflow, pressure, ... */
  frame: ZoneFlowMetrics;
  /** Time spent computing the flow, ms. */
  computeMs: number;
}

const infoByAnalysis = new WeakMap<FrameAnalysis, FlowFrameInfo>();

/**
 * The flow stage's extra information for a frame it gave a flow field to (undefined otherwise):
 * zone stages use `intervalS` to turn the per-frame flow into speeds, e.g.
 * `zoneFlowMetrics(analysis.flow, polygon, { dtS: flowFrameInfo(analysis).intervalS, ... })`.
 */
export function flowFrameInfo(analysis: FrameAnalysis): FlowFrameInfo | undefined {
  return infoByAnalysis.get(analysis);
}

/**
 * Dense crowd motion per frame: sets `analysis.flow` (the crowd's own motion per grid cell in pixels
 * per frame, camera motion removed, NaN where unreliable) from this frame and the previous analysed
 * one. Needs decoded pixels; the first frame, frames after a gap or without pixels get no flow, and
 * so do frames whose camera motion is unknown (no texture to measure it on, e.g. blank frames): their
 * crowd motion cannot be separated from the camera's, so no speed or direction is given for them.
 * Whole-frame metrics are converted to m/s with `analysis.frame.gsdMPerPx` and the interval between
 * consecutive `analysis.timeS`. Run it after the density stage so the metrics are weighted by people.
 */
export class FlowStage implements Stage {
  readonly name = 'flow';
  private readonly estimator: GridFlowEstimator;
  private readonly maxGapS: number;
  private readonly now: () => number;
  private previousTimeS: number | null = null;
  private latestInfo: FlowFrameInfo | null = null;
  private readonly warned = new Set<string>();
  private readonly computeMs: number[] = [];
  private validShareSum = 0;
  private egoShiftSum = 0;
  private skipped = 0;
  private unknownEgoFrames = 0;
  private firstUnknownEgoTimeS: number | null = null;

  constructor(private readonly options: FlowStageOptions = {}) {
    const { maxGapS, onWarning: _onWarning, nowMs, ...flowOptions } = options;
    this.estimator = new GridFlowEstimator(flowOptions);
    this.maxGapS = maxGapS ?? 2;
    this.now = nowMs ?? (() => performance.now());
  }

  /** The current frame's flow information, or null when this frame got no flow. */
  get latest(): FlowFrameInfo | null {
    return this.latestInfo;
  }

  process(context: FrameContext): void {
    const { analysis, image } = context;
    this.latestInfo = null;
    const timeS = analysis.timeS;
    const previousTimeS = this.previousTimeS;
    this.previousTimeS = image ? timeS : null;
    if (!image) {
      this.estimator.reset();
      return;
    }
    const intervalS = previousTimeS === null ? NaN : timeS - previousTimeS;
    if (!(intervalS > 0 && intervalS <= this.maxGapS)) this.estimator.reset();
    const startedMs = this.now();
    let result;
    try {
      result = this.estimator.update(image);
    } catch (error) {
      if (!isRaqibError(error)) throw error;
      this.skipped++;
      this.previousTimeS = null;
      this.estimator.reset();
      if (!this.warned.has(error.message)) {
        this.warned.add(error.message);
        this.options.onWarning?.(`flow skipped at ${timeS.toFixed(2)} s: ${error.message}`);
      }
      return;
    }
    if (!result) return;
    if (!isEgoMotionKnown(result.ego)) {
      this.unknownEgoFrames++;
      this.firstUnknownEgoTimeS ??= timeS;
      return;
    }
    const frame = zoneFlowMetrics(result.flow, null, {
      dtS: intervalS,
      ...(analysis.frame.gsdMPerPx ? { gsdMPerPx: analysis.frame.gsdMPerPx } : {}),
      ...(analysis.density ? { density: analysis.density } : {}),
    });
    const computeMs = this.now() - startedMs;
    analysis.flow = result.flow;
    const info: FlowFrameInfo = {
      seq: analysis.frame.seq,
      intervalS,
      ego: result.ego,
      validCells: result.validCells,
      frame,
      computeMs,
    };
    this.latestInfo = info;
    infoByAnalysis.set(analysis, info);
    this.computeMs.push(computeMs);
    this.validShareSum += result.validCells / (result.flow.cols * result.flow.rows);
    this.egoShiftSum += Math.hypot(result.ego.centreDxPx, result.ego.centreDyPx);
  }

  /** Frames whose camera motion was unknown (no texture), as a warning: their crowd motion is not measured. */
  dataQuality(): DataQualityPart {
    const unknown = this.unknownEgoFrames;
    const warnings =
      unknown === 0
        ? []
        : [
            `camera motion unknown on ${unknown} frame(s) (first at ${(this.firstUnknownEgoTimeS ?? 0).toFixed(2)} s): ` +
              'no texture to measure it on (blank or featureless frames); crowd speed and direction are not given for them',
          ];
    return { section: 'flow', counts: { framesWithUnknownCameraMotion: unknown }, warnings, overLimit: false };
  }

  finish(): Record<string, unknown> {
    const frames = this.computeMs.length;
    if (frames === 0) {
      return {
        flow: {
          frames: 0,
          skippedFrames: this.skipped,
          unknownCameraMotionFrames: this.unknownEgoFrames,
          meanCameraShiftPxPerFrame: null,
        },
      };
    }
    const sorted = [...this.computeMs].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(frames - 1, Math.floor(q * frames))] as number;
    const round = (v: number, digits: number): number => Number(v.toFixed(digits));
    return {
      flow: {
        frames,
        skippedFrames: this.skipped,
        unknownCameraMotionFrames: this.unknownEgoFrames,
        medianMs: round(at(0.5), 2),
        p95Ms: round(at(0.95), 2),
        meanValidShare: round(this.validShareSum / frames, 3),
        meanCameraShiftPxPerFrame: round(this.egoShiftSum / frames, 3),
      },
    };
  }
}
