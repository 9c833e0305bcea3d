import { describe, expect, it } from 'vitest';
import { localisationCounts, localisationScore, sumLocalisationCounts } from './localisation-metrics.js';

describe('localisation metrics', () => {
  it('counts true/false positives and misses at a radius', () => {
    // Truth: three heads. Predictions: one 3 px off, one 12 px off, one far away.
    const truth = [10, 10, 50, 50, 90, 90];
    const predicted = [13, 10, 62, 50, 300, 300];
    expect(localisationCounts(predicted, truth, 8)).toEqual({ truePositives: 1, falsePositives: 2, falseNegatives: 2 });
    expect(localisationCounts(predicted, truth, 16)).toEqual({
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
    });
  });

  it('scores precision, recall and F1 from summed counts', () => {
    const total = sumLocalisationCounts([
      { truePositives: 3, falsePositives: 1, falseNegatives: 0 },
      { truePositives: 1, falsePositives: 1, falseNegatives: 4 },
    ]);
    const score = localisationScore(total, 8);
    expect(score).toMatchObject({ radiusPx: 8, truePositives: 4, falsePositives: 2, falseNegatives: 4 });
    expect(score.precision).toBeCloseTo(4 / 6, 12);
    expect(score.recall).toBeCloseTo(4 / 8, 12);
    expect(score.f1).toBeCloseTo((2 * (4 / 6) * 0.5) / (4 / 6 + 0.5), 12);
  });

  it.each([
    { name: 'empty image, no predictions', counts: [0, 0, 0], precision: 1, recall: 1, f1: 1 },
    { name: 'heads but no predictions', counts: [0, 0, 5], precision: 0, recall: 0, f1: 0 },
    { name: 'predictions on an empty image', counts: [0, 3, 0], precision: 0, recall: 0, f1: 0 },
  ])('$name', ({ counts, precision, recall, f1 }) => {
    const [truePositives, falsePositives, falseNegatives] = counts as [number, number, number];
    expect(localisationScore({ truePositives, falsePositives, falseNegatives }, 16)).toMatchObject({
      precision,
      recall,
      f1,
    });
  });
});
