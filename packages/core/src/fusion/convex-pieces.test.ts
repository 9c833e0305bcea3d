import { describe, expect, it } from 'vitest';
import { ringArea, type PointXY, type Ring } from '../geometry/polygon.js';
import { clipRingToConvex, counterClockwise, pointInConvex, subtractConvex } from './convex-pieces.js';

const rect = (x0: number, y0: number, x1: number, y1: number): PointXY[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];
// 4x4 square minus its top-right 2x2 quarter: area 12, concave.
const lShape: Ring = [
  [0, 0],
  [4, 0],
  [4, 2],
  [2, 2],
  [2, 4],
  [0, 4],
];
const diamond: Ring = [
  [2, -1],
  [5, 2],
  [2, 5],
  [-1, 2],
];

describe('clipRingToConvex', () => {
  const cases: [string, Ring, Ring, number][] = [
    ['square in a larger square', rect(1, 1, 3, 3), rect(0, 0, 4, 4), 4],
    ['half overlap', rect(0, 0, 4, 4), rect(2, -1, 6, 5), 8],
    ['disjoint', rect(0, 0, 1, 1), rect(2, 2, 3, 3), 0],
    ['concave L in a square over its notch', lShape, rect(1, 1, 5, 5), 5], // 16 - 4(notch) - 7(outside) = 5
    ['clockwise clip ring', rect(0, 0, 4, 4), [...rect(2, -1, 6, 5)].reverse(), 8],
    // The square inside the diamond |x-2| + |y-2| <= 3: 16 minus four corner triangles of 0.5 each.
    ['diamond clips a square to an octagon', rect(0, 0, 4, 4), diamond, 14],
  ];
  it.each(cases)('%s', (_name, ring, convex, area) => {
    const out = clipRingToConvex(ring, convex);
    expect(out.length === 0 ? 0 : ringArea(out)).toBeCloseTo(area, 9);
  });
});

describe('subtractConvex', () => {
  const cases: [string, Ring, Ring][] = [
    ['overlapping squares', rect(0, 0, 4, 4), rect(2, 2, 6, 6)],
    ['cut inside the piece', rect(0, 0, 4, 4), rect(1, 1, 2, 2)],
    ['cut covers the piece', rect(1, 1, 2, 2), rect(0, 0, 4, 4)],
    ['disjoint', rect(0, 0, 1, 1), rect(2, 2, 3, 3)],
    ['diamond from a square', rect(0, 0, 4, 4), diamond],
  ];
  it.each(cases)('%s: pieces are convex, disjoint from the cut, and add up to piece - cut', (_name, piece, cut) => {
    const pieces = subtractConvex(piece, cut);
    const inter = clipRingToConvex(piece, cut);
    const expected = ringArea(piece) - (inter.length === 0 ? 0 : ringArea(inter));
    expect(pieces.reduce((s, p) => s + ringArea(p), 0)).toBeCloseTo(expected, 9);
    // Sample a grid: a point is in exactly one piece iff it is in the piece and not in the cut.
    for (let x = -0.9537; x < 6; x += 0.1) {
      for (let y = -0.9171; y < 6; y += 0.1) {
        const inPieces = pieces.filter((p) => pointInConvex(x, y, p)).length;
        const want = pointInConvex(x, y, piece) && !pointInConvex(x, y, cut) ? 1 : 0;
        // Points on edges count in both rings; the grid's odd offsets keep off every edge.
        expect(inPieces).toBe(want);
      }
    }
  });
});

describe('pointInConvex and counterClockwise', () => {
  it('works for both orientations and counts the boundary as inside', () => {
    const cw = [...rect(0, 0, 2, 2)].reverse();
    expect(pointInConvex(1, 1, cw)).toBe(true);
    expect(pointInConvex(2, 1, cw)).toBe(true);
    expect(pointInConvex(2.01, 1, cw)).toBe(false);
    expect(ringArea(counterClockwise(cw))).toBe(4);
    expect(counterClockwise(cw)[1]).toEqual([2, 0]);
  });
});
