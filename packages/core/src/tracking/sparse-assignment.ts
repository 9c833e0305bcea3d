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

/** Speed-up of {@link sparseAssignment} for very dense problems (trades exactness for time). */
export interface SparseAssignmentOptions {
  /**
   * Largest connected component (rows and columns) solved as it is; a bigger one is split by
   * dropping its costliest links (see splitComponent). Default Infinity (exact).
   */
  maxComponentSize?: number;
}

/**
 * Minimum-cost assignment over sparse candidate pairs: the bipartite graph of candidates is split
 * into connected components and each is solved exactly with {@link linearAssignment}. With gated
 * candidates (each row only sees nearby columns) components stay small, so thousands of rows per
 * call are cheap. Without options the result equals the dense Hungarian solution with
 * non-candidates forbidden; `maxComponentSize` bounds the time on dense crowds where gates overlap
 * so much that the graph percolates into one giant component.
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
  options: SparseAssignmentOptions = {},
): Int32Array {
  const rowToCol = new Int32Array(rowCount).fill(-1);
  const { rows, cols, costs } = candidates;
  const edges: number[] = [];
  for (let e = 0; e < rows.length; e++) if (costs[e]! <= maxCost) edges.push(e);
  if (edges.length === 0) return rowToCol;
  const maxSize = options.maxComponentSize ?? Infinity;
  const scratch = { localRow: new Int32Array(rowCount).fill(-1), localCol: new Int32Array(colCount).fill(-1) };
  for (const component of components(candidates, edges, rowCount, colCount)) {
    if (component.length === 1) {
      const e = component[0]!;
      rowToCol[rows[e]!] = cols[e]!;
    } else if (component.length > maxSize && sideCount(candidates, component) > maxSize) {
      for (const part of splitComponent(candidates, component, rowCount, colCount, maxSize)) {
        solveComponent(candidates, part, maxCost, rowToCol, scratch);
      }
    } else {
      solveComponent(candidates, component, maxCost, rowToCol, scratch);
    }
  }
  return rowToCol;
}

/**
 * Splits a component into parts of at most `maxSize` rows and `maxSize` columns, Kruskal-style:
 * candidates are added cheapest first, and one that would join two parts into an oversized one is
 * dropped (it is among the costliest links, rarely part of the optimum).
 */
function splitComponent(
  candidates: AssignmentCandidates,
  component: number[],
  rowCount: number,
  colCount: number,
  maxSize: number,
): number[][] {
  const { rows, cols, costs } = candidates;
  const order = orderByCost(component, costs);
  const parent = new Int32Array(rowCount + colCount);
  const rowSize = new Int32Array(rowCount + colCount);
  const colSize = new Int32Array(rowCount + colCount);
  for (const e of component) {
    const r = rows[e]!;
    const c = rowCount + cols[e]!;
    parent[r] = r;
    parent[c] = c;
    rowSize[r] = 1;
    colSize[c] = 1;
  }
  const find = (a: number): number => {
    while (parent[a] !== a) {
      const grand = parent[parent[a]!]!;
      parent[a] = grand;
      a = grand;
    }
    return a;
  };
  const kept: number[] = [];
  for (const e of order) {
    const a = find(rows[e]!);
    const b = find(rowCount + cols[e]!);
    if (a !== b) {
      const mergedRows = rowSize[a]! + rowSize[b]!;
      const mergedCols = colSize[a]! + colSize[b]!;
      if (mergedRows > maxSize || mergedCols > maxSize) continue;
      parent[a] = b;
      rowSize[b] = mergedRows;
      colSize[b] = mergedCols;
    }
    kept.push(e);
  }
  const byRoot = new Map<number, number[]>();
  for (const e of kept) {
    const root = find(rows[e]!);
    let list = byRoot.get(root);
    if (!list) byRoot.set(root, (list = []));
    list.push(e);
  }
  return [...byRoot.values()];
}

/** Edges in increasing cost (bucket sort on 1024 cost levels: ties within a level keep input order). */
function orderByCost(edges: number[], costs: number[]): Int32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const e of edges) {
    const c = costs[e]!;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  const levels = 1024;
  const scale = max > min ? (levels - 1) / (max - min) : 0;
  const start = new Int32Array(levels + 1);
  for (const e of edges) start[1 + Math.floor((costs[e]! - min) * scale)]!++;
  for (let k = 0; k < levels; k++) start[k + 1]! += start[k]!;
  const order = new Int32Array(edges.length);
  for (const e of edges) order[start[Math.floor((costs[e]! - min) * scale)]!++] = e;
  return order;
}

/** Connected components of the candidate graph restricted to `edges` (lists of edge indices). */
function components(candidates: AssignmentCandidates, edges: number[], rowCount: number, colCount: number): number[][] {
  const { rows, cols } = candidates;
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
  for (const e of edges) {
    const a = find(rows[e]!);
    const b = find(rowCount + cols[e]!);
    if (a !== b) parent[a] = b;
  }
  const byRoot = new Map<number, number[]>();
  for (const e of edges) {
    const root = find(rows[e]!);
    let list = byRoot.get(root);
    if (!list) byRoot.set(root, (list = []));
    list.push(e);
  }
  return [...byRoot.values()];
}

function sideCount(candidates: AssignmentCandidates, component: number[]): number {
  const rowSet = new Set<number>();
  const colSet = new Set<number>();
  for (const e of component) {
    rowSet.add(candidates.rows[e]!);
    colSet.add(candidates.cols[e]!);
  }
  return Math.min(rowSet.size, colSet.size);
}

function solveComponent(
  candidates: AssignmentCandidates,
  component: number[],
  maxCost: number,
  rowToCol: Int32Array,
  scratch: { localRow: Int32Array; localCol: Int32Array },
): void {
  const { rows, cols, costs } = candidates;
  const { localRow, localCol } = scratch;
  const rowIds: number[] = [];
  const colIds: number[] = [];
  for (const e of component) {
    const r = rows[e]!;
    const c = cols[e]!;
    if (localRow[r] === -1) localRow[r] = rowIds.push(r) - 1;
    if (localCol[c] === -1) localCol[c] = colIds.push(c) - 1;
  }
  const width = colIds.length;
  const cost = new Float64Array(rowIds.length * width).fill(Infinity);
  for (const e of component) {
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
