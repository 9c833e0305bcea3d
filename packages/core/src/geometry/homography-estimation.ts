import { applyHomography, multiplyHomography, normalizeHomography, type Homography } from './homography.js';
import type { PointXY } from './polygon.js';
import { singularValueDecomposition } from './singular-value-decomposition.js';

/** Hartley normalisation: moves the centroid to the origin and scales the mean distance to √2. */
function normalizingTransform(points: readonly PointXY[]): Homography {
  let cx = 0;
  let cy = 0;
  for (const [x, y] of points) {
    cx += x;
    cy += y;
  }
  cx /= points.length;
  cy /= points.length;
  let meanDist = 0;
  for (const [x, y] of points) meanDist += Math.hypot(x - cx, y - cy);
  meanDist /= points.length;
  const s = meanDist > 0 ? Math.SQRT2 / meanDist : 1;
  return Float64Array.of(s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1);
}

function inverseNormalizingTransform(t: Homography): Homography {
  const s = t[0]!;
  return Float64Array.of(1 / s, 0, -t[2]! / s, 0, 1 / s, -t[5]! / s, 0, 0, 1);
}

/**
 * Homography mapping `src[i]` to `dst[i]` by the normalised direct linear transform (Hartley & Zisserman,
 * algorithm 4.2): least squares in the algebraic error over all pairs, exact for 4 pairs in general
 * position. Returns undefined when the points are degenerate (fewer than 4, or 3 of the 4 needed on a
 * line), i.e. when the DLT system has more than one null direction.
 *
 * @example estimateHomography([[0,0],[1,0],[1,1],[0,1]], [[0,0],[2,0],[2,2],[0,2]]) // ≈ scale 2
 */
export function estimateHomography(src: readonly PointXY[], dst: readonly PointXY[]): Homography | undefined {
  const n = src.length;
  if (n < 4 || dst.length !== n) return undefined;
  const ts = normalizingTransform(src);
  const td = normalizingTransform(dst);
  const rows = Math.max(2 * n, 9);
  const a = new Float64Array(rows * 9);
  for (let i = 0; i < n; i++) {
    const [x, y] = applyHomography(ts, src[i]!);
    const [u, v] = applyHomography(td, dst[i]!);
    a.set([-x, -y, -1, 0, 0, 0, u * x, u * y, u], 18 * i);
    a.set([0, 0, 0, -x, -y, -1, v * x, v * y, v], 18 * i + 9);
  }
  const { singularValues, v } = singularValueDecomposition(a, rows, 9);
  const largest = singularValues[0]!;
  // A second (near-)null direction means the points do not pin the transform down.
  if (!(largest > 0) || singularValues[7]! <= 1e-9 * largest) return undefined;
  const hn = new Float64Array(9);
  for (let r = 0; r < 9; r++) hn[r] = v[r * 9 + 8]!;
  const h = multiplyHomography(inverseNormalizingTransform(td), multiplyHomography(hn, ts));
  return normalizeHomography(h);
}

/** Distance between `h(src)` and `dst` (the transfer error, in the unit of `dst`); Infinity at the horizon. */
export function transferError(h: Homography, src: PointXY, dst: PointXY): number {
  const [x, y] = applyHomography(h, src);
  const e = Math.hypot(x - dst[0], y - dst[1]);
  return Number.isFinite(e) ? e : Infinity;
}

/** Root mean square transfer error over the pairs where `mask` is true (all pairs without a mask). */
export function transferRmse(
  h: Homography,
  src: readonly PointXY[],
  dst: readonly PointXY[],
  mask?: readonly boolean[],
): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < src.length; i++) {
    if (mask && !mask[i]) continue;
    const e = transferError(h, src[i]!, dst[i]!);
    sum += e * e;
    count++;
  }
  return count > 0 ? Math.sqrt(sum / count) : NaN;
}

