import { clipFlatRingToAxis, flatRingSignedArea, flattenRing, type Ring } from '../geometry/polygon.js';

/** The cell layout of a density map: `rows x cols` cells of `cellPx x cellPx` frame pixels. */
export interface DensityGrid {
  readonly cols: number;
  readonly rows: number;
  readonly cellPx: number;
}

/**
 * Which density cells a polygon covers and how much: a sparse list of row-major cell indices with the
 * fraction (0..1] of each cell's area inside the polygon. Computed once per polygon and grid, then
 * reused frame after frame: count = Σ weight · density[cell].
 */
export interface CellCoverage {
  readonly grid: DensityGrid;
  /** Row-major indices (`row * cols + col`) of the cells the polygon overlaps, ascending. */
  readonly cells: Int32Array;
  /** Share of each listed cell's area inside the polygon, same order as `cells`. */
  readonly weights: Float64Array;
}

function accumulateRing(flat: number[], grid: DensityGrid, sign: number, acc: Float64Array): void {
  const { cols, rows, cellPx } = grid;
  if (flat.length < 6) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 1; i < flat.length; i += 2) {
    minY = Math.min(minY, flat[i]!);
    maxY = Math.max(maxY, flat[i]!);
  }
  const r0 = Math.max(0, Math.floor(minY / cellPx));
  const r1 = Math.min(rows - 1, Math.ceil(maxY / cellPx) - 1);
  const cellArea = cellPx * cellPx;
  for (let r = r0; r <= r1; r++) {
    // Clip to the row's band first, so that each cell clip only sees the few vertices of that band.
    let band = clipFlatRingToAxis(flat, 1, r * cellPx, true);
    band = clipFlatRingToAxis(band, 1, (r + 1) * cellPx, false);
    if (band.length < 6) continue;
    let minX = Infinity;
    let maxX = -Infinity;
    for (let i = 0; i < band.length; i += 2) {
      minX = Math.min(minX, band[i]!);
      maxX = Math.max(maxX, band[i]!);
    }
    const c0 = Math.max(0, Math.floor(minX / cellPx));
    const c1 = Math.min(cols - 1, Math.ceil(maxX / cellPx) - 1);
    for (let c = c0; c <= c1; c++) {
      let cell = clipFlatRingToAxis(band, 0, c * cellPx, true);
      cell = clipFlatRingToAxis(cell, 0, (c + 1) * cellPx, false);
      if (cell.length < 6) continue;
      const area = Math.abs(flatRingSignedArea(cell));
      if (area > 0) acc[r * cols + c] = acc[r * cols + c]! + (sign * area) / cellArea;
    }
  }
}

/**
 * Exact fractional coverage of density cells by a polygon in frame pixels (first ring the outline,
 * further rings holes): each weight is area(cell ∩ polygon) / area(cell), by clipping the polygon to
 * each cell. Zones that tile the frame therefore split every cell's count exactly (up to rounding).
 * Parts of the polygon outside the grid are ignored.
 */
export function computeCellCoverage(ringsPx: readonly Ring[], grid: DensityGrid): CellCoverage {
  const { cols, rows, cellPx } = grid;
  if (!(cols > 0 && rows > 0 && cellPx > 0)) {
    return { grid, cells: new Int32Array(0), weights: new Float64Array(0) };
  }
  const acc = new Float64Array(cols * rows);
  ringsPx.forEach((ring, i) => accumulateRing(flattenRing(ring), grid, i === 0 ? 1 : -1, acc));
  let n = 0;
  for (let i = 0; i < acc.length; i++) if (acc[i]! > 1e-12) n++;
  const cells = new Int32Array(n);
  const weights = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < acc.length; i++) {
    if (acc[i]! > 1e-12) {
      cells[k] = i;
      weights[k] = Math.min(1, acc[i]!);
      k++;
    }
  }
  return { grid, cells, weights };
}

/** Σ weight · values[cell]: the number of people a density map puts inside the covered polygon. */
export function integrateCoverage(coverage: CellCoverage, values: ArrayLike<number>): number {
  let sum = 0;
  const { cells, weights } = coverage;
  for (let i = 0; i < cells.length; i++) sum += weights[i]! * (values[cells[i]!] ?? 0);
  return sum;
}
