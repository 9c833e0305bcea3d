import { describe, expect, it } from 'vitest';
import { linearAssignment } from '../assignment/linear-assignment.js';
import { assignmentCandidates, sparseAssignment } from './sparse-assignment.js';
import { seededRandom } from './track-id-source.js';

function total(rowToCol: Int32Array, dense: Float64Array, cols: number, maxCost: number): number {
  let sum = 0;
  rowToCol.forEach((c, r) => (sum += c < 0 ? maxCost : dense[r * cols + c]!));
  return sum;
}

describe('sparseAssignment', () => {
  it('reaches the dense Hungarian optimum on random gated problems with several components', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 100; trial++) {
      const rows = 1 + Math.floor(random() * 30);
      const cols = 1 + Math.floor(random() * 30);
      const maxCost = 10;
      const dense = new Float64Array(rows * cols).fill(Infinity);
      const candidates = assignmentCandidates();
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          if (random() > 0.12) continue;
          const cost = Math.round(random() * 14);
          dense[r * cols + c] = cost;
          candidates.rows.push(r);
          candidates.cols.push(c);
          candidates.costs.push(cost);
        }
      }
      const sparse = sparseAssignment(candidates, rows, cols, maxCost);
      const reference = linearAssignment(dense, rows, cols, maxCost);
      expect(total(sparse, dense, cols, maxCost)).toBeCloseTo(total(reference, dense, cols, maxCost), 9);
      const used = Array.from(sparse).filter((c) => c >= 0);
      expect(new Set(used).size).toBe(used.length);
      sparse.forEach((c, r) => {
        if (c >= 0) expect(dense[r * cols + c]!).toBeLessThanOrEqual(maxCost);
      });
    }
  });

  it('keeps the lower cost of a pair listed twice and refuses pairs above maxCost', () => {
    const result = sparseAssignment({ rows: [0, 0, 1], cols: [0, 0, 1], costs: [9, 1, 50] }, 2, 2, 10);
    expect(Array.from(result)).toEqual([0, -1]);
  });

  it('splits a percolated dense problem into bounded parts and stays close to the optimum', () => {
    // 300 points on a jittered lattice, candidates within 2.5 spacings: one giant component.
    const random = seededRandom(21);
    const n = 300;
    const px = Array.from({ length: n }, (_, i) => (i % 20) * 10 + random() * 2);
    const py = Array.from({ length: n }, (_, i) => Math.floor(i / 20) * 10 + random() * 2);
    const qx = px.map((x) => x + (random() - 0.5) * 8);
    const qy = py.map((y) => y + (random() - 0.5) * 8);
    const maxCost = 25 * 25;
    const dense = new Float64Array(n * n).fill(Infinity);
    const candidates = assignmentCandidates();
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const cost = (px[r]! - qx[c]!) ** 2 + (py[r]! - qy[c]!) ** 2;
        if (cost > maxCost) continue;
        dense[r * n + c] = cost;
        candidates.rows.push(r);
        candidates.cols.push(c);
        candidates.costs.push(cost);
      }
    }
    const optimum = total(linearAssignment(dense, n, n, maxCost), dense, n, maxCost);
    const split = sparseAssignment(candidates, n, n, maxCost, { maxComponentSize: 20 });
    const used = Array.from(split).filter((c) => c >= 0);
    expect(new Set(used).size).toBe(used.length);
    expect(used.length).toBeGreaterThan(0.97 * n);
    expect(total(split, dense, n, maxCost)).toBeLessThan(1.1 * optimum);
  });
});
