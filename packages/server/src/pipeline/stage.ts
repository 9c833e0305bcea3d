import type { FrameAnalysis, FrameGroundModel, RgbImage } from '@raqib/core';

/** Everything one frame carries through the pipeline. Stages fill in `analysis` in order. */
export interface FrameContext {
  analysis: FrameAnalysis;
  /** Decoded pixels when the source has them (valid during this frame only). */
  image?: RgbImage;
  /** How this frame's pixels map to the ground, when known (set by the geo stage). */
  ground?: FrameGroundModel;
  /** Milliseconds spent in the model runtime for this frame. */
  inferenceMs: number;
}

/**
 * One step of the analysis (density, tracking, zones, rules, ...). `process` runs once per frame in
 * stream order; `finish` runs once at the end and may add fields to the summary.
 */
export interface Stage {
  readonly name: string;
  process(context: FrameContext): void | Promise<void>;
  finish?(): Record<string, unknown> | Promise<Record<string, unknown>>;
}
