import { emptyDensityMap, type DensityMap } from '@raqib/core';

/** A density map with one person per point, in the cell that holds it (points outside are dropped). */
export function pointsDensityMap(xy: Float32Array, widthPx: number, heightPx: number, cellPx: number): DensityMap {
  const map = emptyDensityMap(Math.ceil(widthPx / cellPx), Math.ceil(heightPx / cellPx), cellPx);
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i]!;
    const y = xy[i + 1]!;
    if (!(x >= 0 && y >= 0 && x < widthPx && y < heightPx)) continue;
    map.values[Math.floor(y / cellPx) * map.cols + Math.floor(x / cellPx)]! += 1;
  }
  return map;
}
