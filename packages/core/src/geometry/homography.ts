import type { PointXY, Ring } from './polygon.js';

/**
 * A plane-to-plane projective transform as a 3x3 row-major matrix (9 numbers):
 * `[x', y', w'] = H · [x, y, 1]`, result `(x'/w', y'/w')`.
 */
export type Homography = Float64Array;

/** The identity homography. */
export function identityHomography(): Homography {
  return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
}

/** A homography from 9 row-major numbers (copied). */
export function homographyFrom(values: ArrayLike<number>): Homography {
  if (values.length !== 9) throw new RangeError(`homography needs 9 values, got ${values.length}`);
  return Float64Array.from(values);
}

/** Scales x by `sx` and y by `sy`. */
export function scaleHomography(sx: number, sy: number): Homography {
  return Float64Array.of(sx, 0, 0, 0, sy, 0, 0, 0, 1);
}

/** Translates by `(tx, ty)`. */
export function translateHomography(tx: number, ty: number): Homography {
  return Float64Array.of(1, 0, tx, 0, 1, ty, 0, 0, 1);
}

/** `a · b`: applies `b` first, then `a`. */
export function multiplyHomography(a: Homography, b: Homography): Homography {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

/** Determinant of a 3x3 matrix. */
export function homographyDeterminant(h: Homography): number {
  return (
    h[0]! * (h[4]! * h[8]! - h[5]! * h[7]!) -
    h[1]! * (h[3]! * h[8]! - h[5]! * h[6]!) +
    h[2]! * (h[3]! * h[7]! - h[4]! * h[6]!)
  );
}

/**
 * Inverse transform; throws a RangeError when `h` is singular. Singular means the determinant is tiny
 * against the product of the column lengths (Hadamard's bound, which it reaches for orthogonal
 * columns): unlike a bound from the largest entry, this does not mistake a well-conditioned map with a
 * large translation (a ground frame kilometres from its origin, in metres) for a degenerate one.
 */
export function invertHomography(h: Homography): Homography {
  const det = homographyDeterminant(h);
  const column = (c: number): number => Math.hypot(h[c]!, h[3 + c]!, h[6 + c]!);
  const bound = column(0) * column(1) * column(2);
  if (!Number.isFinite(det) || !(Math.abs(det) > 1e-12 * bound)) {
    throw new RangeError('homography is singular (all points map onto a line); it has no inverse');
  }
  const [a, b, c, d, e, f, g, k, l] = Array.from(h) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const inv = Float64Array.of(
    e * l - f * k,
    c * k - b * l,
    b * f - c * e,
    f * g - d * l,
    a * l - c * g,
    c * d - a * f,
    d * k - e * g,
    b * g - a * k,
    a * e - b * d,
  );
  for (let i = 0; i < 9; i++) inv[i] = inv[i]! / det;
  return normalizeHomography(inv);
}

/** Scales `h` so that `h[8] = 1` (or its largest entry has magnitude 1 when `h[8]` is ~0). */
export function normalizeHomography(h: Homography): Homography {
  const out = Float64Array.from(h);
  const maxAbs = Math.max(...Array.from(h, Math.abs));
  const s = Math.abs(h[8]!) > 1e-12 * maxAbs ? h[8]! : maxAbs;
  if (s === 0) return out;
  for (let i = 0; i < 9; i++) out[i] = out[i]! / s;
  return out;
}

/** The homogeneous weight `w'` of `(x, y)` under `h`; its sign tells on which side of the horizon a point is. */
export function homographyWeight(h: Homography, x: number, y: number): number {
  return h[6]! * x + h[7]! * y + h[8]!;
}

/**
 * Maps one point. Returns `[NaN, NaN]` when the point maps to infinity (w' = 0).
 *
 * @example applyHomography(scaleHomography(2, 3), [1, 1]) // [2, 3]
 */
export function applyHomography(h: Homography, p: PointXY): [number, number] {
  const [x, y] = p;
  const w = h[6]! * x + h[7]! * y + h[8]!;
  if (w === 0) return [NaN, NaN];
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/** Maps every vertex of a ring or polyline. */
export function applyHomographyToPoints(h: Homography, points: readonly PointXY[]): PointXY[] {
  return points.map((p) => applyHomography(h, p));
}

/** Maps a ring (alias of {@link applyHomographyToPoints} for readability). */
export function applyHomographyToRing(h: Homography, ring: Ring): PointXY[] {
  return applyHomographyToPoints(h, ring);
}

/**
 * Local scale of `h` at `(x, y)`: the square root of the Jacobian determinant, i.e. how many output
 * units one input unit spans there. For an image-px -> ground-metre homography this is the ground
 * sampling distance (m/px) at that pixel (the geometric mean of the along- and across-track GSD).
 */
export function homographyLocalScale(h: Homography, x: number, y: number): number {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  const u = h[0]! * x + h[1]! * y + h[2]!;
  const v = h[3]! * x + h[4]! * y + h[5]!;
  // d(u/w)/dx = (h0 w - u h6) / w², etc.
  const j00 = (h[0]! * w - u * h[6]!) / (w * w);
  const j01 = (h[1]! * w - u * h[7]!) / (w * w);
  const j10 = (h[3]! * w - v * h[6]!) / (w * w);
  const j11 = (h[4]! * w - v * h[7]!) / (w * w);
  return Math.sqrt(Math.abs(j00 * j11 - j01 * j10));
}
