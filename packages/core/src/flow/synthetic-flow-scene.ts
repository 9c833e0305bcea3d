import { RaqibError } from '../raqib-error.js';
import type { RgbImage } from '../rgb-image.js';
import type { GrayImage } from './gray-pyramid.js';

/**
 * Deterministic synthetic video frames with exactly known motion, for tests and benchmarks of the
 * optical flow: a textured ground seen by a moving camera, plus rectangular windows whose content
 * moves on its own (a "crowd" moving against the rest). No real people are involved.
 */

/** Options of {@link makeNoiseTexture}. */
export interface NoiseTextureOptions {
  /** Seed of the random generator. Default 1. */
  seed?: number;
  /** Box-blur radius (three passes, about a Gaussian of sigma ~ radius), pixels. Default 2. */
  blurPx?: number;
  /** Standard deviation of the result around gray 128. Default 40. */
  contrast?: number;
}

/** A seeded uniform random generator in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smoothed random noise: a texture with structure at every position, like a dense crowd from above. */
export function makeNoiseTexture(widthPx: number, heightPx: number, options: NoiseTextureOptions = {}): GrayImage {
  if (!(Number.isInteger(widthPx) && Number.isInteger(heightPx) && widthPx > 0 && heightPx > 0)) {
    throw new RaqibError('INPUT_INVALID', `texture size must be positive integers, got ${widthPx}x${heightPx}`);
  }
  const random = seededRandom(options.seed ?? 1);
  const radius = Math.max(0, Math.round(options.blurPx ?? 2));
  let data = new Float32Array(widthPx * heightPx);
  for (let i = 0; i < data.length; i++) data[i] = random();
  const tmp = new Float32Array(data.length);
  for (let pass = 0; pass < 3 && radius > 0; pass++) {
    boxBlur1d(data, tmp, widthPx, heightPx, radius, 1, widthPx);
    boxBlur1d(tmp, data, heightPx, widthPx, radius, widthPx, 1);
  }
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i] as number;
  mean /= data.length;
  let variance = 0;
  for (let i = 0; i < data.length; i++) variance += ((data[i] as number) - mean) ** 2;
  const gain = (options.contrast ?? 40) / Math.sqrt(variance / data.length || 1);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = 128 + ((data[i] as number) - mean) * gain;
  data = out;
  return { width: widthPx, height: heightPx, data };
}

/** Blurs lines of `length` samples (stride `step`), `count` lines starting `lineStep` apart. */
function boxBlur1d(
  src: Float32Array,
  dst: Float32Array,
  length: number,
  count: number,
  radius: number,
  step: number,
  lineStep: number,
): void {
  const norm = 1 / (2 * radius + 1);
  for (let line = 0; line < count; line++) {
    const base = line * lineStep;
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += src[base + clampIndex(k, length) * step] as number;
    for (let i = 0; i < length; i++) {
      dst[base + i * step] = sum * norm;
      sum +=
        (src[base + clampIndex(i + radius + 1, length) * step] as number) -
        (src[base + clampIndex(i - radius, length) * step] as number);
    }
  }
}

function clampIndex(i: number, length: number): number {
  return i < 0 ? 0 : i >= length ? length - 1 : i;
}

/** Camera motion relative to the reference frame: content at `p` moves to `scale*R(rotation)*(p - centre) + centre + (dx, dy)`. */
export interface SceneCamera {
  dxPx?: number;
  dyPx?: number;
  /** Clockwise in image coordinates (y down), degrees. */
  rotationDeg?: number;
  scale?: number;
}

/** A window fixed in the image whose content moves by (`dxPx`, `dyPx`) relative to the reference frame. */
export interface SceneRegion {
  xPx: number;
  yPx: number;
  widthPx: number;
  heightPx: number;
  dxPx: number;
  dyPx: number;
}

/** One frame of a synthetic scene. */
export interface FlowSceneFrame {
  widthPx: number;
  heightPx: number;
  camera?: SceneCamera;
  /** Regions drawn over the background (later ones on top); their content is texture from elsewhere. */
  regions?: readonly SceneRegion[];
  /** Standard deviation of independent Gaussian sensor noise per pixel, gray levels. Default 0. */
  noiseSigma?: number;
  noiseSeed?: number;
}

/**
 * Renders a frame: each pixel samples `texture` bilinearly at the position the camera model says it
 * came from (the image centre looks at the texture centre in the reference frame). Region content
 * comes from a part of the texture offset by a quarter of its size. Output is gray in all 3 channels.
 */
export function renderFlowScene(texture: GrayImage, frame: FlowSceneFrame): RgbImage {
  const { widthPx: w, heightPx: h } = frame;
  const cam = frame.camera ?? {};
  const scale = cam.scale ?? 1;
  const theta = ((cam.rotationDeg ?? 0) * Math.PI) / 180;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const tcx = (texture.width - 1) / 2;
  const tcy = (texture.height - 1) / 2;
  // Inverse of x' = s R (x - c) + c + d:  x = R^-1 (x' - c - d) / s + c.
  const cos = Math.cos(theta) / scale;
  const sin = Math.sin(theta) / scale;
  const camDx = cam.dxPx ?? 0;
  const camDy = cam.dyPx ?? 0;
  const values = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const ry = y - cy - camDy;
    for (let x = 0; x < w; x++) {
      const rx = x - cx - camDx;
      const sx = cos * rx + sin * ry + tcx;
      const sy = -sin * rx + cos * ry + tcy;
      values[y * w + x] = sampleBilinear(texture, sx, sy);
    }
  }
  const regionOffsetX = texture.width / 4;
  const regionOffsetY = texture.height / 4;
  for (const region of frame.regions ?? []) {
    const x0 = Math.max(0, Math.round(region.xPx));
    const y0 = Math.max(0, Math.round(region.yPx));
    const x1 = Math.min(w, Math.round(region.xPx + region.widthPx));
    const y1 = Math.min(h, Math.round(region.yPx + region.heightPx));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const sx = x - cx - region.dxPx + tcx + regionOffsetX;
        const sy = y - cy - region.dyPx + tcy + regionOffsetY;
        values[y * w + x] = sampleBilinear(texture, sx, sy);
      }
    }
  }
  const sigma = frame.noiseSigma ?? 0;
  const random = seededRandom(frame.noiseSeed ?? 7);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < values.length; i++) {
    let v = values[i] as number;
    if (sigma > 0) v += sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const byte = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    rgb[3 * i] = byte;
    rgb[3 * i + 1] = byte;
    rgb[3 * i + 2] = byte;
  }
  return { width: w, height: h, rgb };
}

function sampleBilinear(image: GrayImage, x: number, y: number): number {
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  const cxp = x < 0 ? 0 : x > maxX ? maxX : x;
  const cyp = y < 0 ? 0 : y > maxY ? maxY : y;
  const ix = Math.min(Math.floor(cxp), maxX - 1);
  const iy = Math.min(Math.floor(cyp), maxY - 1);
  const fx = cxp - ix;
  const fy = cyp - iy;
  const i = iy * image.width + ix;
  const d = image.data;
  return (
    (1 - fy) * ((1 - fx) * (d[i] as number) + fx * (d[i + 1] as number)) +
    fy * ((1 - fx) * (d[i + image.width] as number) + fx * (d[i + image.width + 1] as number))
  );
}
