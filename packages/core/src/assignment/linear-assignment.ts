/**
 * Minimum-cost assignment between `rows` and `cols` (Hungarian method, shortest augmenting paths,
 * O(n² m)). Pairs whose cost exceeds `maxCost` are never matched; rectangular matrices are fine.
 *
 * @param cost row-major `rows x cols` costs (non-finite = forbidden)
 * @returns `rowToCol[r]` = matched column or -1
 * @example linearAssignment(new Float64Array([1, 9, 9, 1]), 2, 2) // Int32Array [0, 1]
 */
export function linearAssignment(cost: ArrayLike<number>, rows: number, cols: number, maxCost = Infinity): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return rowToCol;
  // Square problem of size n = rows + cols: forbidden pairs may fall back to a dummy at `maxCost`,
  // so a gated pair is never preferred to leaving both sides unmatched.
  const transpose = rows > cols;
  const n = transpose ? cols : rows; // the smaller side is the "worker" side
  const m = transpose ? rows : cols;
  const big = Number.isFinite(maxCost) ? maxCost : largestFinite(cost) * 2 + 1;
  const width = m + n; // real columns followed by one dummy column per worker
  const at = (i: number, j: number): number => {
    if (j >= m) return j - m === i ? big : Infinity;
    const c = transpose ? cost[j * cols + i] : cost[i * cols + j];
    return c !== undefined && Number.isFinite(c) && c <= maxCost ? c : Infinity;
  };
  const u = new Float64Array(n + 1);
  const v = new Float64Array(width + 1);
  const colOwner = new Int32Array(width + 1); // 1-based worker owning column, 0 = free
  const way = new Int32Array(width + 1);
  const minv = new Float64Array(width + 1);
  const used = new Uint8Array(width + 1);
  for (let i = 1; i <= n; i++) {
    colOwner[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = colOwner[j0]!;
      let delta = Infinity;
      let j1 = -1;
      for (let j = 1; j <= width; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      if (j1 < 0 || !Number.isFinite(delta)) break; // cannot happen: the dummy column is always open
      for (let j = 0; j <= width; j++) {
        if (used[j]) {
          u[colOwner[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (colOwner[j0] !== 0);
    do {
      const j1 = way[j0]!;
      colOwner[j0] = colOwner[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) {
    const worker = colOwner[j]!;
    if (worker === 0) continue;
    const i = worker - 1;
    const c = at(i, j - 1);
    if (!Number.isFinite(c)) continue;
    if (transpose) rowToCol[j - 1] = i;
    else rowToCol[i] = j - 1;
  }
  return rowToCol;
}

function largestFinite(cost: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < cost.length; k++) {
    const c = cost[k]!;
    if (Number.isFinite(c) && Math.abs(c) > max) max = Math.abs(c);
  }
  return max;
}
