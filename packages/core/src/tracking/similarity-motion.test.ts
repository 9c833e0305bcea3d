import { describe, expect, it } from 'vitest';
import { applyMotion, fitSimilarity, similarityMotion, translationMotion } from './similarity-motion.js';
import { estimateImageMotion } from './image-motion-estimator.js';
import { SpatialGrid } from './spatial-grid.js';
import { seededRandom } from './track-id-source.js';

describe('similarity motion', () => {
  it('rotates about the given centre: the centre stays, a point 10 px right moves down for +90 deg', () => {
    const m = similarityMotion(Math.PI / 2, 1, 0, 0, { xPx: 100, yPx: 50 });
    expect(applyMotion(m, 100, 50).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([100, 50]);
    const [x, y] = applyMotion(m, 110, 50);
    expect(x).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(60, 9);
  });

  it('fits the exact similarity from noiseless pairs', () => {
    const truth = similarityMotion(0.02, 1.01, 3, -4, { xPx: 960, yPx: 540 });
    const random = seededRandom(1);
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < 30; i++) {
      const x = random() * 1920;
      const y = random() * 1080;
      from.push(x, y);
      to.push(...applyMotion(truth, x, y));
    }
    const fitted = fitSimilarity(from, to);
    expect(fitted.a).toBeCloseTo(truth.a, 9);
    expect(fitted.b).toBeCloseTo(truth.b, 9);
    expect(fitted.txPx).toBeCloseTo(truth.txPx, 6);
    expect(fitted.tyPx).toBeCloseTo(truth.tyPx, 6);
  });
});

describe('estimateImageMotion', () => {
  function crowd(n: number, seed: number): Float64Array {
    const random = seededRandom(seed);
    return Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 200 + random() * 400 : 200 + random() * 300));
  }

  it('recovers a camera jump in a dense crowd from unlabelled detections', () => {
    const reference = crowd(400, 4); // ~8 px between neighbours
    const random = seededRandom(8);
    const shift = translationMotion(17.3, -9.6);
    const detections: number[] = [];
    for (let i = 0; i < 400; i++) {
      if (random() < 0.1) continue; // missed
      const [x, y] = applyMotion(shift, reference[2 * i]!, reference[2 * i + 1]!);
      detections.push(x + (random() - 0.5) * 3, y + (random() - 0.5) * 3);
    }
    for (let k = 0; k < 20; k++) detections.push(200 + random() * 400, 200 + random() * 300); // false positives
    const grid = new SpatialGrid(detections, 20);
    const estimate = estimateImageMotion(reference, grid, detections, { searchRadiusPx: 40, inlierRadiusPx: 4 });
    expect(estimate.ok).toBe(true);
    expect(estimate.motion.txPx).toBeCloseTo(17.3, 0);
    expect(estimate.motion.tyPx).toBeCloseTo(-9.6, 0);
    expect(estimate.inliers).toBeGreaterThan(2 * estimate.inliersWithoutMotion);
  });

  it('reports no motion when there are too few points', () => {
    const grid = new SpatialGrid([1, 1], 10);
    expect(estimateImageMotion([0, 0], grid, [1, 1], { searchRadiusPx: 10, inlierRadiusPx: 2 }).ok).toBe(false);
  });
});
