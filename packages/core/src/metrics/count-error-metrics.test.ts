import { describe, expect, it } from 'vitest';
import { countErrorMetrics } from './count-error-metrics.js';

describe('countErrorMetrics', () => {
  it('computes MAE, RMSE, bias and relative error', () => {
    const m = countErrorMetrics([
      { truth: 10, predicted: 12 },
      { truth: 20, predicted: 16 },
      { truth: 0, predicted: 1 },
    ]);
    expect(m.images).toBe(3);
    expect(m.mae).toBeCloseTo((2 + 4 + 1) / 3, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt((4 + 16 + 1) / 3), 12);
    expect(m.meanError).toBeCloseTo((2 - 4 + 1) / 3, 12);
    expect(m.meanRelativeError).toBeCloseTo((0.2 + 0.2) / 2, 12); // the empty image is left out
    expect(m.totalTruth).toBe(30);
    expect(m.totalPredicted).toBe(29);
  });

  it('RMSE weighs large errors more than MAE', () => {
    const spread = countErrorMetrics([
      { truth: 0, predicted: 0 },
      { truth: 0, predicted: 10 },
    ]);
    expect(spread.mae).toBe(5);
    expect(spread.rmse).toBeCloseTo(Math.sqrt(50), 12);
  });

  it('is NaN (null in JSON) without images', () => {
    const m = countErrorMetrics([]);
    expect(m.images).toBe(0);
    expect(Number.isNaN(m.mae)).toBe(true);
    expect(JSON.parse(JSON.stringify(m)).rmse).toBeNull();
  });
});
