/** Minimal drawing on interleaved RGB buffers (no fonts or native canvas needed). */
import type { RgbImage } from '@raqib/core';

export type Rgb = readonly [number, number, number];

/** Blends `colour` into pixel (x, y) with opacity `alpha` (0..1); pixels outside are ignored. */
export function blendPixel(image: RgbImage, x: number, y: number, colour: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const i = (y * image.width + x) * 3;
  const rgb = image.rgb;
  rgb[i] = rgb[i]! + (colour[0] - rgb[i]!) * alpha;
  rgb[i + 1] = rgb[i + 1]! + (colour[1] - rgb[i + 1]!) * alpha;
  rgb[i + 2] = rgb[i + 2]! + (colour[2] - rgb[i + 2]!) * alpha;
}

/** A line of the given thickness in pixels (Bresenham with a square pen). */
export function drawLine(
  image: RgbImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  colour: Rgb,
  thicknessPx = 2,
): void {
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xe = Math.round(x1);
  const ye = Math.round(y1);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  const half = Math.floor(thicknessPx / 2);
  for (;;) {
    for (let oy = -half; oy < thicknessPx - half; oy++) {
      for (let ox = -half; ox < thicknessPx - half; ox++) blendPixel(image, x + ox, y + oy, colour, 1);
    }
    if (x === xe && y === ye) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** Outline of a polygon or polyline given as [x, y] pixel pairs. */
export function drawPath(
  image: RgbImage,
  points: ReadonlyArray<readonly [number, number]>,
  colour: Rgb,
  closed: boolean,
  thicknessPx = 2,
): void {
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[i + 1]!;
    drawLine(image, ax, ay, bx, by, colour, thicknessPx);
  }
  if (closed && points.length > 2) {
    const [ax, ay] = points.at(-1)!;
    const [bx, by] = points[0]!;
    drawLine(image, ax, ay, bx, by, colour, thicknessPx);
  }
}

/** Fills a polygon (even-odd scanline) with a translucent colour. */
export function fillPolygon(
  image: RgbImage,
  points: ReadonlyArray<readonly [number, number]>,
  colour: Rgb,
  alpha: number,
): void {
  if (points.length < 3) return;
  const ys = points.map(([, y]) => y);
  const yMin = Math.max(0, Math.floor(Math.min(...ys)));
  const yMax = Math.min(image.height - 1, Math.ceil(Math.max(...ys)));
  const xs: number[] = [];
  for (let y = yMin; y <= yMax; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0; i < points.length; i++) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[(i + 1) % points.length]!;
      if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(image.width - 1, Math.floor(xs[k + 1]! - 0.5));
      for (let x = from; x <= to; x++) blendPixel(image, x, y, colour, alpha);
    }
  }
}
