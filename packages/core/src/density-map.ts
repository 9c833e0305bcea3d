/**
 * A crowd density map: `rows x cols` cells of `cellPx x cellPx` image pixels, row-major.
 * Each value is the expected number of people in that cell, so the sum is the count.
 */
export interface DensityMap {
  readonly cols: number;
  readonly rows: number;
  /** Side of one cell in pixels of the analysed frame. */
  readonly cellPx: number;
  /** Persons per cell, row-major, length `rows * cols`. */
  readonly values: Float32Array;
}

/** Creates an all-zero density map. */
export function emptyDensityMap(cols: number, rows: number, cellPx: number): DensityMap {
  return { cols, rows, cellPx, values: new Float32Array(cols * rows) };
}

/** The count a density map represents: the sum of its values. */
export function densityMapCount(map: DensityMap): number {
  let sum = 0;
  for (let i = 0; i < map.values.length; i++) sum += map.values[i] ?? 0;
  return sum;
}
