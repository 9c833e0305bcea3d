import type { SpatialGrid } from './spatial-grid.js';
import { fitSimilarity, IDENTITY_MOTION, type SimilarityMotion } from './similarity-motion.js';

/** Options of {@link estimateImageMotion}. */
export interface ImageMotionEstimateOptions {
  /** Largest camera shift between two frames searched for, in pixels (beyond `prior`). */
  searchRadiusPx: number;
  /** Histogram bin of the shift vote, pixels. */
  binPx?: number;
  /** Radius around the voted shift within which pairs count as inliers, pixels. */
  inlierRadiusPx: number;
  /** Shift expected before looking (e.g. the last frame's), pixels. */
  prior?: { dxPx: number; dyPx: number };
  /** Most reference points used for voting (evenly sampled), to bound the cost in dense crowds. */
  maxVoters?: number;
  /** Fewest inlier pairs for an estimate. */
  minInliers?: number;
  /** Also fit rotation and scale (else shift only). */
  fitRotationScale?: boolean;
}

/** Result of {@link estimateImageMotion}. */
export interface ImageMotionEstimate {
  motion: SimilarityMotion;
  /** Reference points with a detection within 0.6 x `inlierRadiusPx` after applying the estimate. */
  inliers: number;
  /** The same count without any motion: when it is close to `inliers`, the motion explains little. */
  inliersWithoutMotion: number;
  /** Standard error of the shift, pixels (Infinity when there was no estimate). */
  shiftStdErrPx: number;
  /** Whether enough pairs agreed. */
  ok: boolean;
}

/**
 * Estimates the global image motion (the camera's) that maps `reference` points (tracks' predicted
 * positions, person motion already applied) onto `detections`, robustly and without knowing which
 * detection belongs to which track: every reference point votes for the shifts to all detections
 * near it; the true camera shift collects one vote per point while wrong pairings scatter. The peak
 * is refined by re-pairing and averaging; optionally a similarity is fitted to the pairs, trimmed twice.
 *
 * @param reference interleaved xy of reference points (e.g. confirmed tracks), pixels
 * @param detections grid over the current frame's detection centres
 * @param detectionXY the interleaved xy the grid was built from
 */
