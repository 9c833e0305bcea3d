import type { DensityMap } from '../density-map.js';

/**
 * Whether `(x, y)` lies inside one of the boxes, half-open `[x0, x1) x [y0, y1)` as the model
 * training masks them (training/data.py).
 *
 * @param boxesXyxy - boxes as interleaved `[x0, y0, x1, y1, ...]`, px
 */
export function insideAnyBox(xPx: number, yPx: number, boxesXyxy: ArrayLike<number>): boolean {
  for (let b = 0; b + 3 < boxesXyxy.length; b += 4) {
    if (xPx >= boxesXyxy[b]! && xPx < boxesXyxy[b + 2]! && yPx >= boxesXyxy[b + 1]! && yPx < boxesXyxy[b + 3]!) {
      return true;
    }
  }
  return false;
}

/**
 * Drops the points that lie inside any of the boxes (ignored regions: areas whose people were not
 * annotated, such as VisDrone category 0), keeping the order of the rest.
 *
 * @param pointsXy - points as interleaved `[x0, y0, x1, y1, ...]`, px
 * @param boxesXyxy - boxes as interleaved `[x0, y0, x1, y1, ...]`, px
 * @returns the points outside every box, interleaved
 */
export function pointsOutsideBoxes(pointsXy: ArrayLike<number>, boxesXyxy: ArrayLike<number>): Float64Array {
  const kept: number[] = [];
  for (let i = 0; i + 1 < pointsXy.length; i += 2) {
    if (!insideAnyBox(pointsXy[i]!, pointsXy[i + 1]!, boxesXyxy)) kept.push(pointsXy[i]!, pointsXy[i + 1]!);
  }
  return Float64Array.from(kept);
}

/**
 * A copy of the density map with every cell whose centre lies inside one of the boxes set to 0, so
 * that people the model sees in ignored regions (not annotated there) do not count. Cell `(c, r)` has
 * its centre at `((c + 0.5) * cellPx, (r + 0.5) * cellPx)` in the image the boxes refer to.
 *
 * @param boxesXyxy - boxes as interleaved `[x0, y0, x1, y1, ...]`, px
 */
export function zeroDensityInBoxes(map: DensityMap, boxesXyxy: ArrayLike<number>): DensityMap {
  const values = Float32Array.from(map.values);
  for (let b = 0; b + 3 < boxesXyxy.length; b += 4) {
    // Cells with x0 <= (c + 0.5) * cellPx < x1, i.e. c in [ceil(x0 / cellPx - 0.5), ceil(x1 / cellPx - 0.5)).
    const c0 = Math.max(0, Math.ceil(boxesXyxy[b]! / map.cellPx - 0.5));
    const c1 = Math.min(map.cols, Math.ceil(boxesXyxy[b + 2]! / map.cellPx - 0.5));
    const r0 = Math.max(0, Math.ceil(boxesXyxy[b + 1]! / map.cellPx - 0.5));
    const r1 = Math.min(map.rows, Math.ceil(boxesXyxy[b + 3]! / map.cellPx - 0.5));
    for (let r = r0; r < r1; r++) values.fill(0, r * map.cols + c0, Math.max(r * map.cols + c0, r * map.cols + c1));
  }
  return { cols: map.cols, rows: map.rows, cellPx: map.cellPx, values };
}
