import { RaqibError } from '../raqib-error.js';

/** How much camera motion the ego-motion model may explain. */
export type EgoMotionModel = 'translation' | 'similarity' | 'affine';

/**
 * The camera's own motion between two frames as a 2-D affine map from a pixel of the previous frame
 * to the same ground point in the current frame: `x' = m11*x + m12*y + txPx`,
 * `y' = m21*x + m22*y + tyPx` (pixels of the analysed frame, y down). A drone's drift, yaw and climb
 * over a flat scene seen from above are close to a similarity (`m11 = m22`, `m12 = -m21`).
 */
export interface EgoMotion {
  model: EgoMotionModel;
  m11: number;
  m12: number;
  m21: number;
  m22: number;
  txPx: number;
  tyPx: number;
  /** Image motion caused by the camera at the image centre, pixels per frame. */
  centreDxPx: number;
  centreDyPx: number;
  /** Mean scale change (>1: zooming in / descending). */
  scale: number;
  /** Rotation of the image content, degrees clockwise (image y points down). */
  rotationDeg: number;
  /** Number of point pairs that agreed with the model. */
  inliers: number;
  /** RMS distance of the inliers from the model, pixels. */
  residualPx: number;
  /**
   * False when too few pairs agreed: the model is then a fallback (see the estimator), or unknown
   * (all numbers NaN, see {@link unknownEgoMotion}) when the image has no texture to measure it on.
   */
  ok: boolean;
}

/** Options of {@link fitEgoMotion}. */
export interface EgoMotionFitOptions {
  model: EgoMotionModel;
  /** A pair is an inlier when it lies within this distance of the model, pixels. */
  inlierPx: number;
  /** RANSAC hypotheses tried. */
  iterations?: number;
  /** Fewest inliers for `ok` (at least the model's minimal sample + 2). */
  minInliers?: number;
  /** Centre of the image, where `centreDxPx/centreDyPx` are evaluated. */
  centreXPx: number;
  centreYPx: number;
  /** Seed of the deterministic random sampler. */
  seed?: number;
}

const MINIMAL_SAMPLE: Record<EgoMotionModel, number> = { translation: 1, similarity: 2, affine: 3 };

/** The identity ego motion (camera still), marked not ok. */
export function identityEgoMotion(model: EgoMotionModel, centreXPx = 0, centreYPx = 0): EgoMotion {
  return finishMotion(model, [1, 0, 0, 1, 0, 0], centreXPx, centreYPx, 0, 0, false);
}

/**
 * The camera motion when nothing in the image can tell it (no texture: a blank or flat frame): every
 * number is NaN, `ok` is false. Check with {@link isEgoMotionKnown}; never subtract it from a flow.
 */
export function unknownEgoMotion(model: EgoMotionModel): EgoMotion {
  return {
    model,
    m11: NaN,
    m12: NaN,
    m21: NaN,
    m22: NaN,
    txPx: NaN,
    tyPx: NaN,
    centreDxPx: NaN,
    centreDyPx: NaN,
    scale: NaN,
    rotationDeg: NaN,
    inliers: 0,
    residualPx: NaN,
    ok: false,
  };
}

/** False for {@link unknownEgoMotion}: the camera's motion could not be measured on this frame. */
export function isEgoMotionKnown(ego: EgoMotion): boolean {
  return Number.isFinite(ego.centreDxPx) && Number.isFinite(ego.centreDyPx);
}

/** A pure camera translation by (`dxPx`, `dyPx`) pixels per frame, marked not ok (a fallback). */
export function translationEgoMotion(dxPx: number, dyPx: number): EgoMotion {
  return finishMotion('translation', [1, 0, 0, 1, dxPx, dyPx], 0, 0, 0, 0, false);
}

/** Where `ego` moves the previous-frame pixel (`xPx`, `yPx`): writes the new position into `out`. */
export function applyEgoMotion(ego: EgoMotion, xPx: number, yPx: number, out: { x: number; y: number }): void {
  out.x = ego.m11 * xPx + ego.m12 * yPx + ego.txPx;
  out.y = ego.m21 * xPx + ego.m22 * yPx + ego.tyPx;
}

