import { describe, expect, it } from 'vitest';
import { headSizePx, peopleScale } from './people-scale.js';

describe('peopleScale', () => {
  const trainedHeadSizePx = [3, 60] as const;
  const cases: Array<[string, number, number]> = [
    // name, gsd m/px, expected scale; heads are 0.2 m / gsd px.
    ['10 px heads, inside [3, 60]: no resize', 0.02, 1],
    ['4 px heads, inside: no upscaling towards the middle', 0.05, 1],
    ['exactly the lower edge (3 px)', 0.2 / 3, 1],
    ['exactly the upper edge (60 px)', 0.2 / 60, 1],
    ['100 px heads: shrink to 60 px', 0.002, 0.6],
    ['200 px heads: 60/200', 0.001, 0.3],
    ['1000 px heads: 0.06 clamped to 0.25', 0.0002, 0.25],
    ['2 px heads: enlarge to 3 px', 0.1, 1.5],
    ['1 px heads: 3x clamped to 2', 0.2, 2],
  ];
  it.each(cases)('%s', (_name, gsdMPerPx, scale) => {
    expect(peopleScale(gsdMPerPx, { trainedHeadSizePx })).toBeCloseTo(scale, 12);
  });

  it("with the shipped v1 model's range [2, 67] 4-10 px heads are left alone", () => {
    for (const gsd of [0.02, 0.03, 0.05]) expect(peopleScale(gsd, { trainedHeadSizePx: [2, 67] })).toBe(1);
    expect(peopleScale(0.001, { trainedHeadSizePx: [2, 67] })).toBeCloseTo(0.335, 12);
  });

  it('honours minScale, maxScale and headSizeM', () => {
    expect(peopleScale(0.2, { trainedHeadSizePx, maxScale: 4 })).toBeCloseTo(3, 12);
    expect(peopleScale(0.0002, { trainedHeadSizePx, minScale: 0.01 })).toBeCloseTo(0.06, 12);
    // 0.5 m "heads" at 0.005 m/px are 100 px -> 0.6.
    expect(peopleScale(0.005, { trainedHeadSizePx, headSizeM: 0.5 })).toBeCloseTo(0.6, 12);
  });

  it('rejects an impossible GSD or trained range', () => {
    expect(() => peopleScale(0, { trainedHeadSizePx })).toThrow(/GSD/);
    expect(() => peopleScale(0.02, { trainedHeadSizePx: [0, 60] })).toThrow(/trained head sizes/);
    expect(() => peopleScale(0.02, { trainedHeadSizePx: [60, 3] })).toThrow(/trained head sizes/);
  });

  it('head size at ~5.6 cm/px is ~3.6 px', () => {
    expect(headSizePx(0.0562753)).toBeCloseTo(3.554, 3);
  });
});
