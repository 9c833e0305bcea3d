import sharp from 'sharp';
import type { FrameAnalysis, RgbImage } from '@raqib/core';
import { colourScaleLegend, niceCeiling, type ColourScale } from './draw/colour-scale-legend.js';
import { drawDensityOverlay } from './draw/density-overlay.js';
import type { Sink } from './sink.js';

/** Seconds of stream time between copies of the background frame (a copy per frame would cost time). */
const SNAPSHOT_EVERY_S = 1;
/** The background frame is dimmed so the colours read over any scene. */
const BACKGROUND_KEEP = 0.7;

/**
 * heatmap.png: the mean density over the run, in persons per m² when every frame has a ground scale
 * (GSD) and in people per density-map cell otherwise, drawn over the last analysed frame (copied
 * about once a second) with a colour scale on the right naming the unit.
 *
 * The density is accumulated in image coordinates: for a camera that moves, it is a mean of what was
 * under each pixel, and the frame shows only where the drone ended (no ground mosaic yet).
 */
export class HeatmapSink implements Sink {
  private sum: Float64Array | null = null;
  private sumPerM2: Float64Array | null = null;
  private cols = 0;
  private rows = 0;
  private cellPx = 0;
  private frameSize: { width: number; height: number } | null = null;
  private frames = 0;
  private framesWithGsd = 0;
  /** The colour scale of the written image (after close), for the report and tests. */
  scale: ColourScale | null = null;
  private background: RgbImage | null = null;
  private backgroundTimeS = -Infinity;

  constructor(private readonly path: string) {}

  async write(analysis: FrameAnalysis, image?: RgbImage): Promise<void> {
    const density = analysis.density;
    if (!density) return;
    if (!this.sum || !this.sumPerM2 || density.cols !== this.cols || density.rows !== this.rows) {
      if (this.sum) return; // the grid changed mid-run (frame size changed): keep the first grid
      this.cols = density.cols;
      this.rows = density.rows;
      this.cellPx = density.cellPx;
      this.sum = new Float64Array(density.cols * density.rows);
      this.sumPerM2 = new Float64Array(density.cols * density.rows);
      this.frameSize = image
        ? { width: image.width, height: image.height }
        : { width: analysis.frame.width, height: analysis.frame.height };
    }
    const gsd = analysis.frame.gsdMPerPx;
    const cellAreaM2 = gsd !== undefined && gsd > 0 ? (density.cellPx * gsd) ** 2 : 0;
    for (let i = 0; i < this.sum.length; i++) {
      const value = density.values[i]!;
      this.sum[i]! += value;
      if (cellAreaM2 > 0) this.sumPerM2[i]! += value / cellAreaM2;
    }
    this.frames++;
    if (cellAreaM2 > 0) this.framesWithGsd++;
    if (image) this.keepBackground(image, analysis.timeS);
  }

  async close(): Promise<void> {
    if (!this.sum || !this.sumPerM2 || this.frames === 0 || !this.frameSize) return;
    const perM2 = this.framesWithGsd === this.frames;
    const totals = perM2 ? this.sumPerM2 : this.sum;
    const mean = new Float32Array(totals.length);
    let max = 0;
    for (let i = 0; i < totals.length; i++) {
      mean[i] = totals[i]! / this.frames;
      max = Math.max(max, mean[i]!);
    }
    const scale: ColourScale = {
      max: niceCeiling(max),
      unit: perM2 ? 'PERSONS/m²' : 'PEOPLE/CELL',
      title: 'MEAN',
    };
    this.scale = scale;
    const map = this.backgroundCanvas();
    drawDensityOverlay(map, { cols: this.cols, rows: this.rows, cellPx: this.cellPx, values: mean }, scale.max, 0.85);
    const legend = colourScaleLegend(scale, map.height);
    const out = sideBySide(map, legend);
    await sharp(out.rgb, { raw: { width: out.width, height: out.height, channels: 3 } })
      .png()
      .toFile(this.path);
  }

  /** The last kept frame, dimmed; a dark canvas when there was none (or its size did not match). */
  private backgroundCanvas(): RgbImage {
    const { width, height } = this.frameSize!;
    const frame = this.background;
    const rgb = new Uint8Array(width * height * 3);
    if (frame && frame.width === width && frame.height === height) {
      for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round(frame.rgb[i]! * BACKGROUND_KEEP);
    } else {
      rgb.fill(16);
    }
    return { width, height, rgb };
  }

  private keepBackground(image: RgbImage, timeS: number): void {
    const size = this.frameSize;
    if (!size || image.width !== size.width || image.height !== size.height) return;
    if (timeS - this.backgroundTimeS < SNAPSHOT_EVERY_S && this.background) return;
    // The image is only valid during write(): copy it.
    const rgb =
      this.background?.rgb.length === image.rgb.length ? this.background.rgb : new Uint8Array(image.rgb.length);
    rgb.set(image.rgb);
    this.background = { width: image.width, height: image.height, rgb };
    this.backgroundTimeS = timeS;
  }
}

/** `left` and `right` next to each other, top-aligned, on a dark background. */
function sideBySide(left: RgbImage, right: RgbImage): RgbImage {
  const width = left.width + right.width;
  const height = Math.max(left.height, right.height);
  const rgb = new Uint8Array(width * height * 3).fill(24);
  for (let y = 0; y < left.height; y++) {
    rgb.set(left.rgb.subarray(y * left.width * 3, (y + 1) * left.width * 3), y * width * 3);
  }
  for (let y = 0; y < right.height; y++) {
    rgb.set(right.rgb.subarray(y * right.width * 3, (y + 1) * right.width * 3), (y * width + left.width) * 3);
  }
  return { width, height, rgb };
}
