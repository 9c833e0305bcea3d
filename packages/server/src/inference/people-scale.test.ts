import { describe, expect, it } from 'vitest';
import { modelPeopleScale } from './people-scale.js';

describe('modelPeopleScale', () => {
  it.each([
    // trained head sizes, gsd m/px, expected scale (heads are 0.2 m / gsd px)
    ['v1 model [2, 67], 4 px heads: left alone (upscaling measured worse)', [2, 67], 0.05, 1],
    ['v1 model [2, 67], 10 px heads', [2, 67], 0.02, 1],
    ['v2 model [3, 60], 2 px heads: to 3 px', [3, 60], 0.1, 1.5],
    ['v2 model [3, 60], 0.5 px heads: at most 2x', [3, 60], 0.4, 2],
    ['v2 model [3, 60], 120 px heads: to 60 px', [3, 60], 0.2 / 120, 0.5],
  ] as const)('%s', (_name, trainedHeadSizePx, gsdMPerPx, scale) => {
    expect(modelPeopleScale({ trainedHeadSizePx }, gsdMPerPx)).toBeCloseTo(scale, 12);
  });

  it('is undefined when the model does not declare its trained head sizes', () => {
    expect(modelPeopleScale({}, 0.05)).toBeUndefined();
  });
});
