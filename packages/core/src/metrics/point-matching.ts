import { linearAssignment } from '../assignment/linear-assignment.js';

/** A one-to-one matching between predicted and annotated points. */
export interface PointMatching {
  /** For each predicted point, the index of its matched truth point, or -1. */
  predictedToTruth: Int32Array;
  /** For each truth point, the index of its matched predicted point, or -1. */
  truthToPredicted: Int32Array;
  /** Number of matched pairs. */
  matched: number;
}

/** Options of {@link matchPoints}. */
export interface PointMatchingOptions {
  /**
   * Largest group of mutually reachable points (predicted + truth) solved by one exact Hungarian
   * assignment. Bigger groups (dense crowds) are cut into spatial blocks of at most this many
   * points, each solved exactly, and pairs cut apart by block borders are recovered by augmenting
   * paths. Default 128.
   */
  exactLimit?: number;
}

/**
 * One-to-one matching of predicted to truth points within `radiusPx` (Euclidean): the largest
 * possible number of pairs and, among those, a small total distance. Points are interleaved
 * [x0, y0, x1, y1, ...] in the same pixel frame.
 *
 * The number of pairs is always the maximum. Each connected group of points that reach each other
 * within the radius is solved by the Hungarian method ({@link linearAssignment}), which also makes
 * the total distance minimal; groups larger than `exactLimit` (thousands of heads packed closer
 * than the radius) are solved block by block and completed by augmenting paths, so their total
 * distance is near-minimal while thousands of points take milliseconds.
 *
 * @example matchPoints([0, 0, 10, 10], [1, 0, 30, 30], 8).matched // 1
 */
