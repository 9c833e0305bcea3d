import { RaqibError } from '../raqib-error.js';
import type { RgbImage } from '../rgb-image.js';

/** A single-channel image with float intensities (0-255 scale), row-major. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * A Gaussian pyramid: `levels[0]` is the finest image, each next level is half the size of the one
 * before (a pixel `x` of level `l` sits at `x / 2` on level `l + 1`).
 */
export interface GrayPyramid {
  readonly levels: readonly GrayImage[];
}

/**
 * Converts an RGB image to gray (ITU-R BT.601 luma) and shrinks it by an integer `factor` with a box
 * filter (each output pixel averages a `factor x factor` block, which also removes aliasing and
 * noise). Output pixel `xw` covers input pixels `[factor*xw, factor*xw + factor)`, so its centre is at
 * input `factor*xw + (factor-1)/2`. A partial block at the right/bottom edge is dropped.
 *
 * @param out optional buffer to reuse (must have the output size)
 */
export function rgbToGrayDownsampled(image: RgbImage, factor: number, out?: Float32Array): GrayImage {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RaqibError('INPUT_INVALID', `downsample factor must be a positive integer, got ${factor}`);
  }
  const { width, height, rgb } = image;
  if (rgb.length < width * height * 3) {
    throw new RaqibError('INPUT_INVALID', `RGB buffer has ${rgb.length} bytes, ${width}x${height}x3 needs more`);
  }
  const outW = Math.floor(width / factor);
  const outH = Math.floor(height / factor);
  if (outW < 1 || outH < 1) {
    throw new RaqibError('INPUT_INVALID', `image ${width}x${height} is too small to shrink by ${factor}`);
  }
  const data = out && out.length === outW * outH ? out : new Float32Array(outW * outH);
  const scale = 1 / (factor * factor * 1000);
  const rowStride = width * 3;
  for (let yo = 0; yo < outH; yo++) {
    const y0 = yo * factor;
    for (let xo = 0; xo < outW; xo++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = (y0 + dy) * rowStride + xo * factor * 3;
        for (let dx = 0; dx < factor; dx++, i += 3) {
          sum += 299 * (rgb[i] as number) + 587 * (rgb[i + 1] as number) + 114 * (rgb[i + 2] as number);
        }
      }
      data[yo * outW + xo] = sum * scale;
    }
  }
  return { width: outW, height: outH, data };
}

/**
 * Halves an image with the 5-tap binomial kernel [1 4 6 4 1]/16 in both directions (borders
 * replicated). Output pixel `x` is centred on input pixel `2x`.
 */
export function pyramidDown(image: GrayImage, out?: Float32Array, scratch?: Float32Array): GrayImage {
  const { width: w, height: h, data: src } = image;
  const outW = (w + 1) >> 1;
  const outH = (h + 1) >> 1;
  // Horizontal pass on every input row, keeping even columns only: w' = outW, height h.
  const tmp = scratch && scratch.length >= outW * h ? scratch : new Float32Array(outW * h);
  const last = w - 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const orow = y * outW;
    for (let xo = 0; xo < outW; xo++) {
      const x = xo * 2;
      const xm2 = x - 2 < 0 ? 0 : x - 2;
      const xm1 = x - 1 < 0 ? 0 : x - 1;
      const xp1 = x + 1 > last ? last : x + 1;
      const xp2 = x + 2 > last ? last : x + 2;
      tmp[orow + xo] =
        ((src[row + xm2] as number) +
          4 * (src[row + xm1] as number) +
          6 * (src[row + x] as number) +
          4 * (src[row + xp1] as number) +
          (src[row + xp2] as number)) *
        0.0625;
    }
  }
  const data = out && out.length === outW * outH ? out : new Float32Array(outW * outH);
  const lastY = h - 1;
  for (let yo = 0; yo < outH; yo++) {
    const y = yo * 2;
    const r0 = (y - 2 < 0 ? 0 : y - 2) * outW;
    const r1 = (y - 1 < 0 ? 0 : y - 1) * outW;
    const r2 = y * outW;
    const r3 = (y + 1 > lastY ? lastY : y + 1) * outW;
    const r4 = (y + 2 > lastY ? lastY : y + 2) * outW;
    const orow = yo * outW;
    for (let x = 0; x < outW; x++) {
      data[orow + x] =
        ((tmp[r0 + x] as number) +
          4 * (tmp[r1 + x] as number) +
          6 * (tmp[r2 + x] as number) +
          4 * (tmp[r3 + x] as number) +
          (tmp[r4 + x] as number)) *
        0.0625;
    }
  }
  return { width: outW, height: outH, data };
}

/**
 * Builds a Gaussian pyramid of `levelCount` levels on top of `base` (level 0 is `base` itself).
 * Stops early when a level would be smaller than 8 pixels on a side.
 *
 * @param reuse a pyramid of the same base size whose buffers may be overwritten
 */
export function buildGrayPyramid(base: GrayImage, levelCount: number, reuse?: GrayPyramid): GrayPyramid {
  const levels: GrayImage[] = [base];
  let scratch: Float32Array | undefined;
  for (let l = 1; l < levelCount; l++) {
    const prev = levels[l - 1] as GrayImage;
    if (prev.width < 16 || prev.height < 16) break;
    scratch ??= new Float32Array(((prev.width + 1) >> 1) * prev.height);
    levels.push(pyramidDown(prev, reuse?.levels[l]?.data, scratch));
  }
  return { levels };
}

/**
 * Samples `image` bilinearly on a `size x size` patch whose top-left sample is at (`x0`, `y0`)
 * (pixel centres at integer coordinates), one pixel apart, into `out` (row-major). Coordinates
 * outside the image take the nearest border pixel. Returns false when the patch (with its bilinear
 * neighbours) was not fully inside the image, true otherwise.
 */
export function sampleGrayPatch(image: GrayImage, x0: number, y0: number, size: number, out: Float32Array): boolean {
  const { width: w, height: h, data } = image;
  const ix = Math.floor(x0);
  const iy = Math.floor(y0);
  const fx = x0 - ix;
  const fy = y0 - iy;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  if (ix >= 0 && iy >= 0 && ix + size < w && iy + size < h) {
    let k = 0;
    for (let r = 0; r < size; r++) {
      let i = (iy + r) * w + ix;
      for (let c = 0; c < size; c++, i++) {
        out[k++] =
          w00 * (data[i] as number) +
          w01 * (data[i + 1] as number) +
          w10 * (data[i + w] as number) +
          w11 * (data[i + w + 1] as number);
      }
    }
    return true;
  }
  // Border path: clamp every tap.
  let k = 0;
  const maxX = w - 1;
  const maxY = h - 1;
  for (let r = 0; r < size; r++) {
    const ya = Math.min(maxY, Math.max(0, iy + r));
    const yb = Math.min(maxY, Math.max(0, iy + r + 1));
    for (let c = 0; c < size; c++) {
      const xa = Math.min(maxX, Math.max(0, ix + c));
      const xb = Math.min(maxX, Math.max(0, ix + c + 1));
      out[k++] =
        w00 * (data[ya * w + xa] as number) +
        w01 * (data[ya * w + xb] as number) +
        w10 * (data[yb * w + xa] as number) +
        w11 * (data[yb * w + xb] as number);
    }
  }
  return false;
}
