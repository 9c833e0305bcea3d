import type { DensityMap } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { decodeDensityPoints } from './density-points.js';

/**
 * A density map made the way training targets are: each head a unit-mass Gaussian (sigma in
 * pixels) integrated over cellPx x cellPx cells.
 */
function gaussianMap(cols: number, rows: number, cellPx: number, heads: [number, number][], sigmaPx = 4): DensityMap {
  const values = new Float32Array(cols * rows);
  const sub = 4; // sub-samples per cell side
  for (const [hx, hy] of heads) {
    let total = 0;
    const cell = new Float64Array(cols * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let v = 0;
        for (let sy = 0; sy < sub; sy++) {
          for (let sx = 0; sx < sub; sx++) {
            const x = (c + (sx + 0.5) / sub) * cellPx;
            const y = (r + (sy + 0.5) / sub) * cellPx;
            v += Math.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (2 * sigmaPx * sigmaPx));
          }
        }
        cell[r * cols + c] = v;
        total += v;
      }
    }
    for (let i = 0; i < values.length; i++) values[i] = values[i]! + cell[i]! / total;
  }
  return { cols, rows, cellPx, values };
}

function points(detections: ReturnType<typeof decodeDensityPoints>): [number, number][] {
  const centres = detections.centers();
  const out: [number, number][] = [];
  for (let i = 0; i < detections.length; i++) out.push([centres[2 * i]!, centres[2 * i + 1]!]);
  return out;
}

describe('decodeDensityPoints', () => {
  it('finds isolated heads at sub-cell precision', () => {
    const heads: [number, number][] = [
      [21, 13],
      [70, 30],
      [45, 60],
      [100.5, 75.5],
    ];
    const detections = decodeDensityPoints(gaussianMap(16, 12, 8, heads));
    expect(detections.length).toBe(4);
    for (const [hx, hy] of heads) {
      const distances = points(detections).map(([x, y]) => Math.hypot(x - hx, y - hy));
      // a cell is 8 px; a plain cell centre could be 5.6 px off, the refined point is within 2.5 px
      expect(Math.min(...distances)).toBeLessThan(2.5);
    }
    for (const c of detections.confidence) expect(c).toBeGreaterThan(0.7);
  });

  it('puts several points in a dense cell, as many as the map counts', () => {
    const values = new Float32Array(10 * 10);
    values[5 * 10 + 4] = 3.2; // three people (and some) in one cell
    values[2 * 10 + 7] = 1.1;
    const detections = decodeDensityPoints({ cols: 10, rows: 10, cellPx: 8, values });
    expect(detections.length).toBe(4);
    const inDense = points(detections).filter(([x, y]) => Math.floor(x / 8) === 4 && Math.floor(y / 8) === 5);
    expect(inDense.length).toBe(3);
  });

  it('keeps the number of points equal to the rounded count in a dense crowd', () => {
    const heads: [number, number][] = [];
    for (let i = 0; i < 60; i++) heads.push([30 + ((i * 37) % 70), 20 + ((i * 53) % 50)]);
    const map = gaussianMap(20, 12, 8, heads);
    let sum = 0;
    for (const v of map.values) sum += v;
    const detections = decodeDensityPoints(map);
    expect(detections.length).toBe(Math.round(sum));
    // every point lies where there is density (inside the crowd's bounding box, with a cell of slack)
    for (const [x, y] of points(detections)) {
      expect(x).toBeGreaterThan(30 - 8);
      expect(x).toBeLessThan(100 + 8);
      expect(y).toBeGreaterThan(20 - 8);
      expect(y).toBeLessThan(70 + 8);
    }
  });

  it('gives no points for density spread below the peak threshold', () => {
    const values = new Float32Array(40 * 40).fill(0.01); // 16 people's worth of faint haze
    expect(decodeDensityPoints({ cols: 40, rows: 40, cellPx: 8, values }).length).toBe(0);
    expect(decodeDensityPoints({ cols: 40, rows: 40, cellPx: 8, values }, { minPeakPerCell: 0.005 }).length).toBe(16);
  });

  it('scales points and boxes with cellPx', () => {
    const values = new Float32Array(4 * 4);
    values[1 * 4 + 2] = 1;
    const detections = decodeDensityPoints({ cols: 4, rows: 4, cellPx: 2.5, values }, { boxPx: 6 });
    expect(Array.from(detections.centers())).toEqual([6.25, 3.75]);
    expect(detections.xyxy[2]! - detections.xyxy[0]!).toBeCloseTo(6);
    expect(detections.confidence[0]).toBe(1);
  });

  it('handles an empty map', () => {
    expect(decodeDensityPoints({ cols: 0, rows: 0, cellPx: 8, values: new Float32Array(0) }).length).toBe(0);
  });
});
