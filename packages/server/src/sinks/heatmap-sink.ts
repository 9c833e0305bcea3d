import sharp from 'sharp';
import type { FrameAnalysis } from '@raqib/core';
import { infernoTable } from './draw/colormap.js';
import type { Sink } from './sink.js';

/**
 * heatmap.png: density accumulated over the run (mean persons per cell), drawn at density-map
 * resolution and scaled to the frame size (drawing at full resolution per frame would be slow).
 */
export class HeatmapSink implements Sink {
  private sum: Float64Array | null = null;
  private cols = 0;
  private rows = 0;
  private frameSize: { width: number; height: number } | null = null;
  private frames = 0;

  constructor(private readonly path: string) {}

  async write(analysis: FrameAnalysis): Promise<void> {
    const density = analysis.density;
    if (!density) return;
    if (!this.sum || density.cols !== this.cols || density.rows !== this.rows) {
      if (this.sum) return; // the grid changed mid-run (frame size changed): keep the first grid
      this.cols = density.cols;
      this.rows = density.rows;
      this.sum = new Float64Array(density.cols * density.rows);
      this.frameSize = { width: analysis.frame.width, height: analysis.frame.height };
    }
    for (let i = 0; i < this.sum.length; i++) this.sum[i]! += density.values[i]!;
    this.frames++;
  }

  async close(): Promise<void> {
    if (!this.sum || this.frames === 0 || !this.frameSize) return;
    let max = 0;
    for (const v of this.sum) max = Math.max(max, v);
    const pixels = new Uint8Array(this.cols * this.rows * 3);
    for (let i = 0; i < this.sum.length; i++) {
      const k = max > 0 ? Math.round((this.sum[i]! / max) * 255) * 3 : 0;
      pixels.set(infernoTable.subarray(k, k + 3), i * 3);
    }
    await sharp(pixels, { raw: { width: this.cols, height: this.rows, channels: 3 } })
      .resize(this.frameSize.width, this.frameSize.height, { kernel: 'cubic', fit: 'fill' })
      .png()
      .toFile(this.path);
  }
}
