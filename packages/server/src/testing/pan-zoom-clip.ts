import sharp from 'sharp';
import { FfmpegEncoder } from '../ingest/ffmpeg-encoder.js';

/** A crop window in source-image pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PanZoomClipOptions {
  imagePath: string;
  /** Ground-truth head points in source-image pixels (0-based), interleaved or as pairs. */
  points: ReadonlyArray<readonly [number, number]>;
  outPath: string;
  fps: number;
  frames: number;
  widthPx: number;
  heightPx: number;
  /** The camera moves linearly from the first window to the second (pan + zoom). */
  from: CropRect;
  to: CropRect;
}

/** Per-frame ground truth of a generated clip: the heads inside the window, in output pixels. */
export interface ClipFrameTruth {
  timeS: number;
  window: CropRect;
  count: number;
  pointsPx: Array<[number, number]>;
}

/**
 * Makes a video that pans and zooms across a real annotated crowd image, like a drone moving over
 * a crowd, and returns the ground truth transformed with the same motion (for end-to-end tests and
 * benchmarks).
 */
export async function makePanZoomClip(options: PanZoomClipOptions): Promise<ClipFrameTruth[]> {
  const { data, info } = await sharp(options.imagePath)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const source = sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  const encoder = new FfmpegEncoder(options.outPath, options.widthPx, options.heightPx, options.fps);
  const truth: ClipFrameTruth[] = [];
  try {
    for (let k = 0; k < options.frames; k++) {
      const t = options.frames === 1 ? 0 : k / (options.frames - 1);
      const lerp = (a: number, b: number): number => a + (b - a) * t;
      const window: CropRect = {
        x: Math.round(lerp(options.from.x, options.to.x)),
        y: Math.round(lerp(options.from.y, options.to.y)),
        width: Math.round(lerp(options.from.width, options.to.width)),
        height: Math.round(lerp(options.from.height, options.to.height)),
      };
      const frame = await source
        .clone()
        .extract({ left: window.x, top: window.y, width: window.width, height: window.height })
        .resize(options.widthPx, options.heightPx, { fit: 'fill' })
        .raw()
        .toBuffer();
      await encoder.write(frame);
      const sx = options.widthPx / window.width;
      const sy = options.heightPx / window.height;
      const pointsPx: Array<[number, number]> = [];
      for (const [x, y] of options.points) {
        if (x >= window.x && x < window.x + window.width && y >= window.y && y < window.y + window.height) {
          pointsPx.push([(x - window.x + 0.5) * sx - 0.5, (y - window.y + 0.5) * sy - 0.5]);
        }
      }
      truth.push({ timeS: k / options.fps, window, count: pointsPx.length, pointsPx });
    }
  } finally {
    await encoder.close();
  }
  return truth;
}
