import { Detections, type DensityMap } from '@raqib/core';

export interface DensityPointOptions {
  /**
   * Smallest remaining density (persons per cell) that can seed a point; weaker evidence gives no
   * point even if it adds to the count. Default 0.05.
   */
  minPeakPerCell?: number;
  /** How far (in cells) a point gathers the one person's worth of density it explains. Default 2. */
  maxRadiusCells?: number;
  /** Side of the square box of each point detection, in pixels. Default: 2 cells. */
  boxPx?: number;
}

/** A binary max-heap of (value, cell index) on typed arrays; entries may go stale (lazy deletion). */
class CellHeap {
  private values: Float32Array;
  private cells: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.values = new Float32Array(Math.max(16, capacity));
    this.cells = new Int32Array(Math.max(16, capacity));
  }

  push(value: number, cell: number): void {
    if (this.size === this.values.length) {
      const values = new Float32Array(this.size * 2);
      values.set(this.values);
      const cells = new Int32Array(this.size * 2);
      cells.set(this.cells);
      this.values = values;
      this.cells = cells;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.values[parent]! >= value) break;
      this.values[i] = this.values[parent]!;
      this.cells[i] = this.cells[parent]!;
      i = parent;
    }
    this.values[i] = value;
    this.cells[i] = cell;
  }

  /** Removes the top entry; read `topValue`/`topCell` first. */
  pop(): void {
    const n = --this.size;
    const value = this.values[n]!;
    const cell = this.cells[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.values[child + 1]! > this.values[child]!) child++;
      if (this.values[child]! <= value) break;
      this.values[i] = this.values[child]!;
      this.cells[i] = this.cells[child]!;
      i = child;
    }
    this.values[i] = value;
    this.cells[i] = cell;
  }

  get topValue(): number {
    return this.values[0]!;
  }

  get topCell(): number {
    return this.cells[0]!;
  }
}

/** Offset in -0.5..0.5 cells of the vertex of the parabola through three samples around a peak. */
function parabolaOffset(before: number, peak: number, after: number): number {
  const curvature = before - 2 * peak + after;
  if (!(curvature < 0)) return 0;
  const offset = (0.5 * (before - after)) / curvature;
  return offset < -0.5 ? -0.5 : offset > 0.5 ? 0.5 : offset;
}

/**
 * Decodes head points from a density map, as many as the map counts (`round(sum)`), at most one
 * person per point. Greedy: the cell with the most remaining density becomes a point (refined to
 * sub-cell precision by a parabola through its neighbours), then one person's worth of density is
 * removed around it (the smallest square window, up to `maxRadiusCells`, that holds at least one
 * person, reduced proportionally), and so on. Dense cells therefore yield several points and
 * sparse noise below `minPeakPerCell` yields none. Confidence is the density in the 3x3 cells
 * around the peak when it was picked, capped at 1.
 *
 * @returns point detections (class 0) with centres in pixels: (col + 0.5 + dx) * cellPx.
 */
export function decodeDensityPoints(map: DensityMap, options: DensityPointOptions = {}): Detections {
  const minPeak = options.minPeakPerCell ?? 0.05;
  const maxRadius = Math.max(0, Math.floor(options.maxRadiusCells ?? 2));
  const boxPx = options.boxPx ?? 2 * map.cellPx;
  const { cols, rows, cellPx } = map;
  const n = cols * rows;
  const residual = new Float32Array(n);
  let total = 0;
  const heap = new CellHeap(1024);
  for (let i = 0; i < n; i++) {
    const v = map.values[i]!;
    if (v > 0) {
      residual[i] = v;
      total += v;
      if (v >= minPeak) heap.push(v, i);
    }
  }
  const target = Math.round(total);
  const xy = new Float32Array(2 * target);
  const confidence = new Float32Array(target);
  let found = 0;
  while (found < target && heap.size > 0) {
    const value = heap.topValue;
    const cell = heap.topCell;
    heap.pop();
    const current = residual[cell]!;
    if (current !== value) {
      // Stale: the cell lost density to an earlier point. Residuals only shrink, so every cell's
      // entry is >= its current value and a fresh top entry is the true maximum.
      if (current >= minPeak) heap.push(current, cell);
      continue;
    }
    const col = cell % cols;
    const row = (cell - col) / cols;
    const left = col > 0 ? residual[cell - 1]! : 0;
    const right = col + 1 < cols ? residual[cell + 1]! : 0;
    const up = row > 0 ? residual[cell - cols]! : 0;
    const down = row + 1 < rows ? residual[cell + cols]! : 0;
    xy[2 * found] = (col + 0.5 + parabolaOffset(left, value, right)) * cellPx;
    xy[2 * found + 1] = (row + 0.5 + parabolaOffset(up, value, down)) * cellPx;
    confidence[found] = Math.min(1, windowSum(residual, cols, rows, col, row, 1));
    found++;
    removeOnePerson(residual, cols, rows, col, row, maxRadius);
    const left2 = residual[cell]!;
    if (left2 >= minPeak) heap.push(left2, cell);
  }
  return Detections.fromPoints(xy.subarray(0, 2 * found), confidence.subarray(0, found), boxPx);
}

function windowSum(residual: Float32Array, cols: number, rows: number, col: number, row: number, r: number): number {
  let sum = 0;
  const r0 = Math.max(0, row - r);
  const r1 = Math.min(rows - 1, row + r);
  const c0 = Math.max(0, col - r);
  const c1 = Math.min(cols - 1, col + r);
  for (let y = r0; y <= r1; y++) {
    for (let x = c0, i = y * cols + c0; x <= c1; x++, i++) sum += residual[i]!;
  }
  return sum;
}

/** Removes one person's worth of density around (col, row), proportionally within the window. */
function removeOnePerson(
  residual: Float32Array,
  cols: number,
  rows: number,
  col: number,
  row: number,
  maxRadius: number,
): void {
  let r = 0;
  let sum = windowSum(residual, cols, rows, col, row, 0);
  while (sum < 1 && r < maxRadius) {
    r++;
    sum = windowSum(residual, cols, rows, col, row, r);
  }
  const keep = sum > 1 ? 1 - 1 / sum : 0;
  const r0 = Math.max(0, row - r);
  const r1 = Math.min(rows - 1, row + r);
  const c0 = Math.max(0, col - r);
  const c1 = Math.min(cols - 1, col + r);
  for (let y = r0; y <= r1; y++) {
    for (let x = c0, i = y * cols + c0; x <= c1; x++, i++) residual[i] = residual[i]! * keep;
  }
}
