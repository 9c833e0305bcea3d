import sharp from 'sharp';
import type { FrameAnalysis, FrameMeta, RgbImage } from '@raqib/core';
import { FfmpegEncoder } from '../ingest/ffmpeg-encoder.js';
import { drawText } from './draw/bitmap-text.js';
import { fruinColours } from './draw/colormap.js';
import { drawDensityOverlay } from './draw/density-overlay.js';
import { drawPath, fillPolygon } from './draw/raster.js';
import type { AbortableSink } from './optional-output-sink.js';

/** A zone's outline in frame pixels, for drawing. */
export interface ZoneOutline {
  zoneId: string;
  pointsPx: ReadonlyArray<readonly [number, number]>;
  closed: boolean;
}

/**
 * The annotated frame scaled to fit `widthPx` x `heightPx`, centred on black: an image folder may mix
 * sizes, and the video keeps the size of its first frame (its frames used to be left out).
 */
async function letterbox(image: RgbImage, widthPx: number, heightPx: number): Promise<Uint8Array> {
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  const data = await sharp(image.rgb, { raw })
    .resize(widthPx, heightPx, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * annotated.mp4: each analysed frame with the density overlay, zones filled in their Fruin level
 * colour, and counts (whole frame top-left, per zone at the zone's first vertex).
 */
export class AnnotatedVideoSink implements AbortableSink {
  private encoder: FfmpegEncoder | null = null;
  private canvas: Uint8Array | null = null;

  constructor(
    private readonly path: string,
    private readonly fps: number,
    private readonly outlines: (frame: FrameMeta) => readonly ZoneOutline[] = () => [],
  ) {}

  async write(analysis: FrameAnalysis, image?: RgbImage): Promise<void> {
    if (!image) return;
    const encoder = (this.encoder ??= new FfmpegEncoder(this.path, image.width, image.height, this.fps));
    if (this.canvas?.length !== image.rgb.length) this.canvas = new Uint8Array(image.rgb.length);
    this.canvas.set(image.rgb);
    const canvas: RgbImage = { width: image.width, height: image.height, rgb: this.canvas };
    if (analysis.density) {
      // Full colour at 4 persons/m² (unstable crowd) when the GSD is known, else at 0.5 persons per cell.
      const cellM = analysis.frame.gsdMPerPx ? analysis.density.cellPx * analysis.frame.gsdMPerPx : 0;
      const fullScale = cellM > 0 ? 4 * cellM * cellM : 0.5;
      drawDensityOverlay(canvas, analysis.density, fullScale);
    }
    const readings = new Map(analysis.zones.map((zone) => [zone.zoneId, zone]));
    for (const outline of this.outlines(analysis.frame)) {
      const reading = readings.get(outline.zoneId);
      const colour = fruinColours[reading?.fruinLevel ?? ''] ?? ([0, 200, 255] as const);
      if (outline.closed) fillPolygon(canvas, outline.pointsPx, colour, 0.18);
      drawPath(canvas, outline.pointsPx, colour, outline.closed, 2);
      const anchor = outline.pointsPx[0];
      if (reading && anchor) {
        const density = reading.densityPerM2 === undefined ? '' : ` ${reading.densityPerM2.toFixed(2)}/m²`;
        drawText(canvas, `${Math.round(reading.count)}${density}`, anchor[0] + 4, anchor[1] + 4, colour, 2);
      }
    }
    drawText(canvas, `N ${Math.round(analysis.count)}  T ${analysis.timeS.toFixed(1)}s`, 8, 8, [255, 255, 255], 3);
    const sameSize = canvas.width === encoder.width && canvas.height === encoder.height;
    await encoder.write(sameSize ? canvas.rgb : await letterbox(canvas, encoder.width, encoder.height));
  }

  async close(): Promise<void> {
    await this.encoder?.close();
  }

  /** Stops the encoder at once (the output was given up). */
  abort(): void {
    this.encoder?.abort();
  }
}