/** A small seeded PRNG (mulberry32) so that RANSAC runs are reproducible. Returns floats in [0, 1). */
function ransacRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for {@link estimateHomographyRansac}. */
export interface RansacOptions {
  /** Largest transfer error (unit of `dst`) for a pair to count as an inlier. Default 3. */
  thresholdDst?: number;
  /** Upper bound on random samples. Default 2000. */
  maxIterations?: number;
  /** Probability of drawing at least one all-inlier sample, to stop early. Default 0.999. */
  confidence?: number;
  /** PRNG seed (runs are deterministic for a seed). Default 1. */
  seed?: number;
}

/** A robust homography fit. */
export interface RansacHomography {
  homography: Homography;
  /** `inliers[i]` is true when pair i agrees with the fit within the threshold. */
  inliers: boolean[];
  inlierCount: number;
  /** RMS transfer error of the inliers, in the unit of `dst`. */
  rmseDst: number;
}

function collinear(a: PointXY, b: PointXY, c: PointXY, scale: number): boolean {
  const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return Math.abs(cross) <= 1e-9 * scale * scale;
}

function sampleIsDegenerate(points: readonly PointXY[], scale: number): boolean {
  const [a, b, c, d] = points as [PointXY, PointXY, PointXY, PointXY];
  return (
    collinear(a, b, c, scale) || collinear(a, b, d, scale) || collinear(a, c, d, scale) || collinear(b, c, d, scale)
  );
}

function spread(points: readonly PointXY[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return Math.max(maxX - minX, maxY - minY, 1e-12);
}

/**
 * Homography from `src` to `dst` robust to wrong pairs: RANSAC over minimal 4-pair samples (seeded,
 * reproducible), then a normalised-DLT refit on all inliers, repeated until the inlier set is stable.
 * Returns undefined when no 4 pairs in general position agree.
 */
export function estimateHomographyRansac(
  src: readonly PointXY[],
  dst: readonly PointXY[],
  options: RansacOptions = {},
): RansacHomography | undefined {
  const n = src.length;
  if (n < 4 || dst.length !== n) return undefined;
  const threshold = options.thresholdDst ?? 3;
  const maxIterations = options.maxIterations ?? 2000;
  const confidence = options.confidence ?? 0.999;
  const random = ransacRandom(options.seed ?? 1);
  const srcScale = spread(src);
  const dstScale = spread(dst);

  const inliersOf = (h: Homography): boolean[] => src.map((s, i) => transferError(h, s, dst[i]!) <= threshold);
  const countOf = (mask: readonly boolean[]): number => mask.reduce((k, m) => k + (m ? 1 : 0), 0);

  let best: boolean[] | undefined;
  let bestCount = 0;
  let needed = maxIterations;
  for (let iter = 0; iter < Math.min(needed, maxIterations); iter++) {
    const idx = new Set<number>();
    while (idx.size < 4) idx.add(Math.floor(random() * n));
    const picks = [...idx];
    const s = picks.map((i) => src[i]!);
    const d = picks.map((i) => dst[i]!);
    if (sampleIsDegenerate(s, srcScale) || sampleIsDegenerate(d, dstScale)) continue;
    const h = estimateHomography(s, d);
    if (!h) continue;
    const mask = inliersOf(h);
    const count = countOf(mask);
    if (count > bestCount) {
      best = mask;
      bestCount = count;
      const w = count / n;
      const pAllIn = Math.pow(w, 4);
      needed = pAllIn >= 1 ? 1 : Math.ceil(Math.log(1 - confidence) / Math.log(1 - pAllIn));
    }
  }
  if (!best || bestCount < 4) return undefined;

  let mask = best;
  let homography: Homography | undefined;
  for (let round = 0; round < 5; round++) {
    const fit = estimateHomography(
      src.filter((_, i) => mask[i]),
      dst.filter((_, i) => mask[i]),
    );
    if (!fit) break;
    homography = fit;
    const next = inliersOf(fit);
    if (countOf(next) < 4) break;
    const same = next.every((m, i) => m === mask[i]);
    mask = next;
    if (same) break;
  }
  if (!homography) return undefined;
  return { homography, inliers: mask, inlierCount: countOf(mask), rmseDst: transferRmse(homography, src, dst, mask) };
}