/**
 * Fits the camera's motion to point pairs `(fromX, fromY) -> (toX, toY)` (previous frame -> current
 * frame) robustly: RANSAC on minimal samples finds the motion most pairs agree with (people walking
 * are outliers while they are a minority of the textured points), then least squares on its inliers,
 * twice. Pairs with `valid[i] === 0` are ignored.
 *
 * @example
 * const ego = fitEgoMotion(fx, fy, tx, ty, valid, { model: 'similarity', inlierPx: 1.5, centreXPx: 480, centreYPx: 270 });
 */
export function fitEgoMotion(
  fromX: ArrayLike<number>,
  fromY: ArrayLike<number>,
  toX: ArrayLike<number>,
  toY: ArrayLike<number>,
  valid: ArrayLike<number>,
  options: EgoMotionFitOptions,
): EgoMotion {
  if (!(options.inlierPx > 0)) {
    throw new RaqibError('INPUT_INVALID', `ego-motion inlier distance must be > 0 px, got ${options.inlierPx}`);
  }
  const { model, centreXPx: cx, centreYPx: cy } = options;
  const minimal = MINIMAL_SAMPLE[model];
  const minInliers = Math.max(minimal + 2, options.minInliers ?? 8);
  const idx: number[] = [];
  for (let i = 0; i < valid.length; i++) if (valid[i]) idx.push(i);
  const count = idx.length;
  // Centred coordinates keep the normal equations well conditioned.
  const ux = new Float64Array(count);
  const uy = new Float64Array(count);
  const vx = new Float64Array(count);
  const vy = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const i = idx[k] as number;
    ux[k] = (fromX[i] as number) - cx;
    uy[k] = (fromY[i] as number) - cy;
    vx[k] = (toX[i] as number) - cx;
    vy[k] = (toY[i] as number) - cy;
  }
  if (count < minInliers) return identityEgoMotion(model, cx, cy);

  const thr2 = options.inlierPx * options.inlierPx;
  const weights = new Float64Array(count);
  let best: number[] | null = null;
  let bestInliers = -1;
  let seed = (options.seed ?? 0x9e3779b9) >>> 0;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const iterations = options.iterations ?? (model === 'translation' ? 40 : 100);
  const sample: number[] = [];
  for (let it = 0; it < iterations; it++) {
    sample.length = 0;
    for (let tries = 0; sample.length < minimal && tries < 20; tries++) {
      const k = Math.floor(random() * count);
      if (!sample.includes(k)) sample.push(k);
    }
    weights.fill(0);
    for (const k of sample) weights[k] = 1;
    const params = solveWeighted(model, ux, uy, vx, vy, weights);
    if (!params) continue;
    const inliers = markInliers(params, ux, uy, vx, vy, thr2, null);
    if (inliers > bestInliers) {
      bestInliers = inliers;
      best = params;
    }
  }
  if (!best || bestInliers < minInliers) return identityEgoMotion(model, cx, cy);
  let params = best;
  for (let round = 0; round < 2; round++) {
    markInliers(params, ux, uy, vx, vy, thr2, weights);
    const refined = solveWeighted(model, ux, uy, vx, vy, weights);
    if (!refined) break;
    params = refined;
  }
  const inliers = markInliers(params, ux, uy, vx, vy, thr2, weights);
  let sq = 0;
  for (let k = 0; k < count; k++) if (weights[k]) sq += residual2(params, ux, uy, vx, vy, k);
  const residualPx = inliers > 0 ? Math.sqrt(sq / inliers) : 0;
  // Back from centred coordinates: x' - c = M (x - c) + t  =>  x' = M x + (t + c - M c).
  const [m11, m12, m21, m22, tx, ty] = params as [number, number, number, number, number, number];
  const absolute = [m11, m12, m21, m22, tx + cx - m11 * cx - m12 * cy, ty + cy - m21 * cx - m22 * cy];
  return finishMotion(model, absolute, cx, cy, inliers, residualPx, inliers >= minInliers);
}

