import { describe, expect, it } from 'vitest';
import { seededRandom } from '../tracking/track-id-source.js';
import { estimateHomography, estimateHomographyRansac, transferRmse } from './homography-estimation.js';
import {
  applyHomography,
  homographyFrom,
  homographyLocalScale,
  invertHomography,
  multiplyHomography,
  normalizeHomography,
  scaleHomography,
  translateHomography,
} from './homography.js';
import type { PointXY } from './polygon.js';
import { singularValueDecomposition } from './singular-value-decomposition.js';

// A realistic oblique image->ground map (perspective terms non-zero), normalised to h[8] = 1.
const TRUE_H = normalizeHomography(homographyFrom([0.052, -0.011, -40.3, 0.004, -0.081, 62.5, 0.00002, 0.0004, 1]));

function grid(n: number): PointXY[] {
  const pts: PointXY[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) pts.push([60 + (i * 1800) / (n - 1), 40 + (j * 1000) / (n - 1)]);
  }
  return pts;
}

/** Largest relative difference between entries (b is the reference; exact zeros compared absolutely). */
function maxEntryDiff(a: Float64Array, b: Float64Array): number {
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / (Math.abs(b[i]!) || 1)));
}

describe('singularValueDecomposition', () => {
  it('finds the singular values of a hand-checked matrix', () => {
    // [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]] -> eigenvalues 45 and 5 -> σ = √45, √5.
    const { singularValues, v } = singularValueDecomposition([3, 0, 4, 5], 2, 2);
    expect(singularValues[0]).toBeCloseTo(Math.sqrt(45), 12);
    expect(singularValues[1]).toBeCloseTo(Math.sqrt(5), 12);
    // Right singular vectors are ±(1, 1)/√2 and ±(1, -1)/√2.
    expect(Math.abs(v[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(v[0]! * v[2]!).toBeCloseTo(0.5, 12);
  });

  it('finds the null vector of a rank-deficient wide matrix', () => {
    // Rows (1, 2, 3) and (0, 1, 1): null vector ∝ (1, 1, -1).
    const { singularValues, v } = singularValueDecomposition([1, 2, 3, 0, 1, 1], 2, 3);
    expect(singularValues[2]).toBeLessThan(1e-12);
    const n = [v[2]!, v[5]!, v[8]!];
    expect(n[0]! / n[2]!).toBeCloseTo(-1, 12);
    expect(n[1]! / n[2]!).toBeCloseTo(-1, 12);
  });
});

describe('homography basics', () => {
  it('inverts and composes', () => {
    const inv = invertHomography(TRUE_H);
    const id = normalizeHomography(multiplyHomography(inv, TRUE_H));
    expect(maxEntryDiff(id, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1))).toBeLessThan(1e-12);
    const p: PointXY = [812, 377];
    const back = applyHomography(inv, applyHomography(TRUE_H, p));
    expect(back[0]).toBeCloseTo(812, 9);
    expect(back[1]).toBeCloseTo(377, 9);
  });

  it('measures the local scale (GSD) of an affine map exactly', () => {
    expect(homographyLocalScale(scaleHomography(0.05, 0.05), 100, 900)).toBeCloseTo(0.05, 15);
    expect(homographyLocalScale(scaleHomography(0.02, 0.08), 3, 4)).toBeCloseTo(0.04, 15);
  });

  it('rejects singular matrices', () => {
    expect(() => invertHomography(homographyFrom([1, 2, 3, 2, 4, 6, 0, 0, 1]))).toThrow(/singular/);
  });
});

describe('estimateHomography (normalised DLT)', () => {
  it('recovers a homography from 4 exact pairs within 1e-6', () => {
    const src: PointXY[] = [
      [100, 80],
      [1800, 120],
      [1700, 1000],
      [150, 950],
    ];
    const h = estimateHomography(
      src,
      src.map((p) => applyHomography(TRUE_H, p)),
    )!;
    expect(maxEntryDiff(h, TRUE_H)).toBeLessThan(1e-6);
  });

  it('recovers it from many exact pairs within 1e-9 and reprojects to ~0', () => {
    const src = grid(6);
    const dst = src.map((p) => applyHomography(TRUE_H, p));
    const h = estimateHomography(src, dst)!;
    expect(maxEntryDiff(h, TRUE_H)).toBeLessThan(1e-9);
    expect(transferRmse(h, src, dst)).toBeLessThan(1e-9);
  });

  it('returns undefined for degenerate input', () => {
    const line: PointXY[] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ];
    expect(estimateHomography(line, line)).toBeUndefined();
    expect(estimateHomography(line.slice(0, 3), line.slice(0, 3))).toBeUndefined();
  });
});

describe('estimateHomographyRansac', () => {
  it('recovers the homography with 30% gross outliers, flags exactly the outliers', () => {
    const src = grid(7); // 49 pairs
    const random = seededRandom(42);
    const outlier = src.map((_, i) => i % 10 < 3); // 15 of 49 ≈ 30%
    const dst = src.map((p, i) => {
      const [x, y] = applyHomography(TRUE_H, p);
      return outlier[i] ? ([x + 20 + 40 * random(), y - 25 - 40 * random()] as PointXY) : ([x, y] as PointXY);
    });
    const fit = estimateHomographyRansac(src, dst, { thresholdDst: 0.5, seed: 7 })!;
    expect(fit.inliers).toEqual(outlier.map((o) => !o));
    expect(fit.inlierCount).toBe(49 - outlier.filter(Boolean).length);
    expect(maxEntryDiff(fit.homography, TRUE_H)).toBeLessThan(1e-6);
    expect(fit.rmseDst).toBeLessThan(1e-6);
  });

  it('plain DLT on the same data is far off (the outliers matter)', () => {
    const src = grid(7);
    const dst = src.map((p, i) => {
      const [x, y] = applyHomography(TRUE_H, p);
      return (i % 10 < 3 ? [x + 30, y - 30] : [x, y]) as PointXY;
    });
    expect(maxEntryDiff(estimateHomography(src, dst)!, TRUE_H)).toBeGreaterThan(1e-3);
  });

  it('is deterministic for a seed', () => {
    const src = grid(5);
    const dst = src.map((p, i) => (i === 3 ? ([0, 0] as PointXY) : applyHomography(TRUE_H, p)));
    const a = estimateHomographyRansac(src, dst, { seed: 3 })!;
    const b = estimateHomographyRansac(src, dst, { seed: 3 })!;
    expect(Array.from(a.homography)).toEqual(Array.from(b.homography));
    expect(a.inliers[3]).toBe(false);
  });
});

describe('invertHomography: singular or not', () => {
  it('inverts a 3 cm/px ground map placed 11 km from its origin (a GPS glitch once read as singular)', () => {
    const h = multiplyHomography(translateHomography(0, 11_120), scaleHomography(0.03, -0.03));
    const inverse = invertHomography(h);
    const [x, y] = applyHomography(inverse, applyHomography(h, [960, 540]));
    expect(x).toBeCloseTo(960, 6);
    expect(y).toBeCloseTo(540, 6);
  });

  it('still refuses a map that sends every point onto one line', () => {
    expect(() => invertHomography(Float64Array.of(1, 2, 3, 2, 4, 6, 0, 0, 1))).toThrow(RangeError);
    expect(() => invertHomography(Float64Array.of(0.03, 0, 5, 0, 0, 7, 0, 0, 1))).toThrow(/singular/);
  });
});
