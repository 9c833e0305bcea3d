import type { AssignmentCandidates } from '../tracking/sparse-assignment.js';

/**
 * Exact minimum-cost assignment over sparse candidate pairs, for the evaluation metrics: every row
 * is matched to one of its candidate columns or left unmatched at `maxCost`, and the total cost is
 * minimal - the same optimum as the dense Hungarian method with non-candidates forbidden.
 *
 * Why not {@link sparseAssignment}: it solves each connected component of the candidate graph with
 * the dense O(n^3) Hungarian method, and in a dense crowd (heads ~5-10 px apart, a 10 px threshold)
 * the graph percolates into one component of thousands of rows, so 3,000 tracks took minutes.
 * Here every free row is augmented by Dijkstra over its candidate edges only (successive shortest
 * paths with Jonker-Volgenant potentials, a binary heap, stopping at the first free column), so the
 * work follows the edges that matter: O(E log V) per augmentation, and most rows are placed by the
 * greedy start or a short path.
 *
 * @param candidates pairs (row, col, cost); pairs with a cost above `maxCost` or not finite are ignored
 * @param maxCost finite cost of leaving a row unmatched
 * @returns `rowToCol[r]` = matched column or -1
 * @example minCostMatching({ rows: [0, 0, 1], cols: [0, 1, 0], costs: [1, 2, 1] }, 2, 2, 5) // [1, 0]
 */
export function minCostMatching(
  candidates: AssignmentCandidates,
  rowCount: number,
  colCount: number,
  maxCost: number,
): Int32Array {
  if (!Number.isFinite(maxCost)) throw new RangeError(`minCostMatching: maxCost must be finite, got ${maxCost}`);
  const graph = buildGraph(candidates, rowCount, colCount, maxCost);
  // Columns colCount + r are private "unmatched" columns of row r at maxCost.
  const totalCols = colCount + rowCount;
  const u = new Float64Array(rowCount);
  const v = new Float64Array(totalCols);
  const colOwner = new Int32Array(totalCols).fill(-1);
  const rowCol = new Int32Array(rowCount).fill(-1);
  // Start: each row's cheapest option is tight (reduced cost 0); take it when still free.
  for (let r = 0; r < rowCount; r++) {
    let best = maxCost;
    let bestCol = colCount + r;
    for (let e = graph.start[r]!; e < graph.start[r + 1]!; e++) {
      if (graph.cost[e]! < best) {
        best = graph.cost[e]!;
        bestCol = graph.col[e]!;
      }
    }
    u[r] = best;
    if (colOwner[bestCol] === -1) {
      colOwner[bestCol] = r;
      rowCol[r] = bestCol;
    }
  }
  const search = new ShortestPathSearch(totalCols);
  for (let r = 0; r < rowCount; r++) {
    if (rowCol[r] === -1) augment(r, graph, colCount, maxCost, u, v, colOwner, rowCol, search);
  }
  const rowToCol = new Int32Array(rowCount);
  for (let r = 0; r < rowCount; r++) rowToCol[r] = rowCol[r]! < colCount ? rowCol[r]! : -1;
  return rowToCol;
}

/** Candidate edges by row (compressed sparse rows), only those that may be matched. */
interface RowGraph {
  start: Int32Array;
  col: Int32Array;
  cost: Float64Array;
}

function buildGraph(candidates: AssignmentCandidates, rowCount: number, colCount: number, maxCost: number): RowGraph {
  const { rows, cols, costs } = candidates;
  const usable = (e: number): boolean => {
    const cost = costs[e]!;
    const row = rows[e]!;
    const col = cols[e]!;
    return Number.isFinite(cost) && cost <= maxCost && row >= 0 && row < rowCount && col >= 0 && col < colCount;
  };
  const start = new Int32Array(rowCount + 1);
  for (let e = 0; e < rows.length; e++) if (usable(e)) start[rows[e]! + 1]!++;
  for (let r = 0; r < rowCount; r++) start[r + 1]! += start[r]!;
  const fill = start.slice(0, rowCount);
  const col = new Int32Array(start[rowCount]!);
  const cost = new Float64Array(start[rowCount]!);
  for (let e = 0; e < rows.length; e++) {
    if (!usable(e)) continue;
    const at = fill[rows[e]!]!++;
    col[at] = cols[e]!;
    cost[at] = costs[e]!;
  }
  return { start, col, cost };
}

