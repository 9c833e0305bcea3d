import type { RandomSource } from '../tracking/track-id-source.js';
import type { PointFrame, TrackFrame } from '../tracking/track-frame.js';

/** How to turn ground-truth trajectories into what a point detector would output. */
export interface TrackDegradation {
  /** Keep every n-th frame (1 = all). */
  frameStep: number;
  /** Standard deviation of Gaussian position noise per axis, pixels. */
  noiseSigmaPx: number;
  /** Probability that a true point is missed, independently per point and frame. */
  missRate: number;
  /** Expected false positives per true point, placed uniformly over the frame. */
  falsePositiveRate: number;
  /** Camera shake: standard deviation of an independent random shift of each kept frame, pixels. */
  cameraShakePx?: number;
  /** Frame size for false positives, pixels. */
  frameWidthPx: number;
  frameHeightPx: number;
}

/**
 * The standard and hard levels of the tracking acceptance test, and 'shaky' (standard plus a camera
 * shaking by 4 px per frame, for camera-motion compensation). Frame size is set per sequence.
 */
export const DEGRADATION_LEVELS = {
  standard: { frameStep: 1, noiseSigmaPx: 1.5, missRate: 0.1, falsePositiveRate: 0.05 },
  hard: { frameStep: 5, noiseSigmaPx: 2.5, missRate: 0.2, falsePositiveRate: 0.1 },
  shaky: { frameStep: 1, noiseSigmaPx: 1.5, missRate: 0.1, falsePositiveRate: 0.05, cameraShakePx: 4 },
} as const satisfies Record<string, Omit<TrackDegradation, 'frameWidthPx' | 'frameHeightPx'>>;

/** Result of {@link degradeTracks}. */
export interface DegradedSequence {
  /** Ground truth on the kept frames (shifted with the camera when it shakes). */
  gt: TrackFrame[];
  /** Simulated detections on the kept frames, shuffled, all with score 1. */
  detections: PointFrame[];
}

/**
 * Degrades ground-truth trajectories the way a point detector would (seeded, reproducible):
 * subsampling, Gaussian noise, independent misses, uniform false positives and optionally camera
 * shake (the whole frame, truth included, shifted at random). Detections within a frame are shuffled
 * so no tracker can lean on the ground truth's row order.
 */
export function degradeTracks(
  gt: readonly TrackFrame[],
  degradation: TrackDegradation,
  random: RandomSource,
): DegradedSequence {
  const gauss = gaussian(random);
  const shake = degradation.cameraShakePx ?? 0;
  const kept = gt
    .filter((frame) => frame.frame % degradation.frameStep === 0)
    .map((frame): TrackFrame => {
      if (shake <= 0) return frame;
      const dx = shake * gauss();
      const dy = shake * gauss();
      const xy = Float32Array.from(frame.xy, (v, k) => v + (k % 2 === 0 ? dx : dy));
      return { frame: frame.frame, ids: frame.ids, xy };
    });
  const detections = kept.map((frame): PointFrame => {
    const xy: number[] = [];
    const n = frame.ids.length;
    for (let i = 0; i < n; i++) {
      if (random() >= degradation.missRate) {
        xy.push(
          frame.xy[2 * i]! + degradation.noiseSigmaPx * gauss(),
          frame.xy[2 * i + 1]! + degradation.noiseSigmaPx * gauss(),
        );
      }
      if (random() < degradation.falsePositiveRate) {
        xy.push(random() * degradation.frameWidthPx, random() * degradation.frameHeightPx);
      }
    }
    const count = xy.length >> 1;
    const order = Array.from({ length: count }, (_, k) => k);
    for (let k = count - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    const shuffled = new Float32Array(2 * count);
    order.forEach((from, to) => {
      shuffled[2 * to] = xy[2 * from]!;
      shuffled[2 * to + 1] = xy[2 * from + 1]!;
    });
    return { frame: frame.frame, xy: shuffled, score: new Float32Array(count).fill(1) };
  });
  return { gt: kept, detections };
}

/** Standard normal samples (Box-Muller). */
function gaussian(random: RandomSource): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u <= 1e-12) u = random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}
