import { describe, expect, it } from 'vitest';
import { linearAssignment } from './linear-assignment.js';

function bruteForce(cost: number[], rows: number, cols: number, maxCost: number): number {
  // Best total over all partial matchings, where an unmatched row costs maxCost (as in the solver).
  let best = Infinity;
  const usedCols = new Array<boolean>(cols).fill(false);
  const go = (r: number, total: number): void => {
    if (r === rows) {
      best = Math.min(best, total);
      return;
    }
    go(r + 1, total + maxCost);
    for (let c = 0; c < cols; c++) {
      const v = cost[r * cols + c]!;
      if (usedCols[c] || v > maxCost) continue;
      usedCols[c] = true;
      go(r + 1, total + v);
      usedCols[c] = false;
    }
  };
  go(0, 0);
  return best;
}

function totalOf(rowToCol: Int32Array, cost: number[], cols: number, maxCost: number): number {
  let total = 0;
  rowToCol.forEach((c, r) => (total += c < 0 ? maxCost : cost[r * cols + c]!));
  return total;
}

describe('linearAssignment', () => {
  it.each([
    { name: 'identity is optimal', cost: [1, 9, 9, 1], rows: 2, cols: 2, expected: [0, 1] },
    { name: 'crossed is optimal', cost: [9, 1, 1, 9], rows: 2, cols: 2, expected: [1, 0] },
    { name: 'more columns than rows', cost: [5, 1, 7], rows: 1, cols: 3, expected: [1] },
    { name: 'more rows than columns', cost: [5, 1, 7], rows: 3, cols: 1, expected: [-1, 0, -1] },
    { name: 'classic 3x3', cost: [4, 1, 3, 2, 0, 5, 3, 2, 2], rows: 3, cols: 3, expected: [1, 0, 2] },
  ])('$name', ({ cost, rows, cols, expected }) => {
    expect(Array.from(linearAssignment(cost, rows, cols))).toEqual(expected);
  });

  it('never matches pairs above maxCost', () => {
    expect(Array.from(linearAssignment([1, 50, 50, 50], 2, 2, 10))).toEqual([0, -1]);
  });

  it('leaves a row unmatched when that costs less than matching it (unmatched = maxCost)', () => {
    // r0-c0 + r1-c1 = 16 > r0-c1 + (r1 unmatched at 10) = 10
    expect(Array.from(linearAssignment([8, 0, 50, 8], 2, 2, 10))).toEqual([1, -1]);
  });

  it('matches brute force on random rectangular problems', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(rand() * 5);
      const cols = 1 + Math.floor(rand() * 5);
      const cost = Array.from({ length: rows * cols }, () => Math.round(rand() * 20));
      const maxCost = 12;
      const result = linearAssignment(cost, rows, cols, maxCost);
      expect(totalOf(result, cost, cols, maxCost)).toBeCloseTo(bruteForce(cost, rows, cols, maxCost), 9);
      const matched = Array.from(result).filter((c) => c >= 0);
      expect(new Set(matched).size).toBe(matched.length);
    }
  });
});
