/**
 * A uniform grid over points for fixed-radius neighbour queries in O(n): rebuilt from coordinate
 * arrays with a counting sort, then `forEachNear` visits the points of the 3x3 cells around a position.
 */
export class NeighbourGrid {
  readonly cellM: number;
  private cols = 1;
  private rows = 1;
  private minX = 0;
  private minY = 0;
  private cellStart = new Int32Array(2);
  private order = new Int32Array(0);
  private cellOf = new Int32Array(0);

  /** @param cellM side of a cell in metres: at least the largest query radius. */
  constructor(cellM: number) {
    this.cellM = cellM;
  }

  /** Indexes the first `count` points of `x`, `y`. */
  rebuild(x: ArrayLike<number>, y: ArrayLike<number>, count: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      const px = x[i]!;
      const py = y[i]!;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
    if (count === 0) minX = minY = maxX = maxY = 0;
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.max(1, Math.floor((maxX - minX) / this.cellM) + 1);
    this.rows = Math.max(1, Math.floor((maxY - minY) / this.cellM) + 1);
    const cells = this.cols * this.rows;
    if (this.cellStart.length < cells + 1) this.cellStart = new Int32Array(cells + 1);
    else this.cellStart.fill(0, 0, cells + 1);
    if (this.order.length < count) {
      this.order = new Int32Array(count * 2);
      this.cellOf = new Int32Array(count * 2);
    }
    for (let i = 0; i < count; i++) {
      const cell = this.cellIndex(x[i]!, y[i]!);
      this.cellOf[i] = cell;
      this.cellStart[cell + 1]!++;
    }
    for (let c = 0; c < cells; c++) this.cellStart[c + 1]! += this.cellStart[c]!;
    const fill = this.cellStart.slice(0, cells);
    for (let i = 0; i < count; i++) this.order[fill[this.cellOf[i]!]!++] = i;
  }

  /** Calls `visit(j)` for every indexed point in the cells around (px, py) (a superset of the radius). */
  forEachNear(px: number, py: number, visit: (j: number) => void): void {
    const cx = Math.floor((px - this.minX) / this.cellM);
    const cy = Math.floor((py - this.minY) / this.cellM);
    for (let gy = Math.max(0, cy - 1); gy <= Math.min(this.rows - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); gx <= Math.min(this.cols - 1, cx + 1); gx++) {
        const cell = gy * this.cols + gx;
        const end = this.cellStart[cell + 1]!;
        for (let k = this.cellStart[cell]!; k < end; k++) visit(this.order[k]!);
      }
    }
  }

  /**
   * Writes the indices of the points in the cells around (px, py) into `out` (which must hold every
   * indexed point) and returns how many there are.
   */
  collectNear(px: number, py: number, out: Int32Array): number {
    const cx = Math.floor((px - this.minX) / this.cellM);
    const cy = Math.floor((py - this.minY) / this.cellM);
    let n = 0;
    for (let gy = Math.max(0, cy - 1); gy <= Math.min(this.rows - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); gx <= Math.min(this.cols - 1, cx + 1); gx++) {
        const cell = gy * this.cols + gx;
        const end = this.cellStart[cell + 1]!;
        for (let k = this.cellStart[cell]!; k < end; k++) out[n++] = this.order[k]!;
      }
    }
    return n;
  }

  private cellIndex(px: number, py: number): number {
    const cx = Math.min(this.cols - 1, Math.max(0, Math.floor((px - this.minX) / this.cellM)));
    const cy = Math.min(this.rows - 1, Math.max(0, Math.floor((py - this.minY) / this.cellM)));
    return cy * this.cols + cx;
  }
}
