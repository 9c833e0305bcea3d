/** A 2-D point `[x, y]`: pixels in image space, `[east, north]` metres on the ground. */
export type PointXY = readonly [x: number, y: number];

/**
 * A simple polygon ring as its vertices in order, NOT repeating the first vertex at the end
 * (unlike GeoJSON). Either orientation.
 */
export type Ring = readonly PointXY[];

/**
 * Signed area of a ring by the shoelace formula, in the squared unit of its coordinates:
 * positive for counter-clockwise rings in a y-up frame (clockwise on screen, where y points down).
 */
export function ringSignedArea(ring: Ring): number {
  const n = ring.length;
  if (n < 3) return 0;
  // Shifting by the first vertex keeps the products small (lon/lat- or UTM-sized inputs).
  const [ox, oy] = ring[0]!;
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = ring[i]!;
    const [bx, by] = ring[(i + 1) % n]!;
    twice += (ax - ox) * (by - oy) - (bx - ox) * (ay - oy);
  }
  return twice / 2;
}

/** Area of a ring (shoelace), in the squared unit of its coordinates. */
export function ringArea(ring: Ring): number {
  return Math.abs(ringSignedArea(ring));
}

/** Area of a polygon with holes: outer ring area minus the hole areas. */
export function ringsArea(rings: readonly Ring[]): number {
  let area = 0;
  rings.forEach((ring, i) => (area += i === 0 ? ringArea(ring) : -ringArea(ring)));
  return Math.max(0, area);
}

/** Length of an open polyline, in the unit of its coordinates. */
export function polylineLength(points: readonly PointXY[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) {
    length += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
  }
  return length;
}

/** True when `(x, y)` lies inside the ring (even-odd rule). Points exactly on an edge may go either way. */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when `(x, y)` is inside the outer ring (`rings[0]`) and outside every hole. */
export function pointInRings(x: number, y: number, rings: readonly Ring[]): boolean {
  if (rings.length === 0 || !pointInRing(x, y, rings[0]!)) return false;
  for (let h = 1; h < rings.length; h++) if (pointInRing(x, y, rings[h]!)) return false;
  return true;
}

/** Axis-aligned bounds of a set of points. */
export function pointBounds(points: readonly PointXY[]): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/**
 * Clips a flat ring `[x0, y0, x1, y1, ...]` to one side of an axis-aligned line (one Sutherland-Hodgman
 * step): keeps `coord >= bound` when `keepAbove`, else `coord <= bound`, where coord is x (`axis` 0) or
 * y (`axis` 1). Clipping a simple polygon, convex or not, to a convex window this way keeps its exact
 * area (concave parts may leave zero-width slivers, which add no area).
 */
export function clipFlatRingToAxis(flat: readonly number[], axis: 0 | 1, bound: number, keepAbove: boolean): number[] {
  const out: number[] = [];
  const n = flat.length / 2;
  if (n === 0) return out;
  const inside = (i: number): boolean => (keepAbove ? flat[2 * i + axis]! >= bound : flat[2 * i + axis]! <= bound);
  let prev = n - 1;
  let prevIn = inside(prev);
  for (let i = 0; i < n; i++) {
    const curIn = inside(i);
    if (curIn !== prevIn) {
      const pa = flat[2 * prev + axis]!;
      const ca = flat[2 * i + axis]!;
      const t = (bound - pa) / (ca - pa);
      const px = flat[2 * prev]!;
      const py = flat[2 * prev + 1]!;
      const x = px + t * (flat[2 * i]! - px);
      const y = py + t * (flat[2 * i + 1]! - py);
      // Put the bound exactly on the clipped coordinate so that neighbouring cells share edges exactly.
      if (axis === 0) out.push(bound, y);
      else out.push(x, bound);
    }
    if (curIn) out.push(flat[2 * i]!, flat[2 * i + 1]!);
    prev = i;
    prevIn = curIn;
  }
  return out;
}

