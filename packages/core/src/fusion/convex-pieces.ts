import { clipRingToHalfPlane, ringSignedArea, type PointXY, type Ring } from '../geometry/polygon.js';

/** Pieces smaller than this (m²) are slivers from rounding and are dropped. */
const SLIVER_M2 = 1e-6;

/** The ring in counter-clockwise order (positive signed area, x east / y north). */
export function counterClockwise(ring: Ring): PointXY[] {
  return ringSignedArea(ring) < 0 ? [...ring].reverse() : [...ring];
}

/**
 * The half-plane to the left of the edge `a -> b` (the inside of a counter-clockwise convex ring),
 * as `[A, B, C]` with `A·x + B·y + C >= 0` inside.
 */
function leftOf(a: PointXY, b: PointXY): [number, number, number] {
  const nx = -(b[1] - a[1]);
  const ny = b[0] - a[0];
  return [nx, ny, -(nx * a[0] + ny * a[1])];
}

/**
 * Clips any ring (convex or not) to a convex ring (Sutherland-Hodgman, one half-plane per edge of
 * `convex`). The result has the exact area of ring ∩ convex; for a concave `ring` cut into several
 * parts it may join them with zero-width bridges, which change neither area nor point-in-ring tests
 * away from the bridge. Empty when they do not overlap.
 */
export function clipRingToConvex(ring: Ring, convex: Ring): PointXY[] {
  const c = counterClockwise(convex);
  let out: PointXY[] = [...ring];
  for (let i = 0; i < c.length && out.length >= 3; i++) {
    const [A, B, C] = leftOf(c[i]!, c[(i + 1) % c.length]!);
    out = clipRingToHalfPlane(out, A, B, C);
  }
  return out.length >= 3 ? out : [];
}

/**
 * `piece` minus `cut`, both convex rings, as disjoint convex pieces: for each edge k of `cut`, the part
 * of `piece` outside edge k and inside edges 0..k-1. Slivers below 1e-6 m² are dropped.
 */
export function subtractConvex(piece: Ring, cut: Ring): PointXY[][] {
  const c = counterClockwise(cut);
  const pieces: PointXY[][] = [];
  let rest: PointXY[] = counterClockwise(piece);
  for (let i = 0; i < c.length && rest.length >= 3; i++) {
    const [A, B, C] = leftOf(c[i]!, c[(i + 1) % c.length]!);
    const outside = clipRingToHalfPlane(rest, -A, -B, -C);
    if (outside.length >= 3 && Math.abs(ringSignedArea(outside)) > SLIVER_M2) pieces.push(outside);
    rest = clipRingToHalfPlane(rest, A, B, C);
  }
  return pieces;
}

/** True when `(x, y)` lies inside or on a convex ring (either orientation). */
export function pointInConvex(x: number, y: number, convex: Ring): boolean {
  const n = convex.length;
  if (n < 3) return false;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const a = convex[i]!;
    const b = convex[(i + 1) % n]!;
    const cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
