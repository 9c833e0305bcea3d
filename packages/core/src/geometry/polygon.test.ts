import { describe, expect, it } from 'vitest';
import {
  clipRingToHalfPlane,
  clipRingToRect,
  dedupeRing,
  findRingSelfIntersection,
  pointInRings,
  ringsArea,
  ringArea,
  ringSignedArea,
  segmentsIntersect,
  type PointXY,
  type Ring,
} from './polygon.js';

const square: Ring = [
  [0, 0],
  [4, 0],
  [4, 4],
  [0, 4],
];
// An L shape: 4x4 square minus its top-right 2x2 quarter -> area 12.
const lShape: Ring = [
  [0, 0],
  [4, 0],
  [4, 2],
  [2, 2],
  [2, 4],
  [0, 4],
];

describe('ring area (shoelace)', () => {
  const cases: [string, Ring, number][] = [
    [
      'unit square',
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      1,
    ],
    [
      'right triangle 3-4',
      [
        [0, 0],
        [3, 0],
        [0, 4],
      ],
      6,
    ],
    ['L shape', lShape, 12],
    [
      'far from the origin (UTM-sized)',
      [
        [500000, 4649776],
        [500010, 4649776],
        [500010, 4649796],
        [500000, 4649796],
      ],
      200,
    ],
    [
      'degenerate (collinear)',
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      0,
    ],
  ];
  it.each(cases)('%s', (_name, ring, area) => {
    expect(ringArea(ring)).toBeCloseTo(area, 9);
    expect(ringArea([...ring].reverse())).toBeCloseTo(area, 9);
  });

  it('is positive counter-clockwise in a y-up frame', () => {
    expect(ringSignedArea(square)).toBe(16);
    expect(ringSignedArea([...square].reverse())).toBe(-16);
  });

  it('subtracts holes', () => {
    const hole: Ring = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ];
    expect(ringsArea([square, hole])).toBe(15);
  });
});

describe('pointInRings', () => {
  const cases: [string, PointXY, boolean][] = [
    ['inside the L', [1, 1], true],
    ['in the notch of the L', [3, 3], false],
    ['inside the lower arm', [3.5, 1], true],
    ['outside', [5, 1], false],
  ];
  it.each(cases)('%s', (_name, [x, y], inside) => {
    expect(pointInRings(x, y, [lShape])).toBe(inside);
  });
  it('excludes holes', () => {
    const hole: Ring = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ];
    expect(pointInRings(1.5, 1.5, [square, hole])).toBe(false);
    expect(pointInRings(3, 3, [square, hole])).toBe(true);
  });
});

describe('clipRingToRect', () => {
  const cases: [string, Ring, [number, number, number, number], number][] = [
    ['square fully inside', square, [-1, -1, 5, 5], 16],
    ['square half cut', square, [2, -1, 5, 5], 8],
    ['square corner', square, [3, 3, 10, 10], 1],
    ['disjoint', square, [5, 5, 6, 6], 0],
    // The notch of the L is empty: clipping the concave L to the notch leaves no area.
    ['concave L in its notch', lShape, [2, 2, 4, 4], 0],
    ['concave L, right half', lShape, [2, 0, 4, 4], 4],
    [
      'triangle cut by a cell',
      [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
      [0, 0, 2, 2],
      4,
    ],
    [
      'triangle cut by an off-diagonal cell',
      [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
      [2, 0, 4, 2],
      2,
    ],
  ];
  it.each(cases)('%s', (_name, ring, [x0, y0, x1, y1], area) => {
    expect(ringArea(clipRingToRect(ring, x0, y0, x1, y1))).toBeCloseTo(area, 12);
  });
});

describe('clipRingToHalfPlane', () => {
  it('keeps the side where a·x + b·y + c >= 0', () => {
    // x >= 1 on the 4x4 square leaves 3x4.
    expect(ringArea(clipRingToHalfPlane(square, 1, 0, -1))).toBeCloseTo(12, 12);
    // y <= x on the square leaves a triangle of 8.
    expect(ringArea(clipRingToHalfPlane(square, 1, -1, 0))).toBeCloseTo(8, 12);
    expect(clipRingToHalfPlane(square, 1, 0, -10)).toEqual([]);
  });
});

describe('self-intersection', () => {
  const cases: [string, Ring, [number, number] | undefined][] = [
    ['simple square', square, undefined],
    ['simple L', lShape, undefined],
    [
      'bow tie',
      [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
      ],
      [0, 2],
    ],
    [
      'spike touching an edge',
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [2, 0.0],
        [0, 4],
      ],
      [0, 2],
    ],
  ];
  it.each(cases)('%s', (_name, ring, expected) => {
    expect(findRingSelfIntersection(ring)).toEqual(expected);
  });

  it('segmentsIntersect handles crossing, touching, collinear overlap and disjoint', () => {
    expect(segmentsIntersect([0, 0], [2, 2], [0, 2], [2, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [2, 0], [2, 0], [3, 1])).toBe(true);
    expect(segmentsIntersect([0, 0], [2, 0], [1, 0], [3, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [2, 0], [3, 0])).toBe(false);
    expect(segmentsIntersect([0, 0], [1, 1], [0, 1], [0.4, 0.6])).toBe(false);
  });
});

describe('dedupeRing', () => {
  it('drops repeated and closing vertices', () => {
    expect(
      dedupeRing([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
  });
});
