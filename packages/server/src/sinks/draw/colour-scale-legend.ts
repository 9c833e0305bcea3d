import type { RgbImage } from '@raqib/core';
import { drawText, textHeightPx, textWidthPx } from './bitmap-text.js';
import { infernoTable } from './colormap.js';

/** What a colour scale shows: 0 at the bottom, `max` at the top, in `unit`. */
export interface ColourScale {
  max: number;
  /** e.g. `PERSONS/m²` or `PEOPLE/CELL` (the bitmap font has upper-case letters). */
  unit: string;
  /** A line above the unit, e.g. `MEAN`. */
  title: string;
}

/**
 * A round number at or above `value` (1, 2 or 5 times a power of ten), so scale labels read well.
 * Non-positive or non-finite values give 1.
 */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value * (1 - 1e-9)) ?? 10;
  return step * power;
}

/** A number as a legend label: at most 3 significant digits, no trailing zeros. */
export function scaleLabel(value: number): string {
  if (value === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

/**
 * Draws a vertical colour scale (inferno, as the heatmap) into a new image `heightPx` high, to be
 * placed right of a heatmap: the title and unit on top, the bar with ticks at 0, half and max.
 */
export function colourScaleLegend(scale: ColourScale, heightPx: number): RgbImage {
  const dot = heightPx >= 600 ? 3 : 2;
  const lineH = textHeightPx(dot);
  const labels = [scale.max, scale.max / 2, 0].map(scaleLabel);
  const barW = 6 * dot;
  const pad = 4 * dot;
  const labelW = Math.max(...labels.map((label) => textWidthPx(label, dot)));
  const width = Math.max(textWidthPx(scale.title, dot), textWidthPx(scale.unit, dot), barW + dot + labelW) + 2 * pad;
  const height = Math.max(heightPx, 2 * lineH + 3 * pad + 6 * lineH);
  const rgb = new Uint8Array(width * height * 3).fill(24);
  const image: RgbImage = { width, height, rgb };
  const white = [235, 235, 235] as const;
  drawText(image, scale.title, pad, pad, white, dot);
  drawText(image, scale.unit, pad, pad + lineH, white, dot);
  const barTop = pad * 2 + 2 * lineH + lineH / 2;
  const barBottom = height - pad - lineH / 2;
  for (let y = Math.floor(barTop); y <= barBottom; y++) {
    const t = (barBottom - y) / Math.max(1, barBottom - barTop);
    const k = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
    for (let x = pad; x < pad + barW; x++) rgb.set(infernoTable.subarray(k, k + 3), (y * width + x) * 3);
  }
  labels.forEach((label, i) => {
    const y = barTop + ((barBottom - barTop) * i) / 2;
    for (let x = pad + barW; x < pad + barW + dot; x++) {
      for (let dy = 0; dy < dot; dy++) rgb.set(white, ((Math.round(y) + dy) * width + x) * 3);
    }
    drawText(image, label, pad + barW + dot, Math.round(y - lineH / 2), white, dot);
  });
  return image;
}
