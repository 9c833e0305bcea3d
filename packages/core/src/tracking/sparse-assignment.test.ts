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
});
