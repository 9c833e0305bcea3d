import type { RgbImage } from '@raqib/core';
import { blendPixel, type Rgb } from './raster.js';

/** 3x5 pixel glyphs for the characters overlays need (digits, a few letters and signs). */
const glyphs: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001111',
  '.': '000000000000010',
  ':': '000010000010000',
  '/': '001001010100100',
  '-': '000000111000000',
  ' ': '000000000000000',
  m: '000000111111101',
  p: '000111101111100',
  s: '000011010001110',
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  L: '100100100100111',
  M: '101111111101101',
  N: '101111111111101',
  O: '111101101101111',
  P: '111101111100100',
  R: '110101110101101',
  S: '011100010001110',
  T: '111010010010010',
  '²': '110010100111000',
  x: '000101010101000',
};

/** Width in pixels of `text` drawn by {@link drawText} at `scale` (its backing box). */
export function textWidthPx(text: string, scale = 3): number {
  return [...text].length * 4 * scale + scale;
}

/** Height in pixels of one line drawn by {@link drawText} at `scale`. */
export function textHeightPx(scale = 3): number {
  return 7 * scale;
}

/** Draws text with a dark backing box so it stays readable on any background; `scale` pixels per glyph dot. */
export function drawText(image: RgbImage, text: string, x: number, y: number, colour: Rgb, scale = 3): void {
  const width = textWidthPx(text, scale);
  const height = textHeightPx(scale);
  for (let py = y; py < y + height; py++)
    for (let px = x; px < x + width; px++) blendPixel(image, px, py, [0, 0, 0], 0.55);
  let cursor = x + scale;
  for (const char of text) {
    const glyph = glyphs[char] ?? glyphs[char.toUpperCase()] ?? glyphs[' ']!;
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        if (glyph[row * 3 + col] !== '1') continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++)
            blendPixel(image, cursor + col * scale + dx, y + scale + row * scale + dy, colour, 1);
        }
      }
    }
    cursor += 4 * scale;
  }
}
