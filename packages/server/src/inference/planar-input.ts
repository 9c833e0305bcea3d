import type { RgbImage } from '@raqib/core';

/** How pixels beyond the image edge (model-input padding) are filled. */
export type InputPadding = 'edge' | 'zero';

/**
 * Writes a window of an interleaved 8-bit RGB image into `out` as planar float32 [3, heightPx, widthPx]
 * with values 0..255, the model's input layout. Pixels beyond the image are padding: the nearest edge
 * pixel (`edge`) or black (`zero`). One pass, no allocation: `out` is reused across frames.
 */
export function fillPlanarInput(
  image: RgbImage,
  x0Px: number,
  y0Px: number,
  widthPx: number,
  heightPx: number,
  out: Float32Array,
  padding: InputPadding = 'edge',
): void {
  const plane = widthPx * heightPx;
  if (out.length < 3 * plane) throw new RangeError(`fillPlanarInput: buffer of ${out.length} < ${3 * plane}`);
  const { width, height, rgb } = image;
  const validW = Math.max(0, Math.min(width - x0Px, widthPx));
  const validH = Math.max(0, Math.min(height - y0Px, heightPx));
  if (validW === 0 || validH === 0) {
    throw new RangeError(`fillPlanarInput: window at (${x0Px}, ${y0Px}) starts outside the ${width}x${height} image`);
  }
  const g0 = plane;
  const b0 = 2 * plane;
  for (let ty = 0; ty < heightPx; ty++) {
    let dst = ty * widthPx;
    const rowEnd = dst + widthPx;
    if (ty >= validH && padding === 'zero') {
      out.fill(0, dst, rowEnd);
      out.fill(0, g0 + dst, g0 + rowEnd);
      out.fill(0, b0 + dst, b0 + rowEnd);
      continue;
    }
    const sy = ty < validH ? y0Px + ty : height - 1;
    let src = (sy * width + x0Px) * 3;
    const validEnd = dst + validW;
    while (dst < validEnd) {
      out[dst] = rgb[src]!;
      out[g0 + dst] = rgb[src + 1]!;
      out[b0 + dst] = rgb[src + 2]!;
      src += 3;
      dst++;
    }
    if (dst < rowEnd) {
      const zero = padding === 'zero';
      out.fill(zero ? 0 : rgb[src - 3]!, dst, rowEnd);
      out.fill(zero ? 0 : rgb[src - 2]!, g0 + dst, g0 + rowEnd);
      out.fill(zero ? 0 : rgb[src - 1]!, b0 + dst, b0 + rowEnd);
    }
  }
}
