import type { DensityMap, RgbImage } from '@raqib/core';
import { infernoTable } from './colormap.js';

/**
 * Blends a density map over an image: bilinear upsampling to pixels, inferno colours, opacity
 * growing with density. `fullScalePerCell` is the cell value drawn at full colour.
 */
export function drawDensityOverlay(
  image: RgbImage,
  density: DensityMap,
  fullScalePerCell: number,
  maxAlpha = 0.6,
): void {
  const { width, height, rgb } = image;
  const { cols, rows, values } = density;
  if (cols === 0 || rows === 0 || !(fullScalePerCell > 0)) return;
  const sx = cols / width;
  const sy = rows / height;
  for (let y = 0; y < height; y++) {
    const gy = Math.min(rows - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(cols - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(gx);
      const x1 = Math.min(cols - 1, x0 + 1);
      const fx = gx - x0;
      const v =
        (values[y0 * cols + x0]! * (1 - fx) + values[y0 * cols + x1]! * fx) * (1 - fy) +
        (values[y1 * cols + x0]! * (1 - fx) + values[y1 * cols + x1]! * fx) * fy;
      const t = Math.min(1, v / fullScalePerCell);
      if (t < 0.02) continue;
      const k = Math.round(t * 255) * 3;
      const alpha = maxAlpha * Math.sqrt(t);
      const i = (y * width + x) * 3;
      rgb[i] = rgb[i]! + (infernoTable[k]! - rgb[i]!) * alpha;
      rgb[i + 1] = rgb[i + 1]! + (infernoTable[k + 1]! - rgb[i + 1]!) * alpha;
      rgb[i + 2] = rgb[i + 2]! + (infernoTable[k + 2]! - rgb[i + 2]!) * alpha;
    }
  }
}
