import type { DensityMap } from '../density-map.js';
import type { PointXY } from '../geometry/polygon.js';

/** Error function, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

/** Share of a 1-D Gaussian (mean `mu`, sd `sigma`) between `a` and `b`. */
function gaussianMass(a: number, b: number, mu: number, sigma: number): number {
  const s = sigma * Math.SQRT2;
  return 0.5 * (erf((b - mu) / s) - erf((a - mu) / s));
}

/**
 * Test builder: a density map made by splatting a 2-D Gaussian (sd `sigmaPx`) on each head point,
 * integrated exactly over each `cellPx` cell (separable erf differences). Every point inside the grid
 * adds exactly 1 to the sum (its mass cut off by the border is renormalised), so the map's sum is the
 * number of points inside the grid - like the ground-truth maps density models are trained on.
 */
export function gaussianDensityMap(
  points: readonly PointXY[],
  options: { widthPx: number; heightPx: number; cellPx: number; sigmaPx: number },
): DensityMap {
  const { widthPx, heightPx, cellPx, sigmaPx } = options;
  const cols = Math.ceil(widthPx / cellPx);
  const rows = Math.ceil(heightPx / cellPx);
  const values = new Float32Array(cols * rows);
  const reach = 4 * sigmaPx;
  for (const [x, y] of points) {
    if (!(x >= 0 && y >= 0 && x < cols * cellPx && y < rows * cellPx)) continue;
    const c0 = Math.max(0, Math.floor((x - reach) / cellPx));
    const c1 = Math.min(cols - 1, Math.floor((x + reach) / cellPx));
    const r0 = Math.max(0, Math.floor((y - reach) / cellPx));
    const r1 = Math.min(rows - 1, Math.floor((y + reach) / cellPx));
    const mx: number[] = [];
    const my: number[] = [];
    for (let c = c0; c <= c1; c++) mx.push(gaussianMass(c * cellPx, (c + 1) * cellPx, x, sigmaPx));
    for (let r = r0; r <= r1; r++) my.push(gaussianMass(r * cellPx, (r + 1) * cellPx, y, sigmaPx));
    const total = mx.reduce((s, v) => s + v, 0) * my.reduce((s, v) => s + v, 0);
    if (!(total > 0)) continue;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        values[r * cols + c] = values[r * cols + c]! + (mx[c - c0]! * my[r - r0]!) / total;
      }
    }
  }
  return { cols, rows, cellPx, values };
}
