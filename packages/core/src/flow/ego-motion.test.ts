import { describe, expect, it } from 'vitest';
import { applyEgoMotion, fitEgoMotion } from './ego-motion.js';

/** Pairs on a grid moved by `map`; every `outlierEvery`-th pair gets its own motion. */
function pairs(map: (x: number, y: number) => [number, number], outlierEvery = 0) {
  const fromX: number[] = [];
  const fromY: number[] = [];
  const toX: number[] = [];
  const toY: number[] = [];
  let k = 0;
  for (let y = 10; y < 540; y += 20) {
    for (let x = 10; x < 960; x += 20, k++) {
      const [mx, my] = map(x, y);
      const outlier = outlierEvery > 0 && k % outlierEvery === 0;
      fromX.push(x);
      fromY.push(y);
      toX.push(outlier ? mx - 6 + (k % 5) : mx);
      toY.push(outlier ? my + 4 - (k % 3) : my);
    }
  }
  return { fromX, fromY, toX, toY, valid: fromX.map(() => 1) };
}

const centre = { centreXPx: 479.5, centreYPx: 269.5 };

describe('fitEgoMotion', () => {
  it('recovers a similarity (shift, yaw, zoom) despite 1/3 of the pairs moving on their own', () => {
    const theta = (1.5 * Math.PI) / 180;
    const s = 0.97;
    const a = s * Math.cos(theta);
    const b = s * Math.sin(theta);
    const map = (x: number, y: number): [number, number] => [a * x - b * y + 12.5, b * x + a * y - 7.25];
    const p = pairs(map, 3);
    const ego = fitEgoMotion(p.fromX, p.fromY, p.toX, p.toY, p.valid, {
      model: 'similarity',
      inlierPx: 0.5,
      ...centre,
    });
    expect(ego.ok).toBe(true);
    expect(ego.rotationDeg).toBeCloseTo(1.5, 4);
    expect(ego.scale).toBeCloseTo(0.97, 5);
    const [ex, ey] = map(centre.centreXPx, centre.centreYPx);
    expect(ego.centreDxPx).toBeCloseTo(ex - centre.centreXPx, 3);
    expect(ego.centreDyPx).toBeCloseTo(ey - centre.centreYPx, 3);
    expect(ego.inliers).toBeGreaterThan(0.6 * p.fromX.length);
    const moved = { x: 0, y: 0 };
    applyEgoMotion(ego, 900, 30, moved);
    const [tx, ty] = map(900, 30);
    expect(Math.hypot(moved.x - tx, moved.y - ty)).toBeLessThan(1e-3);
  });

  it('fits an affine map (oblique view) and a pure translation', () => {
    const affine = (x: number, y: number): [number, number] => [1.01 * x + 0.02 * y - 3, -0.015 * x + 0.99 * y + 2];
    const p = pairs(affine, 4);
    const ego = fitEgoMotion(p.fromX, p.fromY, p.toX, p.toY, p.valid, { model: 'affine', inlierPx: 0.5, ...centre });
    expect([ego.m11, ego.m12, ego.m21, ego.m22]).toEqual([
      expect.closeTo(1.01, 5),
      expect.closeTo(0.02, 5),
      expect.closeTo(-0.015, 5),
      expect.closeTo(0.99, 5),
    ]);
    const t = pairs((x, y) => [x + 2.5, y - 1.25], 5);
    const shift = fitEgoMotion(t.fromX, t.fromY, t.toX, t.toY, t.valid, {
      model: 'translation',
      inlierPx: 0.5,
      ...centre,
    });
    expect(shift.txPx).toBeCloseTo(2.5, 6);
    expect(shift.tyPx).toBeCloseTo(-1.25, 6);
    expect(shift.m12).toBe(0);
  });

  it('ignores invalid pairs and reports not ok when too few remain', () => {
    const p = pairs((x, y) => [x + 1, y]);
    const valid = p.valid.map((_, i) => (i < 5 ? 1 : 0));
    const ego = fitEgoMotion(p.fromX, p.fromY, p.toX, p.toY, valid, { model: 'similarity', inlierPx: 0.5, ...centre });
    expect(ego.ok).toBe(false);
    expect(ego.centreDxPx).toBe(0);
    expect(() => fitEgoMotion([], [], [], [], [], { model: 'translation', inlierPx: 0, ...centre })).toThrow(/inlier/);
  });
});
