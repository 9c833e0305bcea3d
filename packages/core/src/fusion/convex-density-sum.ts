import type { DensityMap } from '../density-map.js';
import { clipFlatRingToAxis, flatRingSignedArea, flattenRing, type Ring } from '../geometry/polygon.js';

/**
 * People a density map puts inside a **convex** polygon in frame pixels: Σ value · area(cell ∩ polygon) /
 * area(cell), exactly as {@link computeCellCoverage} + {@link integrateCoverage}, but only the cells on
 * the polygon's edge are clipped: in each row band, the cells between the polygon's spans on the band's
 * top and bottom lines lie wholly inside (convexity) and count in full. A footprint-sized polygon then
 * costs a few hundred clips instead of one per cell (~50x faster on a 240x135 grid).
 */
export function convexDensitySum(ringPx: Ring, density: DensityMap): number {
  const { cols, rows, cellPx, values } = density;
  const flat = flattenRing(ringPx);
  if (flat.length < 6 || !(cellPx > 0)) return 0;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 1; i < flat.length; i += 2) {
    minY = Math.min(minY, flat[i]!);
    maxY = Math.max(maxY, flat[i]!);
  }
  const r0 = Math.max(0, Math.floor(minY / cellPx));
  const r1 = Math.min(rows - 1, Math.ceil(maxY / cellPx) - 1);
  const cellArea = cellPx * cellPx;
  const eps = 1e-9 * cellPx;
  let sum = 0;
  for (let r = r0; r <= r1; r++) {
    const top = r * cellPx;
    const bottom = top + cellPx;
    let band = clipFlatRingToAxis(flat, 1, top, true);
    band = clipFlatRingToAxis(band, 1, bottom, false);
    if (band.length < 6) continue;
    // x-extent of the band, and the spans on its top and bottom lines (empty when not reached).
    let minX = Infinity;
    let maxX = -Infinity;
    let topL = Infinity;
    let topR = -Infinity;
    let botL = Infinity;
    let botR = -Infinity;
    for (let i = 0; i < band.length; i += 2) {
      const x = band[i]!;
      const y = band[i + 1]!;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      if (Math.abs(y - top) <= eps) {
        topL = Math.min(topL, x);
        topR = Math.max(topR, x);
      }
      if (Math.abs(y - bottom) <= eps) {
        botL = Math.min(botL, x);
        botR = Math.max(botR, x);
      }
    }
    const c0 = Math.max(0, Math.floor(minX / cellPx));
    const c1 = Math.min(cols - 1, Math.ceil(maxX / cellPx) - 1);
    // Cells wholly inside: their x-range within both spans (a convex set holding all four corners).
    const innerFrom = Math.max(c0, Math.ceil(Math.max(topL, botL) / cellPx));
    const innerTo = Math.min(c1, Math.floor(Math.min(topR, botR) / cellPx) - 1);
    const row = r * cols;
    for (let c = c0; c <= c1; c++) {
      if (c >= innerFrom && c <= innerTo) {
        sum += values[row + c] ?? 0;
        continue;
      }
      let cell = clipFlatRingToAxis(band, 0, c * cellPx, true);
      cell = clipFlatRingToAxis(cell, 0, (c + 1) * cellPx, false);
      if (cell.length < 6) continue;
      const share = Math.min(1, Math.abs(flatRingSignedArea(cell)) / cellArea);
      sum += share * (values[row + c] ?? 0);
    }
  }
  return sum;
}