/** Signed shoelace area of a flat ring `[x0, y0, x1, y1, ...]`. */
export function flatRingSignedArea(flat: readonly number[]): number {
  const n = flat.length / 2;
  if (n < 3) return 0;
  const ox = flat[0]!;
  const oy = flat[1]!;
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twice += (flat[2 * i]! - ox) * (flat[2 * j + 1]! - oy) - (flat[2 * j]! - ox) * (flat[2 * i + 1]! - oy);
  }
  return twice / 2;
}

/** The ring as a flat array `[x0, y0, x1, y1, ...]`. */
export function flattenRing(ring: Ring): number[] {
  const flat: number[] = [];
  for (const [x, y] of ring) flat.push(x, y);
  return flat;
}

/** Inverse of {@link flattenRing}. */
export function unflattenRing(flat: readonly number[]): PointXY[] {
  const ring: PointXY[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) ring.push([flat[i]!, flat[i + 1]!]);
  return ring;
}

/**
 * Clips a ring to the rectangle `[minX, maxX] x [minY, maxY]` (Sutherland-Hodgman). The result has the
 * exact area of ring ∩ rectangle; an empty array when they do not overlap.
 */
export function clipRingToRect(ring: Ring, minX: number, minY: number, maxX: number, maxY: number): PointXY[] {
  let flat = flattenRing(ring);
  flat = clipFlatRingToAxis(flat, 0, minX, true);
  flat = clipFlatRingToAxis(flat, 0, maxX, false);
  flat = clipFlatRingToAxis(flat, 1, minY, true);
  flat = clipFlatRingToAxis(flat, 1, maxY, false);
  return flat.length >= 6 ? unflattenRing(flat) : [];
}

/**
 * Clips a ring to the half-plane `a·x + b·y + c >= 0` (one Sutherland-Hodgman step).
 * Used to keep the part of a ground polygon that lies in front of a camera.
 */
export function clipRingToHalfPlane(ring: Ring, a: number, b: number, c: number): PointXY[] {
  const out: PointXY[] = [];
  const n = ring.length;
  if (n === 0) return out;
  const side = (p: PointXY): number => a * p[0] + b * p[1] + c;
  let prev = ring[n - 1]!;
  let prevSide = side(prev);
  for (const cur of ring) {
    const curSide = side(cur);
    if (curSide >= 0 !== prevSide >= 0) {
      const t = prevSide / (prevSide - curSide);
      out.push([prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])]);
    }
    if (curSide >= 0) out.push(cur);
    prev = cur;
    prevSide = curSide;
  }
  return out.length >= 3 ? out : [];
}

function orientation(a: PointXY, b: PointXY, c: PointXY): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function onSegment(a: PointXY, b: PointXY, p: PointXY): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** True when segments `p1-p2` and `q1-q2` share at least one point (touching counts). */
export function segmentsIntersect(p1: PointXY, p2: PointXY, q1: PointXY, q2: PointXY): boolean {
  const d1 = orientation(q1, q2, p1);
  const d2 = orientation(q1, q2, p2);
  const d3 = orientation(p1, p2, q1);
  const d4 = orientation(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(q1, q2, p1)) return true;
  if (d2 === 0 && onSegment(q1, q2, p2)) return true;
  if (d3 === 0 && onSegment(p1, p2, q1)) return true;
  if (d4 === 0 && onSegment(p1, p2, q2)) return true;
  return false;
}

/**
 * The first pair of non-adjacent edges of a ring that touch or cross, as edge start indices
 * (edge i runs from vertex i to vertex i+1, the last edge back to vertex 0); undefined for a simple ring.
 * O(n²): rings are bounded in size where this is used (zone files).
 */
export function findRingSelfIntersection(ring: Ring): [edgeA: number, edgeB: number] | undefined {
  const n = ring.length;
  if (n < 4) return undefined;
  for (let i = 0; i < n; i++) {
    const a1 = ring[i]!;
    const a2 = ring[(i + 1) % n]!;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      if (segmentsIntersect(a1, a2, ring[j]!, ring[(j + 1) % n]!)) return [i, j];
    }
  }
  return undefined;
}

/** The ring without consecutive duplicate vertices (and without a closing vertex equal to the first). */
export function dedupeRing(ring: Ring): PointXY[] {
  const out: PointXY[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  return out;
}
