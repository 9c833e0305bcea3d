import { describe, expect, it } from 'vitest';
import {
  buildGrayPyramid,
  pyramidDown,
  rgbToGrayDownsampled,
  sampleGrayPatch,
  type GrayImage,
} from './gray-pyramid.js';

function ramp(width: number, height: number, fn: (x: number, y: number) => number): GrayImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fn(x, y);
  return { width, height, data };
}

describe('rgbToGrayDownsampled', () => {
  it('averages luma over factor x factor blocks', () => {
    // 4x2 image: left 2x2 block white, right block pure red.
    const rgb = new Uint8Array(4 * 2 * 3);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 4; x++) {
        const i = (y * 4 + x) * 3;
        if (x < 2) rgb.set([255, 255, 255], i);
        else rgb.set([200, 0, 0], i);
      }
    }
    const gray = rgbToGrayDownsampled({ width: 4, height: 2, rgb }, 2);
    expect(gray.width).toBe(2);
    expect(gray.height).toBe(1);
    expect(gray.data[0]).toBeCloseTo(255, 3);
    expect(gray.data[1]).toBeCloseTo(0.299 * 200, 3);
  });

  it('rejects a non-integer factor and a short buffer', () => {
    const image = { width: 4, height: 4, rgb: new Uint8Array(48) };
    expect(() => rgbToGrayDownsampled(image, 1.5)).toThrow(/positive integer/);
    expect(() => rgbToGrayDownsampled({ ...image, rgb: new Uint8Array(10) }, 1)).toThrow(/needs more/);
  });
});

describe('pyramidDown', () => {
  it('keeps a linear ramp linear, with output x centred on input 2x', () => {
    const image = ramp(40, 30, (x, y) => 3 * x + 2 * y);
    const half = pyramidDown(image);
    expect(half.width).toBe(20);
    expect(half.height).toBe(15);
    for (const [x, y] of [
      [3, 4],
      [10, 7],
      [17, 12],
    ] as const) {
      expect(half.data[y * half.width + x]).toBeCloseTo(3 * 2 * x + 2 * 2 * y, 3);
    }
  });

  it('builds the requested number of levels, stopping at tiny images', () => {
    const base = ramp(64, 48, () => 1);
    expect(buildGrayPyramid(base, 3).levels.map((l) => l.width)).toEqual([64, 32, 16]);
    expect(buildGrayPyramid(base, 10).levels.length).toBe(3);
  });
});

describe('sampleGrayPatch', () => {
  it('interpolates bilinearly at sub-pixel positions and flags border patches', () => {
    const image = ramp(20, 20, (x, y) => 5 * x - 2 * y);
    const out = new Float32Array(9);
    expect(sampleGrayPatch(image, 4.25, 6.5, 3, out)).toBe(true);
    expect(out[0]).toBeCloseTo(5 * 4.25 - 2 * 6.5, 4);
    expect(out[8]).toBeCloseTo(5 * 6.25 - 2 * 8.5, 4);
    expect(sampleGrayPatch(image, -1.5, 2, 3, out)).toBe(false);
    expect(out[0]).toBeCloseTo(-2 * 2, 4); // clamped to column 0
  });
});
