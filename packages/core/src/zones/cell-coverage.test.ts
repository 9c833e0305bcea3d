import { describe, expect, it } from 'vitest';
import type { Ring } from '../geometry/polygon.js';
import { computeCellCoverage, integrateCoverage } from './cell-coverage.js';

const grid = { cols: 4, rows: 4, cellPx: 10 };

function weights(rings: Ring[]): Record<number, number> {
  const c = computeCellCoverage(rings, grid);
  return Object.fromEntries(Array.from(c.cells, (cell, i) => [cell, Math.round(c.weights[i]! * 1e9) / 1e9]));
}

describe('computeCellCoverage (exact fractional cell coverage)', () => {
  const cases: [string, Ring[], Record<number, number>][] = [
    [
      'one whole cell',
      [
        [
          [10, 10],
          [20, 10],
          [20, 20],
          [10, 20],
        ],
      ],
      { 5: 1 },
    ],
    [
      'square over 4 cell corners',
      [
        [
          [5, 5],
          [15, 5],
          [15, 15],
          [5, 15],
        ],
      ],
      { 0: 0.25, 1: 0.25, 4: 0.25, 5: 0.25 },
    ],
    // Right triangle with legs of 20 px: cell (0,0) full, cells (1,0) and (0,1) half covered.
    [
      'triangle',
      [
        [
          [0, 0],
          [20, 0],
          [0, 20],
        ],
      ],
      { 0: 1, 1: 0.5, 4: 0.5 },
    ],
    [
      'concave L (notch empty)',
      [
        [
          [0, 0],
          [20, 0],
          [20, 10],
          [10, 10],
          [10, 20],
          [0, 20],
        ],
      ],
      { 0: 1, 1: 1, 4: 1 },
    ],
    [
      'hole removes its share',
      [
        [
          [0, 0],
          [20, 0],
          [20, 20],
          [0, 20],
        ],
        [
          [5, 5],
          [15, 5],
          [15, 15],
          [5, 15],
        ],
      ],
      { 0: 0.75, 1: 0.75, 4: 0.75, 5: 0.75 },
    ],
    [
      'parts outside the grid are ignored',
      [
        [
          [-10, -10],
          [10, -10],
          [10, 10],
          [-10, 10],
        ],
      ],
      { 0: 1 },
    ],
    [
      'thin sliver',
      [
        [
          [0, 0],
          [40, 0],
          [40, 1],
          [0, 1],
        ],
      ],
      { 0: 0.1, 1: 0.1, 2: 0.1, 3: 0.1 },
    ],
  ];
  it.each(cases)('%s', (_name, rings, expected) => {
    expect(weights(rings)).toEqual(expected);
  });

  it('integrates a density map over the coverage', () => {
    const values = Float32Array.from({ length: 16 }, (_, i) => i);
    const c = computeCellCoverage(
      [
        [
          [0, 0],
          [20, 0],
          [0, 20],
        ],
      ],
      grid,
    );
    // 1·v0 + 0.5·v1 + 0.5·v4 = 0 + 0.5 + 2
    expect(integrateCoverage(c, values)).toBeCloseTo(2.5, 12);
  });

  it('cells split by tiling polygons get weights that sum to 1', () => {
    const big = { cols: 23, rows: 17, cellPx: 7 };
    const cut = 61.3;
    const left = computeCellCoverage(
      [
        [
          [0, 0],
          [cut, 0],
          [cut - 20, 119],
          [0, 119],
        ],
      ],
      big,
    );
    const right = computeCellCoverage(
      [
        [
          [cut, 0],
          [161, 0],
          [161, 119],
          [cut - 20, 119],
        ],
      ],
      big,
    );
    const total = new Float64Array(23 * 17);
    for (const c of [left, right]) c.cells.forEach((cell, i) => (total[cell] = total[cell]! + c.weights[i]!));
    for (const v of total) expect(v).toBeCloseTo(1, 12);
  });
});