export function estimateImageMotion(
  reference: ArrayLike<number>,
  detections: SpatialGrid,
  detectionXY: ArrayLike<number>,
  options: ImageMotionEstimateOptions,
): ImageMotionEstimate {
  const none: ImageMotionEstimate = {
    motion: { ...IDENTITY_MOTION },
    inliers: 0,
    inliersWithoutMotion: 0,
    shiftStdErrPx: Infinity,
    ok: false,
  };
  const refCount = reference.length >> 1;
  const minInliers = options.minInliers ?? 8;
  if (refCount < minInliers || detectionXY.length >> 1 < minInliers) return none;
  const priorX = options.prior?.dxPx ?? 0;
  const priorY = options.prior?.dyPx ?? 0;
  const radius = options.searchRadiusPx;
  const binPx = options.binPx ?? 2;
  const side = 2 * Math.ceil(radius / binPx) + 1;
  const half = (side - 1) / 2;
  const histogram = new Float32Array(side * side);
  const step = Math.max(1, Math.floor(refCount / (options.maxVoters ?? 400)));
  let voters = 0;
  for (let i = 0; i < refCount; i += step) {
    const rx = reference[2 * i]! + priorX;
    const ry = reference[2 * i + 1]! + priorY;
    voters++;
    detections.forEachWithin(rx, ry, radius, (j) => {
      const bx = Math.round((detectionXY[2 * j]! - rx) / binPx) + half;
      const by = Math.round((detectionXY[2 * j + 1]! - ry) / binPx) + half;
      if (bx >= 0 && bx < side && by >= 0 && by < side) histogram[by * side + bx]! += 1;
    });
  }
  // Peak of the 3x3-smoothed histogram.
  let best = -1;
  let bestX = half;
  let bestY = half;
  for (let by = 0; by < side; by++) {
    for (let bx = 0; bx < side; bx++) {
      let sum = 0;
      for (let oy = -1; oy <= 1; oy++) {
        const yy = by + oy;
        if (yy < 0 || yy >= side) continue;
        for (let ox = -1; ox <= 1; ox++) {
          const xx = bx + ox;
          if (xx >= 0 && xx < side) sum += histogram[yy * side + xx]!;
        }
      }
      // Ties go to the shift closest to the prior (the centre bin).
      if (
        sum > best ||
        (sum === best && (bx - half) ** 2 + (by - half) ** 2 < (bestX - half) ** 2 + (bestY - half) ** 2)
      ) {
        best = sum;
        bestX = bx;
        bestY = by;
      }
    }
  }
  if (best < Math.max(minInliers, 0.2 * voters)) return none;
  let shiftX = priorX + (bestX - half) * binPx;
  let shiftY = priorY + (bestY - half) * binPx;
  // Mean shift from the voted bin: pair each reference point with its nearest detection around the
  // current shift and move to the mean displacement, until it settles.
  const inlierRadius = options.inlierRadiusPx;
  const from: number[] = [];
  const to: number[] = [];
  for (let iteration = 0; iteration < 8; iteration++) {
    from.length = 0;
    to.length = 0;
    for (let i = 0; i < refCount; i++) {
      const rx = reference[2 * i]!;
      const ry = reference[2 * i + 1]!;
      let nearest = -1;
      let nearestSq = Infinity;
      detections.forEachWithin(rx + shiftX, ry + shiftY, inlierRadius, (j, d2) => {
        if (d2 < nearestSq) {
          nearestSq = d2;
          nearest = j;
        }
      });
      if (nearest < 0) continue;
      from.push(rx, ry);
      to.push(detectionXY[2 * nearest]!, detectionXY[2 * nearest + 1]!);
    }
    const pairs = from.length >> 1;
    if (pairs < minInliers) return none;
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < pairs; k++) {
      sx += to[2 * k]! - from[2 * k]!;
      sy += to[2 * k + 1]! - from[2 * k + 1]!;
    }
    const moved = Math.hypot(sx / pairs - shiftX, sy / pairs - shiftY);
    shiftX = sx / pairs;
    shiftY = sy / pairs;
    if (moved < 0.02) break;
  }
  const pairs = from.length >> 1;
  let residualSq = 0;
  for (let k = 0; k < pairs; k++) {
    residualSq += (to[2 * k]! - from[2 * k]! - shiftX) ** 2 + (to[2 * k + 1]! - from[2 * k + 1]! - shiftY) ** 2;
  }
  const shiftStdErrPx = Math.sqrt(residualSq / Math.max(1, pairs - 1) / pairs);
  let motion: SimilarityMotion = { a: 1, b: 0, txPx: shiftX, tyPx: shiftY };
  if (options.fitRotationScale) {
    let fitted = fitSimilarity(from, to);
    const weights = new Float64Array(pairs);
    for (let trim = 0; trim < 2; trim++) {
      const residuals = new Float64Array(pairs);
      for (let k = 0; k < pairs; k++) {
        const fx = from[2 * k]!;
        const fy = from[2 * k + 1]!;
        residuals[k] = Math.hypot(
          fitted.a * fx - fitted.b * fy + fitted.txPx - to[2 * k]!,
          fitted.b * fx + fitted.a * fy + fitted.tyPx - to[2 * k + 1]!,
        );
      }
      const limit = 2.5 * median(residuals) + 1e-6;
      for (let k = 0; k < pairs; k++) weights[k] = residuals[k]! <= limit ? 1 : 0;
      fitted = fitSimilarity(from, to, weights);
    }
    // Keep the fitted rotation/scale only when it is plausible for one frame step.
    const scale = Math.hypot(fitted.a, fitted.b);
    if (Math.abs(scale - 1) < 0.05 && Math.abs(Math.atan2(fitted.b, fitted.a)) < 0.05) motion = fitted;
  }
  // Support is counted in a tighter radius than the pairing so that small shifts are told apart.
  const supportRadius = 0.6 * inlierRadius;
  const inliersWithoutMotion = countSupported(reference, detections, IDENTITY_MOTION, supportRadius);
  const inliers = countSupported(reference, detections, motion, supportRadius);
  return { motion, inliers, inliersWithoutMotion, shiftStdErrPx, ok: inliers >= minInliers };
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1]!;
}

/** Reference points with a detection within `radius` of their image under `motion`. */
function countSupported(
  reference: ArrayLike<number>,
  detections: SpatialGrid,
  motion: SimilarityMotion,
  radius: number,
): number {
  let supported = 0;
  for (let i = 0; i < reference.length >> 1; i++) {
    const x = reference[2 * i]!;
    const y = reference[2 * i + 1]!;
    let found = false;
    detections.forEachWithin(
      motion.a * x - motion.b * y + motion.txPx,
      motion.b * x + motion.a * y + motion.tyPx,
      radius,
      () => {
        found = true;
      },
    );
    if (found) supported++;
  }
  return supported;
}
