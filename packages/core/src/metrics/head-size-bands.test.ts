import { describe, expect, it } from 'vitest';
import { headSizeBandErrors, headSizeBands } from './head-size-bands.js';

describe('headSizeBands', () => {
  it('are <4, 4-8, 8-16, 16-32, 32-64, >=64 px', () => {
    expect(headSizeBands().map((band) => band.label)).toEqual(['<4', '4-8', '8-16', '16-32', '32-64', '>=64']);
    expect(headSizeBands()[5]).toEqual({ label: '>=64', minPx: 64, maxPx: Infinity });
  });
});

describe('headSizeBandErrors', () => {
  it('puts each image into the band of its head size (lower edge inclusive) and scores each band', () => {
    const bands = headSizeBandErrors([
      { truth: 10, predicted: 8, headSizePx: 4 }, // 4-8 (edge)
      { truth: 30, predicted: 36, headSizePx: 7.9 }, // 4-8
      { truth: 5, predicted: 5, headSizePx: 3.99 }, // <4
      { truth: 2, predicted: 1, headSizePx: 64 }, // >=64 (edge)
      { truth: 7, predicted: 0, headSizePx: NaN }, // unknown: left out
    ]);
    const byLabel = Object.fromEntries(bands.map((band) => [band.label, band]));
    expect(byLabel['<4']).toMatchObject({ images: 1, meanTruth: 5, mae: 0, meanError: 0, meanErrorPercent: 0 });
    expect(byLabel['4-8']).toMatchObject({ images: 2, meanTruth: 20, mae: 4, meanError: 2, meanErrorPercent: 10 });
    expect(byLabel['>=64']).toMatchObject({ images: 1, meanTruth: 2, mae: 1, meanError: -1, meanErrorPercent: -50 });
    expect(byLabel['8-16']!.images).toBe(0);
    expect(byLabel['8-16']!.mae).toBeNaN();
    expect(bands.reduce((sum, band) => sum + band.images, 0)).toBe(4);
  });

  it('reports NaN percent when a band has no people', () => {
    expect(headSizeBandErrors([{ truth: 0, predicted: 1, headSizePx: 10 }])[2]).toMatchObject({
      images: 1,
      meanError: 1,
      meanErrorPercent: NaN,
    });
  });
});
