import { describe, expect, it } from 'vitest';
import { SpatialGrid } from './spatial-grid.js';
import { seededRandom } from './track-id-source.js';

describe('SpatialGrid', () => {
  it('finds exactly the points a brute-force scan finds, with their squared distances', () => {
    const random = seededRandom(3);
    const xy = Float64Array.from({ length: 2 * 500 }, () => random() * 300);
    const grid = new SpatialGrid(xy, 7);
    for (let q = 0; q < 50; q++) {
      const x = random() * 320 - 10;
      const y = random() * 320 - 10;
      const radius = 1 + random() * 25;
      const found = new Map<number, number>();
      grid.forEachWithin(x, y, radius, (i, d2) => found.set(i, d2));
      const expected: number[] = [];
      for (let i = 0; i < 500; i++) {
        if ((xy[2 * i]! - x) ** 2 + (xy[2 * i + 1]! - y) ** 2 <= radius * radius) expected.push(i);
      }
      expect([...found.keys()].sort((a, b) => a - b)).toEqual(expected);
      for (const i of expected) expect(found.get(i)).toBeCloseTo((xy[2 * i]! - x) ** 2 + (xy[2 * i + 1]! - y) ** 2, 9);
    }
  });

  it('enlarges its cells for widely spread points instead of allocating a huge grid', () => {
    const grid = new SpatialGrid(new Float64Array([0, 0, 1e7, 1e7]), 1);
    expect(grid.cellPx).toBeGreaterThan(1000);
    const found: number[] = [];
    grid.forEachWithin(1e7, 1e7, 1, (i) => found.push(i));
    expect(found).toEqual([1]);
  });

  it('answers nothing on an empty set', () => {
    const grid = new SpatialGrid(new Float64Array(0), 5);
    let calls = 0;
    grid.forEachWithin(0, 0, 100, () => calls++);
    expect(calls).toBe(0);
  });
});
