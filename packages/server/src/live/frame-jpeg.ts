import type { RgbImage } from '@raqib/core';
import sharp from 'sharp';

export interface JpegFrame {
  jpeg: Buffer;
  widthPx: number;
  heightPx: number;
  /** Wall time the encode took (libvips runs it on its own thread pool, off the event loop). */
  encodeMs: number;
}

export interface JpegOptions {
  /** Wider pictures are scaled down to this width first (the dashboard's large view is about this wide). */
  maxWidthPx?: number;
  /** JPEG quality 1-100; 70 keeps a crowd readable at about a tenth of the raw size. */
  quality?: number;
}

/**
 * Encodes an RGB frame as a baseline JPEG (libvips/mozjpeg through sharp, already the server's image
 * library): 960x540 takes a few milliseconds (docs/dashboard.md), so a picture per analysed frame
 * costs little next to the model. The pixels are read during the call only.
 */
export async function encodeJpeg(image: RgbImage, options: JpegOptions = {}): Promise<JpegFrame> {
  const maxWidthPx = options.maxWidthPx ?? 960;
  const startMs = performance.now();
  let pipeline = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } });
  let widthPx = image.width;
  let heightPx = image.height;
  if (image.width > maxWidthPx) {
    widthPx = maxWidthPx;
    heightPx = Math.max(1, Math.round((image.height * maxWidthPx) / image.width));
    pipeline = pipeline.resize(widthPx, heightPx, { kernel: 'linear' });
  }
  const jpeg = await pipeline
    .jpeg({ quality: options.quality ?? 70, mozjpeg: false, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return { jpeg, widthPx, heightPx, encodeMs: performance.now() - startMs };
}
