import { describe, expect, it } from 'vitest';
import {
  closestOnSegment,
  inRect,
  pointInPolygon,
  polygonArea,
  rectPolygon,
  segmentCrossing,
  type Point2,
} from './planar-geometry.js';

const square = rectPolygon({ x0: 0, y0: 0, x1: 4, y1: 3 });
const triangle: Point2[] = [
  [0, 0],
  [4, 0],
  [0, 4],
];

describe('planar geometry', () => {
  it.each<[string, Point2[], number]>([
    ['rectangle', square, 12],
    ['triangle', triangle, 8],
    ['reversed triangle', [...triangle].reverse(), 8],
  ])('area of a %s', (_name, polygon, area) => expect(polygonArea(polygon)).toBeCloseTo(area, 12));

  it.each<[number, number, boolean]>([
    [1, 1, true],
    [3.9, 2.9, true],
    [4.1, 1, false],
    [-0.1, 1, false],
    [2, 3.5, false],
  ])('(%d, %d) in the rectangle: %s', (x, y, inside) => {
    expect(pointInPolygon(x, y, square)).toBe(inside);
    expect(inRect(x, y, { x0: 0, y0: 0, x1: 4, y1: 3 })).toBe(inside);
  });

  it('finds the closest point of a segment', () => {
    expect(closestOnSegment(2, 5, [0, 0], [4, 0])).toBeCloseTo(0.5);
    expect(closestOnSegment(-3, 1, [0, 0], [4, 0])).toBe(0);
    expect(closestOnSegment(9, 1, [0, 0], [4, 0])).toBe(1);
  });

  it.each<[string, [number, number, number, number], number]>([
    ['down across a rightward line (left to right)', [1, -1, 1, 1], 1],
    ['up across it', [1, 1, 1, -1], -1],
    ['past its end', [5, -1, 5, 1], 0],
    ['along it', [0, -1, 3, -1], 0],
  ])('crossing %s', (_name, [px, py, qx, qy], sign) => {
    expect(segmentCrossing(px, py, qx, qy, [0, 0], [4, 0])).toBe(sign);
  });
});
