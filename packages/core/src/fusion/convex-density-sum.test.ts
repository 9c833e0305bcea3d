import { describe, expect, it } from 'vitest';
import type { DensityMap } from '../density-map.js';
import type { PointXY } from '../geometry/polygon.js';
import { SeededRandom } from '../simulation/seeded-random.js';
import { computeCellCoverage, integrateCoverage } from '../zones/cell-coverage.js';
import { convexDensitySum } from './convex-density-sum.js';

function randomMap(random: SeededRandom, cols: number, rows: number, cellPx: number): DensityMap {
  const values = new Float32Array(cols * rows);
  for (let i = 0; i < values.length; i++) values[i] = random.uniform(0, 2);
  return { cols, rows, cellPx, values };
}

/** A random convex polygon: the hull-ordered points of an ellipse, turned and moved. */
function randomConvex(random: SeededRandom, widthPx: number, heightPx: number): PointXY[] {
  const cx = random.uniform(-0.1, 1.1) * widthPx;
  const cy = random.uniform(-0.1, 1.1) * heightPx;
  const rx = random.uniform(5, widthPx);
  const ry = random.uniform(5, heightPx);
  const turn = random.uniform(0, Math.PI);
  const n = 3 + Math.floor(random.uniform(0, 8));
  const angles = Array.from({ length: n }, () => random.uniform(0, 2 * Math.PI)).sort((a, b) => a - b);
  return angles.map((t): PointXY => {
    const x = rx * Math.cos(t);
    const y = ry * Math.sin(t);
    return [cx + x * Math.cos(turn) - y * Math.sin(turn), cy + x * Math.sin(turn) + y * Math.cos(turn)];
  });
}

describe('convexDensitySum', () => {
  it('equals the exact cell coverage integral on random convex polygons (either orientation, partly outside)', () => {
    const random = new SeededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const map = randomMap(random, 30, 20, 8);
      let ring = randomConvex(random, 240, 160);
      if (trial % 2 === 1) ring = [...ring].reverse();
      const exact = integrateCoverage(computeCellCoverage([ring], map), map.values);
      expect(convexDensitySum(ring, map)).toBeCloseTo(exact, 6);
    }
  });

  it('counts a whole-grid rectangle as the map total and an axis-aligned cell-sized square as that cell', () => {
    const map = randomMap(new SeededRandom(2), 10, 6, 4);
    const total = map.values.reduce((s, v) => s + v, 0);
    const whole: PointXY[] = [
      [-5, -5],
      [45, -5],
      [45, 30],
      [-5, 30],
    ];
    expect(convexDensitySum(whole, map)).toBeCloseTo(total, 4);
    const cell: PointXY[] = [
      [8, 4],
      [12, 4],
      [12, 8],
      [8, 8],
    ];
    expect(convexDensitySum(cell, map)).toBeCloseTo(map.values[1 * 10 + 2]!, 6);
    expect(convexDensitySum([], map)).toBe(0);
  });
});
