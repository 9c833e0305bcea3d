/** Small planar geometry helpers for the simulator and its zone meter (metres, y down like images). */

/** A point [x, y]. */
export type Point2 = readonly [number, number];

/** An axis-aligned rectangle from (x0, y0) to (x1, y1). */
export interface RectM {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Area of a simple polygon (shoelace formula), always positive. */
export function polygonArea(polygon: readonly Point2[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [ax, ay] = polygon[i]!;
    const [bx, by] = polygon[(i + 1) % polygon.length]!;
    twice += ax * by - bx * ay;
  }
  return Math.abs(twice) / 2;
}

/** Whether (x, y) is inside a simple polygon (even-odd ray casting). */
export function pointInPolygon(x: number, y: number, polygon: readonly Point2[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The rectangle as a polygon, clockwise in image orientation. */
export function rectPolygon(rect: RectM): Point2[] {
  return [
    [rect.x0, rect.y0],
    [rect.x1, rect.y0],
    [rect.x1, rect.y1],
    [rect.x0, rect.y1],
  ];
}

/** Whether (x, y) lies in the rectangle. */
export function inRect(x: number, y: number, rect: RectM): boolean {
  return x >= rect.x0 && x <= rect.x1 && y >= rect.y0 && y <= rect.y1;
}

/** Parameter t in [0, 1] of the point of segment a-b closest to p. */
export function closestOnSegment(px: number, py: number, a: Point2, b: Point2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return 0;
  return Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / lengthSquared));
}

/**
 * Which way the move p -> q crosses the segment a-b: +1 from its left to its right (image
 * orientation, looking from a to b), -1 the other way, 0 when it does not cross.
 */
export function segmentCrossing(px: number, py: number, qx: number, qy: number, a: Point2, b: Point2): number {
  const side = (x: number, y: number) => (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
  const sp = side(px, py);
  const sq = side(qx, qy);
  if (sp === 0 || sq === 0 || sp > 0 === sq > 0) return 0;
  const ta = (qx - px) * (a[1] - py) - (qy - py) * (a[0] - px);
  const tb = (qx - px) * (b[1] - py) - (qy - py) * (b[0] - px);
  if (ta === 0 || tb === 0 || ta > 0 === tb > 0) return 0;
  return sp < 0 ? 1 : -1;
}
