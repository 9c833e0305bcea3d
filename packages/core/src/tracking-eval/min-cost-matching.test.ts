import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearAssignment } from '../assignment/linear-assignment.js';
import { seededRandom } from '../tracking/track-id-source.js';
import { assignmentCandidates, type AssignmentCandidates } from '../tracking/sparse-assignment.js';
import { minCostMatching } from './min-cost-matching.js';

/** Total cost of a matching: matched pairs at their (lowest listed) cost, unmatched rows at maxCost. */
function totalCost(rowToCol: Int32Array, candidates: AssignmentCandidates, maxCost: number): number {
  const cheapest = new Map<string, number>();
  candidates.rows.forEach((r, e) => {
    const key = `${r},${candidates.cols[e]}`;
    cheapest.set(key, Math.min(cheapest.get(key) ?? Infinity, candidates.costs[e]!));
  });
  let total = 0;
  rowToCol.forEach((c, r) => (total += c < 0 ? maxCost : cheapest.get(`${r},${c}`)!));
  return total;
}

function denseOptimum(candidates: AssignmentCandidates, rows: number, cols: number, maxCost: number): number {
  const dense = new Float64Array(rows * cols).fill(Infinity);
  candidates.rows.forEach((r, e) => {
    const at = r * cols + candidates.cols[e]!;
    dense[at] = Math.min(dense[at]!, candidates.costs[e]!);
  });
  return totalCost(linearAssignment(dense, rows, cols, maxCost), candidates, maxCost);
}

function isValidMatching(rowToCol: Int32Array, candidates: AssignmentCandidates, maxCost: number): boolean {
  const used = new Set<number>();
  const allowed = new Set(candidates.rows.map((r, e) => `${r},${candidates.cols[e]}`));
  for (let r = 0; r < rowToCol.length; r++) {
    const c = rowToCol[r]!;
    if (c < 0) continue;
    if (used.has(c) || !allowed.has(`${r},${c}`)) return false;
    used.add(c);
  }
  return totalCost(rowToCol, candidates, maxCost) <= rowToCol.length * maxCost + 1e-9;
}

const problem = fc
  .record({ rows: fc.integer({ min: 0, max: 9 }), cols: fc.integer({ min: 0, max: 9 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      maxCost: fc.integer({ min: -5, max: 20 }),
      // Integer costs make ties (several optima) common, negative costs as in HOTA and IDF1.
      edges: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: Math.max(0, rows - 1) }),
          fc.integer({ min: 0, max: Math.max(0, cols - 1) }),
          fc.integer({ min: -20, max: 25 }),
        ),
        { maxLength: rows * cols === 0 ? 0 : 40 },
      ),
    }),
  );

describe('minCostMatching', () => {
  it('has the same optimal total as the dense Hungarian method, on any sparse problem', () => {
    fc.assert(
      fc.property(problem, ({ rows, cols, maxCost, edges }) => {
        const candidates = assignmentCandidates();
        for (const [r, c, cost] of edges) {
          candidates.rows.push(r);
          candidates.cols.push(c);
          candidates.costs.push(cost);
        }
        const matched = minCostMatching(candidates, rows, cols, maxCost);
        expect(isValidMatching(matched, candidates, maxCost)).toBe(true);
        expect(totalCost(matched, candidates, maxCost)).toBeCloseTo(denseOptimum(candidates, rows, cols, maxCost), 9);
      }),
      { numRuns: 500, seed: 10 },
    );
  });

  it.each([
    { name: 'crossed pairs', rows: [0, 0, 1, 1], cols: [0, 1, 0, 1], costs: [9, 1, 1, 9], expected: [1, 0] },
    { name: 'a row whose pairs all cost more than leaving it', rows: [0], cols: [0], costs: [6], expected: [-1] },
    { name: 'two rows want one column', rows: [0, 1], cols: [0, 0], costs: [1, 2], expected: [0, -1] },
    { name: 'a duplicate pair keeps its lower cost', rows: [0, 0], cols: [0, 0], costs: [9, 1], expected: [0] },
  ])('$name', ({ rows, cols, costs, expected }) => {
    const rowCount = expected.length;
    const matched = minCostMatching({ rows, cols, costs }, rowCount, 2, 5);
    expect(Array.from(matched)).toEqual(expected);
  });

  it('solves a percolating dense-crowd problem exactly (one component of 400 rows)', () => {
    // Points 5 px apart with a 10 px threshold: every row sees ~12 columns and the candidate graph
    // is one component, the case the dense per-component method was too slow for.
    const random = seededRandom(3);
    const side = 20;
    const gt: [number, number][] = [];
    for (let i = 0; i < side * side; i++) gt.push([(i % side) * 5 + random(), Math.floor(i / side) * 5 + random()]);
    const pred = gt.map(([x, y]) => [x + 3 * (random() - 0.5), y + 3 * (random() - 0.5)] as const);
    const candidates = assignmentCandidates();
    gt.forEach(([gx, gy], r) =>
      pred.forEach(([px, py], c) => {
        const d = Math.hypot(gx - px, gy - py);
        if (d > 10) return;
        candidates.rows.push(r);
        candidates.cols.push(c);
        candidates.costs.push(d);
      }),
    );
    const matched = minCostMatching(candidates, gt.length, pred.length, 10);
    expect(totalCost(matched, candidates, 10)).toBeCloseTo(denseOptimum(candidates, gt.length, pred.length, 10), 6);
  });

  it('rejects an infinite cost of leaving a row unmatched', () => {
    expect(() => minCostMatching(assignmentCandidates(), 1, 1, Infinity)).toThrow(RangeError);
  });
});
