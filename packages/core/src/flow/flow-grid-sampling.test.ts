import { describe, expect, it } from 'vitest';
import { densityMapCount } from '../density-map.js';
import { densityOnGrid, polygonCellCoverage } from './flow-grid-sampling.js';

describe('polygonCellCoverage', () => {
  it('gives 1 inside, 0 outside and fractions on the edge', () => {
    const grid = { cols: 4, rows: 3, cellPx: 10 };
    const coverage = polygonCellCoverage(grid, [
      [10, 0],
      [25, 0],
      [25, 20],
      [10, 20],
    ]);
    expect(Array.from(coverage)).toEqual([0, 1, 0.5, 0, 0, 1, 0.5, 0, 0, 0, 0, 0]);
  });

  it('handles a triangle (non-rectangular zone)', () => {
    const grid = { cols: 10, rows: 10, cellPx: 8 };
    const coverage = polygonCellCoverage(grid, [
      [0, 0],
      [80, 0],
      [0, 80],
    ]);
    const total = coverage.reduce((a, b) => a + b, 0);
    // Half of 100 cells, within the error of 4x4 samples on the 10 cells the edge crosses.
    expect(total).toBeGreaterThan(48.5);
    expect(total).toBeLessThan(51.5);
    expect(coverage[0]).toBe(1);
    expect(coverage[99]).toBe(0);
  });
});

describe('densityOnGrid', () => {
  it('keeps the count when resampling to a coarser grid and a finer one', () => {
    const values = new Float32Array(12 * 8);
    for (let i = 0; i < values.length; i++) values[i] = (i % 7) * 0.1;
    const map = { cols: 12, rows: 8, cellPx: 8, values };
    const coarse = densityOnGrid(map, { cols: 6, rows: 4, cellPx: 16 });
    expect(coarse.reduce((a, b) => a + b, 0)).toBeCloseTo(densityMapCount(map), 4);
    expect(coarse[0]).toBeCloseTo((values[0] ?? 0) + (values[1] ?? 0) + (values[12] ?? 0) + (values[13] ?? 0), 5);
    const fine = densityOnGrid(map, { cols: 24, rows: 16, cellPx: 4 });
    expect(fine.reduce((a, b) => a + b, 0)).toBeCloseTo(densityMapCount(map), 4);
    expect(fine[0]).toBeCloseTo((values[0] ?? 0) / 4, 6);
  });
});
