import { describe, expect, it } from 'vitest';
import { fillPlanarInput } from './planar-input.js';

// 3x2 image; pixel (x, y) = [10x + y, 100 + 10x + y, 200 + 10x + y]
const image = {
  width: 3,
  height: 2,
  rgb: Uint8Array.from(
    [0, 1].flatMap((y) => [0, 1, 2].flatMap((x) => [10 * x + y, 100 + 10 * x + y, 200 + 10 * x + y])),
  ),
};

describe('fillPlanarInput', () => {
  it('writes planar RGB, replicating edge pixels into the padding', () => {
    const out = new Float32Array(3 * 4 * 3).fill(-1);
    fillPlanarInput(image, 0, 0, 4, 3, out, 'edge');
    // R plane, rows of 4: last column repeats x=2, last row repeats y=1
    expect(Array.from(out.subarray(0, 12))).toEqual([0, 10, 20, 20, 1, 11, 21, 21, 1, 11, 21, 21]);
    expect(Array.from(out.subarray(12, 16))).toEqual([100, 110, 120, 120]);
    expect(Array.from(out.subarray(32, 36))).toEqual([201, 211, 221, 221]);
  });

  it('pads with zeros and reads a window with an offset', () => {
    const out = new Float32Array(3 * 2 * 2).fill(-1);
    fillPlanarInput(image, 2, 1, 2, 2, out, 'zero');
    expect(Array.from(out)).toEqual([21, 0, 0, 0, 121, 0, 0, 0, 221, 0, 0, 0]);
  });

  it('refuses a window outside the image or a short buffer', () => {
    expect(() => fillPlanarInput(image, 3, 0, 2, 2, new Float32Array(12))).toThrow(/outside/);
    expect(() => fillPlanarInput(image, 0, 0, 4, 4, new Float32Array(12))).toThrow(/buffer/);
  });
});
