import { describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { checkAnalysisWorkload, estimateAnalysisWorkload, type AnalysisWorkloadInput } from './analysis-workload.js';

const machine = { threads: 2, cores: 2, totalMemoryBytes: 16e9 };
const hd: AnalysisWorkloadInput = {
  frameWidthPx: 1920,
  frameHeightPx: 1080,
  frames: 200,
  peopleScale: 1,
  runsModel: true,
  gsdMPerPx: 0.047,
  areaZones: 2,
  ...machine,
};

function refusal(input: AnalysisWorkloadInput): string {
  try {
    checkAnalysisWorkload(input);
  } catch (error) {
    if (isRaqibError(error, 'USAGE')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('estimateAnalysisWorkload', () => {
  it('grows with the square of the people scale and counts the real tiles', () => {
    const one = estimateAnalysisWorkload(hd);
    const two = estimateAnalysisWorkload({ ...hd, peopleScale: 2 });
    expect(one.tiles).toBe(1); // 1920x1088 fits one tile
    expect(two.tiles).toBeGreaterThanOrEqual(4);
    expect(two.modelMegapixelsPerFrame / one.modelMegapixelsPerFrame).toBeGreaterThan(4);
    expect(two.secondsPerFrame).toBeGreaterThan(4 * one.secondsPerFrame * 0.9);
    // Tiling bounds the model's memory: only the resized frame grows with the scale.
    expect(two.memoryBytes).toBeLessThan(2 * one.memoryBytes);
    // The documented example (--altitude 60 --hfov 73.7 on 1080p, 8 s at 25 fps): about a second per
    // frame at scale 1, as the model card's 210-260 ms per 1920x1088 run on 2 threads suggests.
    expect(one.secondsPerFrame).toBeGreaterThan(0.1);
    expect(one.secondsPerFrame).toBeLessThan(2);
    expect(one.totalSeconds).toBeCloseTo(200 * one.secondsPerFrame, 9);
  });

  it('has no model cost for points files', () => {
    const points = estimateAnalysisWorkload({ ...hd, runsModel: false });
    expect(points.tiles).toBe(0);
    expect(points.modelMegapixelsPerFrame).toBe(0);
  });
});

describe('checkAnalysisWorkload', () => {
  it('accepts the documented 1080p example without warnings', () => {
    expect(checkAnalysisWorkload(hd).warnings).toEqual([]);
  });

  it.each([
    {
      name: 'a GSD of 100 m/px from the options (2.9 GB, a V8 crash before)',
      input: { ...hd, gsdMPerPx: 100 },
      says: 'outside [0.001, 10] m/px',
    },
    {
      name: 'a 1024x686 image at 3 m/px (6 km² of ground, minutes per frame before)',
      input: { ...hd, frameWidthPx: 1024, frameHeightPx: 686, gsdMPerPx: 3 },
      says: 'km² of ground each',
    },
    {
      name: 'a people scale of 8 (13 minutes for an 8 s clip before)',
      input: { ...hd, peopleScale: 8 },
      says: 'above 4',
    },
    {
      name: '8K frames at scale 4 (530 megapixels)',
      input: { ...hd, frameWidthPx: 7680, frameHeightPx: 4320, peopleScale: 4, gsdMPerPx: 0.01 },
      says: 'megapixels, more than the model takes',
    },
    {
      name: '16384x16384 frames on a 4 GB machine',
      input: { ...hd, frameWidthPx: 16384, frameHeightPx: 16384, gsdMPerPx: 0.01, totalMemoryBytes: 4e9 },
      says: 'of memory, more than',
    },
  ])('refuses $name', ({ input, says }) => {
    const message = refusal(input);
    expect(message).toContain(says);
    expect(message).not.toContain('\n');
  });

  it('warns, without refusing, when the run is long or a frame is slow', () => {
    const long = checkAnalysisWorkload({ ...hd, frames: 25 * 3600 });
    expect(long.warnings).toHaveLength(1);
    expect(long.warnings[0]).toMatch(/^90000 frames of 1920x1080 frames will take about .* h/);
    const slow = checkAnalysisWorkload({
      ...hd,
      frameWidthPx: 7680,
      frameHeightPx: 4320,
      peopleScale: 2,
      gsdMPerPx: 0.01,
    });
    expect(slow.warnings.join('\n')).toMatch(/will take about .* per frame \(\d+ model tiles\)/);
  });
});