function finishMotion(
  model: EgoMotionModel,
  p: readonly number[],
  cx: number,
  cy: number,
  inliers: number,
  residualPx: number,
  ok: boolean,
): EgoMotion {
  const [m11, m12, m21, m22, txPx, tyPx] = p as [number, number, number, number, number, number];
  const a = 0.5 * (m11 + m22);
  const b = 0.5 * (m21 - m12);
  return {
    model,
    m11,
    m12,
    m21,
    m22,
    txPx,
    tyPx,
    centreDxPx: m11 * cx + m12 * cy + txPx - cx,
    centreDyPx: m21 * cx + m22 * cy + tyPx - cy,
    scale: Math.hypot(a, b),
    rotationDeg: (Math.atan2(b, a) * 180) / Math.PI,
    inliers,
    residualPx,
    ok,
  };
}

function residual2(
  p: readonly number[],
  ux: Float64Array,
  uy: Float64Array,
  vx: Float64Array,
  vy: Float64Array,
  k: number,
): number {
  const x = ux[k] as number;
  const y = uy[k] as number;
  const ex = (p[0] as number) * x + (p[1] as number) * y + (p[4] as number) - (vx[k] as number);
  const ey = (p[2] as number) * x + (p[3] as number) * y + (p[5] as number) - (vy[k] as number);
  return ex * ex + ey * ey;
}

/** Counts inliers of `p`; when `weights` is given, sets it to 1 for inliers and 0 otherwise. */
function markInliers(
  p: readonly number[],
  ux: Float64Array,
  uy: Float64Array,
  vx: Float64Array,
  vy: Float64Array,
  thr2: number,
  weights: Float64Array | null,
): number {
  let inliers = 0;
  for (let k = 0; k < ux.length; k++) {
    const inlier = residual2(p, ux, uy, vx, vy, k) <= thr2;
    if (inlier) inliers++;
    if (weights) weights[k] = inlier ? 1 : 0;
  }
  return inliers;
}

/** Weighted least squares of the model; returns [m11, m12, m21, m22, tx, ty] or null if degenerate. */
function solveWeighted(
  model: EgoMotionModel,
  ux: Float64Array,
  uy: Float64Array,
  vx: Float64Array,
  vy: Float64Array,
  w: Float64Array,
): number[] | null {
  let sw = 0;
  let mux = 0;
  let muy = 0;
  let mvx = 0;
  let mvy = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k] as number;
    if (!wk) continue;
    sw += wk;
    mux += wk * (ux[k] as number);
    muy += wk * (uy[k] as number);
    mvx += wk * (vx[k] as number);
    mvy += wk * (vy[k] as number);
  }
  if (!(sw > 0)) return null;
  mux /= sw;
  muy /= sw;
  mvx /= sw;
  mvy /= sw;
  if (model === 'translation') return [1, 0, 0, 1, mvx - mux, mvy - muy];
  // Centred second moments.
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxX = 0;
  let sxY = 0;
  let syX = 0;
  let syY = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k] as number;
    if (!wk) continue;
    const x = (ux[k] as number) - mux;
    const y = (uy[k] as number) - muy;
    const X = (vx[k] as number) - mvx;
    const Y = (vy[k] as number) - mvy;
    sxx += wk * x * x;
    sxy += wk * x * y;
    syy += wk * y * y;
    sxX += wk * x * X;
    sxY += wk * x * Y;
    syX += wk * y * X;
    syY += wk * y * Y;
  }
  let m11: number;
  let m12: number;
  let m21: number;
  let m22: number;
  if (model === 'similarity') {
    const norm = sxx + syy;
    if (!(norm > 1e-9)) return null;
    const a = (sxX + syY) / norm;
    const b = (sxY - syX) / norm;
    m11 = a;
    m12 = -b;
    m21 = b;
    m22 = a;
  } else {
    const det = sxx * syy - sxy * sxy;
    if (!(det > 1e-9 * (sxx + syy) * (sxx + syy)) || !(det > 0)) return null;
    // [m11 m12] solves [sxx sxy; sxy syy] [m11; m12] = [sxX; syX], same for the second row.
    m11 = (syy * sxX - sxy * syX) / det;
    m12 = (sxx * syX - sxy * sxX) / det;
    m21 = (syy * sxY - sxy * syY) / det;
    m22 = (sxx * syY - sxy * sxY) / det;
  }
  return [m11, m12, m21, m22, mvx - m11 * mux - m12 * muy, mvy - m21 * mux - m22 * muy];
}
