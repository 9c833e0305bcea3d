import { describe, expect, it } from 'vitest';
import { densityMapCount } from '../density-map.js';
import { insideAnyBox, pointsOutsideBoxes, zeroDensityInBoxes } from './ignore-regions.js';

describe('ignore regions', () => {
  const boxes = Float64Array.of(10, 10, 20, 30, 100, 0, 110, 5);

  it('tests points half-open [x0, x1) x [y0, y1)', () => {
    expect(insideAnyBox(10, 10, boxes)).toBe(true);
    expect(insideAnyBox(19.99, 29.99, boxes)).toBe(true);
    expect(insideAnyBox(20, 15, boxes)).toBe(false);
    expect(insideAnyBox(15, 30, boxes)).toBe(false);
    expect(insideAnyBox(105, 2, boxes)).toBe(true);
    expect(insideAnyBox(15, 15, new Float64Array(0))).toBe(false);
  });

  it('drops the points inside any box and keeps the others in order', () => {
    const points = Float64Array.of(15, 15, 5, 5, 105, 1, 50, 50, 20, 20);
    expect([...pointsOutsideBoxes(points, boxes)]).toEqual([5, 5, 50, 50, 20, 20]);
  });

  it('zeroes exactly the cells whose centre lies inside a box, without touching the input', () => {
    // 8 x 6 cells of 8 px (a 64 x 48 image), one person per cell.
    const map = { cols: 8, rows: 6, cellPx: 8, values: new Float32Array(48).fill(1) };
    // Cell centres are at 4, 12, 20, 28, ...: x in [10, 28) holds centres 12 and 20 (cols 1, 2; 28 is
    // on the open edge);
    // y in [4, 13) holds centres 4 and 12 (rows 0, 1). The second box lies off the map.
    const masked = zeroDensityInBoxes(map, Float64Array.of(10, 4, 28, 13, 500, 500, 600, 600));
    expect(densityMapCount(masked)).toBe(44);
    expect(densityMapCount(map)).toBe(48);
    for (const [c, r] of [
      [1, 0],
      [2, 0],
      [1, 1],
      [2, 1],
    ]) {
      expect(masked.values[r! * 8 + c!]).toBe(0);
    }
    expect(masked.values[3]).toBe(1);
    expect(masked.values[2 * 8 + 1]).toBe(1);
    // A box covering the whole map and beyond zeroes everything; one between centres nothing.
    expect(densityMapCount(zeroDensityInBoxes(map, Float64Array.of(-5, -5, 100, 100)))).toBe(0);
    expect(densityMapCount(zeroDensityInBoxes(map, Float64Array.of(5, 5, 11, 11)))).toBe(48);
  });
});
