import type { RgbImage } from '@raqib/core';

/**
 * Frames whose brightness varies less than this (standard deviation over a sample grid, 8-bit gray
 * levels) hold no picture: ffmpeg outputs such flat frames (mid-grey, or green) where references are
 * missing in a damaged stream. Any real aerial view has more variation than this from texture and noise.
 */
export const BLANK_FRAME_MAX_STDDEV = 1;

/** Brightness standard deviation of `image` over an up to 64 x 64 sample grid (8-bit gray levels). */
export function frameBrightnessStdDev(image: RgbImage): number {
  const { width, height, rgb } = image;
  const stepX = Math.max(1, Math.floor(width / 64));
  const stepY = Math.max(1, Math.floor(height / 64));
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = Math.floor(stepY / 2); y < height; y += stepY) {
    for (let x = Math.floor(stepX / 2); x < width; x += stepX) {
      const i = (y * width + x) * 3;
      const v = ((rgb[i] as number) + (rgb[i + 1] as number) + (rgb[i + 2] as number)) / 3;
      sum += v;
      sum2 += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
}

/** Whether a decoded frame is blank (one flat colour; see {@link BLANK_FRAME_MAX_STDDEV}). */
export function isBlankFrame(image: RgbImage): boolean {
  return frameBrightnessStdDev(image) < BLANK_FRAME_MAX_STDDEV;
}
