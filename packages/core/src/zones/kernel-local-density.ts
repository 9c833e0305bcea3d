import type { DensityMap } from '../density-map.js';

/** The kernel is cut off beyond this many radii (weight exp(-6.25) < 0.2%). */
const CUTOFF_RADII = 2.5;

const cache = new WeakMap<DensityMap, { radiusPx: number; sums: Float32Array }>();

/**
 * Kernel-weighted people around every cell of a density map: sum_j exp(-|r_j - r|² / R²) x count_j,
 * with R = `radiusPx` (Helbing's local density is this divided by pi R², persons per unit²). Separable,
 * so O(cells x R / cellPx). Cached per map and radius (zones of one frame share it): a map must not change once measured.
 */
export function kernelWeightedCounts(density: DensityMap, radiusPx: number): Float32Array {
  const cached = cache.get(density);
  if (cached && cached.radiusPx === radiusPx) return cached.sums;
  const { cols, rows, cellPx, values } = density;
  const reach = Math.max(0, Math.floor((CUTOFF_RADII * radiusPx) / cellPx));
  const weights = new Float32Array(reach + 1);
  for (let k = 0; k <= reach; k++) weights[k] = Math.exp(-((k * cellPx) ** 2) / (radiusPx * radiusPx));
  const across = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      const from = Math.max(0, c - reach);
      const to = Math.min(cols - 1, c + reach);
      for (let j = from; j <= to; j++) sum += weights[Math.abs(j - c)]! * values[row + j]!;
      across[row + c] = sum;
    }
  }
  const sums = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    const from = Math.max(0, r - reach);
    const to = Math.min(rows - 1, r + reach);
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let j = from; j <= to; j++) sum += weights[Math.abs(j - r)]! * across[j * cols + c]!;
      sums[r * cols + c] = sum;
    }
  }
  cache.set(density, { radiusPx, sums });
  return sums;
}
