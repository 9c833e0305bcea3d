import type { DensityMap } from '../density-map.js';
import { RaqibError } from '../raqib-error.js';

/** A grid of square cells over an image (the shape shared by FlowField and DensityMap). */
export interface CellGrid {
  readonly cols: number;
  readonly rows: number;
  readonly cellPx: number;
}

/** A polygon in image pixels: vertices `[x, y]` in order (closing edge implied). */
export type PolygonPx = ReadonlyArray<readonly [number, number]>;

/**
 * Fraction (0..1) of each grid cell inside `polygon`, estimated from `samplesPerSide^2` evenly
 * spread points per cell (only cells within the polygon's bounding box are tested).
 */
export function polygonCellCoverage(grid: CellGrid, polygon: PolygonPx, samplesPerSide = 4): Float32Array {
  if (polygon.length < 3) {
    throw new RaqibError('ZONES_INVALID', `a zone polygon needs at least 3 vertices, got ${polygon.length}`);
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of polygon) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RaqibError('ZONES_INVALID', `zone polygon vertex (${x}, ${y}) is not a finite pixel position`);
    }
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const { cols, rows, cellPx } = grid;
  const coverage = new Float32Array(cols * rows);
  const c0 = Math.max(0, Math.floor(minX / cellPx));
  const c1 = Math.min(cols - 1, Math.floor(maxX / cellPx));
  const r0 = Math.max(0, Math.floor(minY / cellPx));
  const r1 = Math.min(rows - 1, Math.floor(maxY / cellPx));
  const s = Math.max(1, Math.round(samplesPerSide));
  const perSample = 1 / (s * s);
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      let inside = 0;
      for (let j = 0; j < s; j++) {
        const y = (r + (j + 0.5) / s) * cellPx - 0.5;
        for (let i = 0; i < s; i++) {
          if (insidePolygon((c + (i + 0.5) / s) * cellPx - 0.5, y, polygon)) inside++;
        }
      }
      coverage[r * cols + c] = inside * perSample;
    }
  }
  return coverage;
}

/** Even-odd rule point-in-polygon test (pixel coordinates). */
function insidePolygon(x: number, y: number, polygon: PolygonPx): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as readonly [number, number];
    const [xj, yj] = polygon[j] as readonly [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Resamples a density map onto another grid by area overlap: the persons expected in each cell of
 * `grid` (so the sum is preserved where the grids overlap).
 */
export function densityOnGrid(density: DensityMap, grid: CellGrid): Float32Array {
  const { cols, rows, cellPx } = grid;
  const out = new Float32Array(cols * rows);
  if (density.cols * density.rows > density.values.length) {
    throw new RaqibError(
      'INPUT_INVALID',
      `density map ${density.cols}x${density.rows} has only ${density.values.length} values`,
    );
  }
  if (density.cellPx === cellPx && density.cols === cols && density.rows === rows) {
    out.set(density.values.subarray(0, cols * rows));
    return out;
  }
  const dPx = density.cellPx;
  const invArea = 1 / (dPx * dPx);
  for (let r = 0; r < rows; r++) {
    const y0 = r * cellPx;
    const y1 = y0 + cellPx;
    const dr0 = Math.floor(y0 / dPx);
    const dr1 = Math.min(density.rows - 1, Math.ceil(y1 / dPx) - 1);
    for (let c = 0; c < cols; c++) {
      const x0 = c * cellPx;
      const x1 = x0 + cellPx;
      const dc0 = Math.floor(x0 / dPx);
      const dc1 = Math.min(density.cols - 1, Math.ceil(x1 / dPx) - 1);
      let sum = 0;
      for (let dr = dr0; dr <= dr1; dr++) {
        const oy = Math.min(y1, (dr + 1) * dPx) - Math.max(y0, dr * dPx);
        if (oy <= 0) continue;
        for (let dc = dc0; dc <= dc1; dc++) {
          const ox = Math.min(x1, (dc + 1) * dPx) - Math.max(x0, dc * dPx);
          if (ox <= 0) continue;
          sum += (density.values[dr * density.cols + dc] as number) * ox * oy * invArea;
        }
      }
      out[r * cols + c] = sum;
    }
  }
  return out;
}
