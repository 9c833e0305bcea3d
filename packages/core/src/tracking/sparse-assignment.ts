import { linearAssignment } from '../assignment/linear-assignment.js';

/** Candidate pairs for an assignment problem: parallel arrays of row, column and cost. */
export interface AssignmentCandidates {
  rows: number[];
  cols: number[];
  costs: number[];
}

/** An empty candidate list. */
export function assignmentCandidates(): AssignmentCandidates {
  return { rows: [], cols: [], costs: [] };
}

/**
 * Minimum-cost assignment over sparse candidate pairs: the bipartite graph of candidates is split
 * into connected components and each is solved exactly with {@link linearAssignment}. With gated
 * candidates (each row only sees nearby columns) components stay small, so thousands of rows per
 * call are cheap. Result equals the dense Hungarian solution with non-candidates forbidden.
 *
 * @param candidates pairs (row, col, cost); a pair listed twice keeps its lower cost
 * @param maxCost cost of leaving a row unmatched; pairs above it are never matched
 * @returns `rowToCol[r]` = matched column or -1
 * @example sparseAssignment({ rows: [0, 0, 1], cols: [0, 1, 0], costs: [1, 2, 1] }, 2, 2, 5) // [1, 0]
 */
export function sparseAssignment(
  candidates: AssignmentCandidates,
  rowCount: number,
  colCount: number,
  maxCost = Infinity,
): Int32Array {
  const rowToCol = new Int32Array(rowCount).fill(-1);
  const { rows, cols, costs } = candidates;
  const edgeCount = rows.length;
  if (edgeCount === 0) return rowToCol;
  // Union-find over rows (0..rowCount-1) and columns (rowCount..).
  const parent = new Int32Array(rowCount + colCount);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      const grand = parent[parent[a]!]!;
      parent[a] = grand;
      a = grand;
    }
    return a;
  };
  for (let e = 0; e < edgeCount; e++) {
    if (!(costs[e]! <= maxCost)) continue;
    const a = find(rows[e]!);
    const b = find(rowCount + cols[e]!);
    if (a !== b) parent[a] = b;
  }
  // Group edges by component root.
  const edgesByRoot = new Map<number, number[]>();
  for (let e = 0; e < edgeCount; e++) {
    if (!(costs[e]! <= maxCost)) continue;
    const root = find(rows[e]!);
    let list = edgesByRoot.get(root);
    if (!list) edgesByRoot.set(root, (list = []));
    list.push(e);
  }
  const localRow = new Int32Array(rowCount).fill(-1);
  const localCol = new Int32Array(colCount).fill(-1);
  for (const edges of edgesByRoot.values()) {
    if (edges.length === 1) {
      const e = edges[0]!;
      rowToCol[rows[e]!] = cols[e]!;
      continue;
    }
    const rowIds: number[] = [];
    const colIds: number[] = [];
    for (const e of edges) {
      const r = rows[e]!;
      const c = cols[e]!;
      if (localRow[r] === -1) localRow[r] = rowIds.push(r) - 1;
      if (localCol[c] === -1) localCol[c] = colIds.push(c) - 1;
    }
    const width = colIds.length;
    const cost = new Float64Array(rowIds.length * width).fill(Infinity);
    for (const e of edges) {
      const at = localRow[rows[e]!]! * width + localCol[cols[e]!]!;
      if (costs[e]! < cost[at]!) cost[at] = costs[e]!;
    }
    const solved = linearAssignment(cost, rowIds.length, width, maxCost);
    for (let k = 0; k < rowIds.length; k++) {
      const c = solved[k]!;
      if (c >= 0) rowToCol[rowIds[k]!] = colIds[c]!;
    }
    for (const r of rowIds) localRow[r] = -1;
    for (const c of colIds) localCol[c] = -1;
  }
  return rowToCol;
}