/** Scratch state of one Dijkstra search, reset in O(touched) between searches. */
class ShortestPathSearch {
  readonly dist: Float64Array;
  readonly fromRow: Int32Array;
  readonly done: Uint8Array;
  readonly touched: number[] = [];
  readonly finished: number[] = [];
  readonly heap = new MinHeap();

  constructor(columns: number) {
    this.dist = new Float64Array(columns).fill(Infinity);
    this.fromRow = new Int32Array(columns).fill(-1);
    this.done = new Uint8Array(columns);
  }

  reset(): void {
    for (const c of this.touched) {
      this.dist[c] = Infinity;
      this.fromRow[c] = -1;
      this.done[c] = 0;
    }
    this.touched.length = 0;
    this.finished.length = 0;
    this.heap.clear();
  }

  relax(col: number, distance: number, row: number): void {
    if (this.done[col] || !(distance < this.dist[col]!)) return;
    if (this.dist[col] === Infinity) this.touched.push(col);
    this.dist[col] = distance;
    this.fromRow[col] = row;
    this.heap.push(distance, col);
  }
}

/** Finds the shortest augmenting path from free row `source`, updates the potentials and augments. */
function augment(
  source: number,
  graph: RowGraph,
  colCount: number,
  maxCost: number,
  u: Float64Array,
  v: Float64Array,
  colOwner: Int32Array,
  rowCol: Int32Array,
  search: ShortestPathSearch,
): void {
  search.reset();
  const { dist, done, heap, finished } = search;
  const relaxRow = (row: number, base: number): void => {
    for (let e = graph.start[row]!; e < graph.start[row + 1]!; e++) {
      const c = graph.col[e]!;
      search.relax(c, base + graph.cost[e]! - u[row]! - v[c]!, row);
    }
    const dummy = colCount + row;
    search.relax(dummy, base + maxCost - u[row]! - v[dummy]!, row);
  };
  relaxRow(source, 0);
  let sink = -1;
  let sinkDist = 0;
  while (heap.size > 0) {
    const distance = heap.topKey();
    const col = heap.pop();
    if (done[col] || distance > dist[col]!) continue;
    done[col] = 1;
    finished.push(col);
    const owner = colOwner[col]!;
    if (owner === -1) {
      sink = col;
      sinkDist = distance;
      break;
    }
    relaxRow(owner, distance);
  }
  // The source's own "unmatched" column is always reachable, so a sink always exists.
  if (sink === -1) throw new Error('minCostMatching: no augmenting path (cannot happen)');
  // Potentials: keep every reduced cost >= 0 and make the tree edges on the path tight.
  u[source]! += sinkDist;
  for (const col of finished) {
    if (col === sink) continue;
    const shift = sinkDist - dist[col]!;
    v[col]! -= shift;
    u[colOwner[col]!]! += shift;
  }
  for (let col = sink; ;) {
    const row = search.fromRow[col]!;
    const previous = rowCol[row]!;
    colOwner[col] = row;
    rowCol[row] = col;
    if (row === source) break;
    col = previous;
  }
}

/** A binary min-heap of (key, value) pairs; stale entries are skipped by the caller. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  push(key: number, value: number): void {
    const { keys, values } = this;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Removes the smallest entry and returns its value. */
  pop(): number {
    const { keys, values } = this;
    const top = values[0]!;
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= lastKey) break;
      keys[i] = keys[child]!;
      values[i] = values[child]!;
      i = child;
    }
    keys[i] = lastKey;
    values[i] = lastValue;
    return top;
  }
}
