/**
 * Global image motion between two frames as a 2-D similarity (rotation, uniform scale, shift):
 * `x' = a*x - b*y + txPx`, `y' = b*x + a*y + tyPx`. Scale is `hypot(a, b)`, rotation `atan2(b, a)`.
 * A drone's drift, yaw and climb between two frames of a nadir view are close to a similarity.
 */
export interface SimilarityMotion {
  a: number;
  b: number;
  txPx: number;
  tyPx: number;
}

/** No motion. */
export const IDENTITY_MOTION: SimilarityMotion = Object.freeze({ a: 1, b: 0, txPx: 0, tyPx: 0 });

/** A pure shift by (dxPx, dyPx), e.g. from a FlowField's `egoDxPx` / `egoDyPx`. */
export function translationMotion(dxPx: number, dyPx: number): SimilarityMotion {
  return { a: 1, b: 0, txPx: dxPx, tyPx: dyPx };
}

/**
 * A similarity from rotation (radians, clockwise in image coordinates where y points down), scale
 * and a shift, applied about `centre` (e.g. the image centre).
 */
export function similarityMotion(
  rotationRad: number,
  scale: number,
  dxPx: number,
  dyPx: number,
  centre: { xPx: number; yPx: number } = { xPx: 0, yPx: 0 },
): SimilarityMotion {
  const a = scale * Math.cos(rotationRad);
  const b = scale * Math.sin(rotationRad);
  return {
    a,
    b,
    txPx: centre.xPx - a * centre.xPx + b * centre.yPx + dxPx,
    tyPx: centre.yPx - b * centre.xPx - a * centre.yPx + dyPx,
  };
}

/** Whether `motion` is the identity within `tolerance`. */
export function isIdentityMotion(motion: SimilarityMotion, tolerance = 1e-9): boolean {
  return (
    Math.abs(motion.a - 1) <= tolerance &&
    Math.abs(motion.b) <= tolerance &&
    Math.abs(motion.txPx) <= tolerance &&
    Math.abs(motion.tyPx) <= tolerance
  );
}

/**
 * Least-squares similarity mapping `from[i]` onto `to[i]` (interleaved xy), optionally weighted.
 * Returns the identity when fewer than 2 weighted pairs are given; with points all at one place
 * only the shift is estimated.
 */
export function fitSimilarity(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  weights?: ArrayLike<number>,
): SimilarityMotion {
  const n = from.length >> 1;
  let sw = 0;
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (!(w > 0)) continue;
    sw += w;
    fx += w * from[2 * i]!;
    fy += w * from[2 * i + 1]!;
    tx += w * to[2 * i]!;
    ty += w * to[2 * i + 1]!;
  }
  if (sw === 0) return { ...IDENTITY_MOTION };
  fx /= sw;
  fy /= sw;
  tx /= sw;
  ty /= sw;
  let sxx = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (!(w > 0)) continue;
    const px = from[2 * i]! - fx;
    const py = from[2 * i + 1]! - fy;
    const qx = to[2 * i]! - tx;
    const qy = to[2 * i + 1]! - ty;
    sxx += w * (px * px + py * py);
    sa += w * (px * qx + py * qy);
    sb += w * (px * qy - py * qx);
  }
  const a = sxx > 1e-9 ? sa / sxx : 1;
  const b = sxx > 1e-9 ? sb / sxx : 0;
  return { a, b, txPx: tx - a * fx + b * fy, tyPx: ty - b * fx - a * fy };
}

/** Maps one point; returns [x', y']. */
export function applyMotion(motion: SimilarityMotion, xPx: number, yPx: number): [number, number] {
  return [motion.a * xPx - motion.b * yPx + motion.txPx, motion.b * xPx + motion.a * yPx + motion.tyPx];
}
