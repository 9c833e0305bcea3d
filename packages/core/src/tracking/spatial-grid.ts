/**
 * A uniform grid over a set of 2-D points for fixed-radius neighbour queries (counting-sort buckets,
 * no per-point allocation). Build once per frame; queries cost O(points in the touched cells).
 *
 * @example
 * const grid = new SpatialGrid(new Float64Array([0, 0, 5, 5, 100, 100]), 10);
 * grid.forEachWithin(1, 1, 8, (i) => found.push(i)); // found = [0, 1]
 */
export class SpatialGrid {
  /** Cell side in the points' unit (pixels). */
  readonly cellPx: number;
  private readonly xy: ArrayLike<number>;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Start of each cell's run in `order` (length cells + 1). */
  private readonly cellStart: Int32Array;
  /** Point indices sorted by cell. */
  private readonly order: Int32Array;

  /**
   * @param xy interleaved [x0, y0, x1, y1, ...]
   * @param cellPx preferred cell side; enlarged when the points are so spread out that the grid
   *   would need far more cells than points
   */
  constructor(xy: ArrayLike<number>, cellPx: number) {
    const n = xy.length >> 1;
    this.xy = xy;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (n === 0) minX = minY = maxX = maxY = 0;
    let cell = Math.max(cellPx, 1e-6);
    const maxCells = 4 * n + 1024;
    while (((maxX - minX) / cell + 1) * ((maxY - minY) / cell + 1) > maxCells) cell *= 2;
    this.cellPx = cell;
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.floor((maxX - minX) / cell) + 1;
    this.rows = Math.floor((maxY - minY) / cell) + 1;
    const cells = this.cols * this.rows;
    const cellOf = new Int32Array(n);
    const cellStart = new Int32Array(cells + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellIndex(xy[2 * i]!, xy[2 * i + 1]!);
      cellOf[i] = c;
      cellStart[c + 1]!++;
    }
    for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
    const fill = cellStart.slice(0, cells);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[cellOf[i]!]!++] = i;
    this.cellStart = cellStart;
    this.order = order;
  }

  /** Calls `visit(index, distanceSquared)` for every point within `radius` of (x, y). */
  forEachWithin(x: number, y: number, radius: number, visit: (index: number, distanceSq: number) => void): void {
    const cell = this.cellPx;
    const c0 = Math.max(0, Math.floor((x - radius - this.minX) / cell));
    const c1 = Math.min(this.cols - 1, Math.floor((x + radius - this.minX) / cell));
    const r0 = Math.max(0, Math.floor((y - radius - this.minY) / cell));
    const r1 = Math.min(this.rows - 1, Math.floor((y + radius - this.minY) / cell));
    const radiusSq = radius * radius;
    const xy = this.xy;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cellIndex = r * this.cols + c;
        const end = this.cellStart[cellIndex + 1]!;
        for (let k = this.cellStart[cellIndex]!; k < end; k++) {
          const i = this.order[k]!;
          const dx = xy[2 * i]! - x;
          const dy = xy[2 * i + 1]! - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= radiusSq) visit(i, d2);
        }
      }
    }
  }

  private cellIndex(x: number, y: number): number {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cellPx)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cellPx)));
    return r * this.cols + c;
  }
}
