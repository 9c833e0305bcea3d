/** Cap of the nearest-neighbour head-size proxy, px (as the model training uses it). */
export const NEAREST_NEIGHBOUR_HEAD_SIZE_CAP_PX = 64;

/**
 * Median of a list of numbers (the mean of the two middle ones for an even count); NaN when empty.
 *
 * @example medianOf([3, 1, 2]) // 2
 */
export function medianOf(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Head-size proxy per head point: the distance to the nearest other head, capped at `capPx` (default
 * {@link NEAREST_NEIGHBOUR_HEAD_SIZE_CAP_PX}).
 *
 * Why: point annotations (ShanghaiTech) carry no size; in a dense crowd the gap to the nearest head is
 * about one head, and the cap keeps isolated people in sparse scenes from reading as giant heads. The
 * model training (training/evaluate.py `head_size_px`) uses the same proxy, so bands match. With fewer
 * than two points every head gets `capPx`.
 *
 * @param pointsXy - head points as interleaved `[x0, y0, x1, y1, ...]`, px
 * @returns one distance per point, px
 * @example nearestNeighbourHeadSizesPx(Float64Array.of(0, 0, 3, 4, 100, 0)) // [5, 5, 64]
 */
export function nearestNeighbourHeadSizesPx(
  pointsXy: ArrayLike<number>,
  capPx: number = NEAREST_NEIGHBOUR_HEAD_SIZE_CAP_PX,
): Float64Array {
  const n = Math.floor(pointsXy.length / 2);
  const out = new Float64Array(n).fill(capPx);
  if (n < 2) return out;
  // Scan outwards from each point in x order: once the x gap alone exceeds the best distance found,
  // no further point can be nearer, so dense crowds (thousands of heads) stay far below n² work.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pointsXy[2 * a]! - pointsXy[2 * b]!);
  const best = new Float64Array(n).fill(capPx * capPx);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const xi = pointsXy[2 * i]!;
    const yi = pointsXy[2 * i + 1]!;
    for (const step of [1, -1]) {
      for (let m = k + step; m >= 0 && m < n; m += step) {
        const j = order[m]!;
        const dx = pointsXy[2 * j]! - xi;
        if (dx * dx >= best[i]!) break;
        const dy = pointsXy[2 * j + 1]! - yi;
        best[i] = Math.min(best[i]!, dx * dx + dy * dy);
      }
    }
  }
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(best[i]!);
  return out;
}
