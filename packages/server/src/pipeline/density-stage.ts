import type { DensityEstimator, FrameMeta } from '@raqib/core';
import type { FrameContext, Stage } from './stage.js';

/**
 * Runs the density model on frames that have pixels: sets the density map, the count and the head
 * points. `peopleScale` gives the resize factor per frame (from the GSD, or a fixed --scale).
 */
export class DensityStage implements Stage {
  readonly name = 'density';

  constructor(
    private readonly estimator: DensityEstimator,
    private readonly peopleScale: (frame: FrameMeta) => number = () => 1,
  ) {}

  async process(context: FrameContext): Promise<void> {
    if (!context.image) return;
    const { analysis } = context;
    const estimate = await this.estimator.estimate(context.image, { scale: this.peopleScale(analysis.frame) });
    analysis.density = estimate.density;
    analysis.count = estimate.count;
    analysis.detections = estimate.points;
    context.inferenceMs += estimate.inferenceMs;
  }
}