export function matchPoints(
  predictedXy: ArrayLike<number>,
  truthXy: ArrayLike<number>,
  radiusPx: number,
  options: PointMatchingOptions = {},
): PointMatching {
  if (!(radiusPx >= 0) || !Number.isFinite(radiusPx)) {
    throw new RangeError(`matchPoints: radiusPx must be a finite number >= 0, got ${radiusPx}`);
  }
  const nPredicted = Math.floor(predictedXy.length / 2);
  const nTruth = Math.floor(truthXy.length / 2);
  const matcher = new Matcher(predictedXy, truthXy, radiusPx, Math.max(2, options.exactLimit ?? 128));
  matcher.solve(range(nPredicted), range(nTruth));
  let matched = 0;
  for (const t of matcher.predictedToTruth) if (t >= 0) matched++;
  return { predictedToTruth: matcher.predictedToTruth, truthToPredicted: matcher.truthToPredicted, matched };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

interface Edges {
  predicted: number[];
  truth: number[];
  distance: number[];
}

class Matcher {
  readonly predictedToTruth: Int32Array;
  readonly truthToPredicted: Int32Array;

  constructor(
    private readonly predictedXy: ArrayLike<number>,
    private readonly truthXy: ArrayLike<number>,
    private readonly radius: number,
    private readonly exactLimit: number,
  ) {
    this.predictedToTruth = new Int32Array(Math.floor(predictedXy.length / 2)).fill(-1);
    this.truthToPredicted = new Int32Array(Math.floor(truthXy.length / 2)).fill(-1);
  }

  /** Matches all points: exact groups, blocks of the big groups, then augmentation to the maximum. */
  solve(predicted: number[], truth: number[]): void {
    if (predicted.length === 0 || truth.length === 0) return;
    const edges = this.edges(predicted, truth);
    if (edges.distance.length === 0) return;
    for (const group of components(edges)) {
      if (group.predicted.length + group.truth.length <= this.exactLimit) {
        this.exact(group.predicted, group.truth, edges);
        continue;
      }
      for (const block of this.blocks(group.predicted, group.truth)) {
        // Each block is within the limit; its own components are solved exactly.
        const blockEdges = this.edges(block.predicted, block.truth);
        for (const part of components(blockEdges)) this.exact(part.predicted, part.truth, blockEdges);
      }
    }
    this.augment(predicted, edges);
  }

  /**
   * Pairs cut apart by block borders: augmenting paths (alternating unmatched/matched pairs from a
   * free predicted point to a free truth point) until none is left, which makes the number of
   * pairs the maximum (Berge). Each phase shares one visited set; a phase without any augmentation
   * proves that no augmenting path exists.
   */
  private augment(predicted: number[], edges: Edges): void {
    const neighbours = new Map<number, number[]>();
    for (let e = 0; e < edges.distance.length; e++) {
      const p = edges.predicted[e]!;
      const list = neighbours.get(p);
      if (list) list.push(edges.truth[e]!);
      else neighbours.set(p, [edges.truth[e]!]);
    }
    const visited = new Set<number>();
    for (;;) {
      visited.clear();
      let augmented = 0;
      for (const start of predicted) {
        if (this.predictedToTruth[start]! >= 0 || !neighbours.has(start)) continue;
        if (this.augmentFrom(start, neighbours, visited)) augmented++;
      }
      if (augmented === 0) return;
    }
  }

  /** Iterative depth-first search for one augmenting path from a free predicted point. */
  private augmentFrom(start: number, neighbours: Map<number, number[]>, visited: Set<number>): boolean {
    // Stack of [predicted point, next neighbour index to try, truth point it was reached through].
    const stack: Array<{ p: number; next: number; via: number }> = [{ p: start, next: 0, via: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = neighbours.get(top.p) ?? [];
      if (top.next >= list.length) {
        stack.pop();
        continue;
      }
      const t = list[top.next++]!;
      if (visited.has(t)) continue;
      visited.add(t);
      const owner = this.truthToPredicted[t]!;
      if (owner >= 0) {
        stack.push({ p: owner, next: 0, via: t });
        continue;
      }
      // Free truth point: flip the path, each predicted point on the stack takes the truth point after it.
      let take = t;
      for (let k = stack.length - 1; k >= 0; k--) {
        const frame = stack[k]!;
        this.predictedToTruth[frame.p] = take;
        this.truthToPredicted[take] = frame.p;
        take = frame.via;
      }
      return true;
    }
    return false;
  }

  /** All predicted-truth pairs within the radius, found through a grid of radius-sized cells. */
  private edges(predicted: number[], truth: number[]): Edges {
    const cell = Math.max(this.radius, 1e-6);
    const grid = new Map<number, number[]>();
    const key = (cx: number, cy: number): number => (cx + 2 ** 24) * 2 ** 26 + (cy + 2 ** 24);
    for (const t of truth) {
      const k = key(Math.floor(this.truthXy[2 * t]! / cell), Math.floor(this.truthXy[2 * t + 1]! / cell));
      const bucket = grid.get(k);
      if (bucket) bucket.push(t);
      else grid.set(k, [t]);
    }
    const edges: Edges = { predicted: [], truth: [], distance: [] };
    const r2 = this.radius * this.radius;
    for (const p of predicted) {
      const x = this.predictedXy[2 * p]!;
      const y = this.predictedXy[2 * p + 1]!;
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const t of grid.get(key(cx + dx, cy + dy)) ?? []) {
            const ex = this.truthXy[2 * t]! - x;
            const ey = this.truthXy[2 * t + 1]! - y;
            const d2 = ex * ex + ey * ey;
            if (d2 <= r2) {
              edges.predicted.push(p);
              edges.truth.push(t);
              edges.distance.push(Math.sqrt(d2));
            }
          }
        }
      }
    }
    return edges;
  }

  /** Exact cardinality-first, then minimum-distance, assignment of one group. */
  private exact(predicted: number[], truth: number[], edges: Edges): void {
    const rows = predicted.length;
    const cols = truth.length;
    const row = new Map(predicted.map((p, i) => [p, i]));
    const col = new Map(truth.map((t, j) => [t, j]));
    const cost = new Float64Array(rows * cols).fill(Infinity);
    for (let e = 0; e < edges.distance.length; e++) {
      const i = row.get(edges.predicted[e]!);
      const j = col.get(edges.truth[e]!);
      if (i !== undefined && j !== undefined) cost[i * cols + j] = edges.distance[e]!;
    }
    // Leaving a point unmatched costs more than any set of matched distances could: the solver
    // first maximises the number of pairs, then minimises their total distance.
    const unmatchedCost = this.radius * (Math.min(rows, cols) + 1) + 1;
    const rowToCol = linearAssignment(cost, rows, cols, unmatchedCost);
    rowToCol.forEach((j, i) => {
      if (j < 0) return;
      const p = predicted[i]!;
      const t = truth[j]!;
      this.predictedToTruth[p] = t;
      this.truthToPredicted[t] = p;
    });
  }

  /** Splits a group at the median along its longer axis until each block is within the limit. */
  private blocks(predicted: number[], truth: number[]): Array<{ predicted: number[]; truth: number[] }> {
    const nodes = [
      ...predicted.map((p) => ({
        truth: false,
        index: p,
        x: this.predictedXy[2 * p]!,
        y: this.predictedXy[2 * p + 1]!,
      })),
      ...truth.map((t) => ({ truth: true, index: t, x: this.truthXy[2 * t]!, y: this.truthXy[2 * t + 1]! })),
    ];
    const out: Array<{ predicted: number[]; truth: number[] }> = [];
    const split = (part: typeof nodes): void => {
      if (part.length <= this.exactLimit) {
        out.push({
          predicted: part.filter((n) => !n.truth).map((n) => n.index),
          truth: part.filter((n) => n.truth).map((n) => n.index),
        });
        return;
      }
      let minX = Infinity;
      let maxX = -Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (const n of part) {
        minX = Math.min(minX, n.x);
        maxX = Math.max(maxX, n.x);
        minY = Math.min(minY, n.y);
        maxY = Math.max(maxY, n.y);
      }
      const byX = maxX - minX >= maxY - minY;
      part.sort((a, b) => (byX ? a.x - b.x : a.y - b.y));
      const half = part.length >> 1;
      split(part.slice(0, half));
      split(part.slice(half));
    };
    split(nodes);
    return out;
  }
}

/** Connected groups of the bipartite graph given by `edges` (union-find over its endpoints). */
function components(edges: Edges): Array<{ predicted: number[]; truth: number[] }> {
  // Node ids: predicted point p is 2p, truth point t is 2t + 1.
  const parent = new Map<number, number>();
  const find = (a: number): number => {
    let root = a;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = a;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (let e = 0; e < edges.distance.length; e++) {
    const p = 2 * edges.predicted[e]!;
    const t = 2 * edges.truth[e]! + 1;
    if (!parent.has(p)) parent.set(p, p);
    if (!parent.has(t)) parent.set(t, t);
    const rp = find(p);
    const rt = find(t);
    if (rp !== rt) parent.set(rp, rt);
  }
  const groups = new Map<number, { predicted: number[]; truth: number[] }>();
  for (const node of parent.keys()) {
    const root = find(node);
    let group = groups.get(root);
    if (!group) groups.set(root, (group = { predicted: [], truth: [] }));
    if (node % 2 === 0) group.predicted.push(node / 2);
    else group.truth.push((node - 1) / 2);
  }
  return [...groups.values()];
}
