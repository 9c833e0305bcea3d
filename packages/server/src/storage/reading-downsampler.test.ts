import { describe, expect, it } from 'vitest';
import { ReadingDownsampler } from './reading-downsampler.js';

describe('ReadingDownsampler', () => {
  it('closes a bucket when a later one starts, with means, maxima and crossing sums', () => {
    const sampler = new ReadingDownsampler('cam1', ['1s']);
    expect(
      sampler.add(1000, [{ zoneId: 'a', kind: 'area', count: 2, densityPerM2: 0.2, peakLocalDensityPerM2: 1 }]),
    ).toEqual([]);
    expect(
      sampler.add(1500, [{ zoneId: 'a', kind: 'area', count: 4, peakLocalDensityPerM2: 3, meanSpeedMPerS: 1.2 }]),
    ).toEqual([]);
    const [closed] = sampler.add(2100, [{ zoneId: 'a', kind: 'area', count: 9 }]);
    expect(closed).toEqual({
      streamId: 'cam1',
      zoneId: 'a',
      resolution: '1s',
      bucketStartMs: 1000,
      samples: 2,
      countMean: 3,
      countMax: 4,
      densityPerM2Mean: 0.2,
      peakLocalDensityPerM2Max: 3,
      inCount: null,
      outCount: null,
      meanSpeedMPerS: 1.2,
    });
    // A frame stamped before the open bucket (clock stepped back) joins it instead of reopening an old one.
    expect(sampler.add(1900, [{ zoneId: 'a', kind: 'area', count: 1 }])).toEqual([]);
    expect(sampler.flush()).toMatchObject([{ bucketStartMs: 2000, samples: 2, countMean: 5 }]);
    expect(sampler.flush()).toEqual([]);
  });
});
