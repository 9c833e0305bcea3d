import { describe, expect, it } from 'vitest';
import { cameraViewErrors, cameraViewOfBoxes, OBLIQUE_MIN_BOX_HEIGHT_TO_WIDTH } from './camera-view.js';

describe('camera view from person boxes', () => {
  it('calls tall boxes oblique and near-square ones nadir, by their median height/width', () => {
    expect(cameraViewOfBoxes([2.4, 2.8, 0.9])).toBe('oblique');
    expect(cameraViewOfBoxes([1.1, 0.8, 2.9])).toBe('nadir');
    expect(cameraViewOfBoxes([OBLIQUE_MIN_BOX_HEIGHT_TO_WIDTH])).toBe('oblique');
    expect(cameraViewOfBoxes([1, 2])).toBe('oblique'); // median of an even count: the mean of the middle two
    expect(cameraViewOfBoxes([])).toBeNull();
    expect(cameraViewOfBoxes([Number.NaN, 0])).toBeNull();
  });

  it('gives the count error per view, leaving out images without one', () => {
    const [nadir, oblique] = cameraViewErrors([
      { truth: 10, predicted: 8, view: 'nadir' },
      { truth: 30, predicted: 36, view: 'nadir' },
      { truth: 5, predicted: 5, view: 'oblique' },
      { truth: 100, predicted: 0, view: null },
    ]);
    expect(nadir).toEqual({ view: 'nadir', images: 2, meanTruth: 20, mae: 4, meanError: 2, meanErrorPercent: 10 });
    expect(oblique).toMatchObject({ view: 'oblique', images: 1, mae: 0, meanError: 0 });
  });
});
