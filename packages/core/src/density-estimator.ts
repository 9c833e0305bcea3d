import type { DensityMap } from './density-map.js';
import type { Detections } from './detections.js';
import type { RgbImage } from './rgb-image.js';

/** Options for one density estimate. */
export interface DensityEstimateOptions {
  /**
   * People-scale factor: the image is resized by this factor before inference so that heads have
   * the size the model was trained on (> 1 enlarges small aerial heads). Default 1.
   */
  scale?: number;
}

/** What a density model says about one image, in the image's own pixel coordinates. */
export interface DensityEstimate {
  /** Density over the whole image; its sum is `count`. Cells are `cellPx` pixels of the input image. */
  density: DensityMap;
  /** Estimated number of people (sum of the density map). */
  count: number;
  /** Head points decoded from the density map, as detections in input-image pixels. */
  points: Detections;
  /** Time spent inside the model runtime, in milliseconds (summed over tiles). */
  inferenceMs: number;
  /** Number of tiles the image was split into (1 when it fitted whole). */
  tiles: number;
}

/** Anything that turns an image into a crowd density map (one verb: `estimate`). */
export interface DensityEstimator {
  estimate(image: RgbImage, options?: DensityEstimateOptions): Promise<DensityEstimate>;
  close(): Promise<void>;
}
