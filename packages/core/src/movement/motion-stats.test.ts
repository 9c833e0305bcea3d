import { describe, expect, it } from 'vitest';
import { motionReadingFields, motionStats, type MovingPoint } from './motion-stats.js';

const p = (xPx: number, yPx: number, vxPxPerS: number, vyPxPerS: number): MovingPoint => ({
  xPx,
  yPx,
  vxPxPerS,
  vyPxPerS,
});

describe('motionStats', () => {
  it('works out speed, direction, counterflow, variances and pressure by hand', () => {
    // GSD 0.05 m/px. Three walk right at 20 px/s (1 m/s), one walks left at 20 px/s.
    const points = [p(0, 0, 20, 0), p(10, 0, 20, 0), p(20, 0, 20, 0), p(30, 0, -20, 0)];
    const s = motionStats(points, { gsdMPerPx: 0.05, densityPerM2: 2 });
    expect(s.meanSpeedMPerS).toBeCloseTo(1, 12);
    expect(s.directionDeg).toBeCloseTo(90, 9); // right = 90 deg clockwise from image up
    expect(s.counterflowShare).toBeCloseTo(0.25, 12);
    expect(s.speedVariance).toBeCloseTo(0, 12); // all speeds are 1 m/s
    // Mean velocity 0.5 m/s right; deviations +0.5, +0.5, +0.5, -1.5 -> Var = (0.75 + 2.25) / 4 = 0.75.
    expect(s.velocityVariance).toBeCloseTo(0.75, 12);
    expect(s.pressurePerS2).toBeCloseTo(1.5, 12);
  });

  it('ignores standing people for direction and counterflow but keeps them in the variances', () => {
    const s = motionStats([p(0, 0, 0, -30), p(5, 5, 0, 0.5), p(9, 9, 0.2, 0)], { minMovingSpeedPxPerS: 4 });
    expect(s.movingCount).toBe(1);
    expect(s.directionDeg).toBeCloseTo(0, 9); // up
    expect(s.counterflowShare).toBe(0);
    expect(s.meanSpeedMPerS).toBeUndefined();
    expect(s.velocityVariance).toBeGreaterThan(0);
  });

  it('measures divergence of a radial outflow and of a uniform flow', () => {
    const ring = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => {
      const a = (k * Math.PI) / 4;
      return [Math.cos(a) * 50, Math.sin(a) * 50] as const;
    });
    const dispersing = ring.map(([x, y]) => p(x + 500, y + 300, 0.4 * x, 0.4 * y));
    expect(motionStats(dispersing).divergencePerS).toBeCloseTo(0.8, 9);
    const uniform = ring.map(([x, y]) => p(x, y, 10, 3));
    expect(motionStats(uniform).divergencePerS).toBeCloseTo(0, 9);
    expect(motionStats(uniform.slice(0, 2)).divergencePerS).toBeUndefined();
  });

  it('maps onto ZoneReading fields with speed variance only in (m/s)²', () => {
    const points = [p(0, 0, 20, 0), p(10, 0, 10, 0)];
    expect(motionReadingFields(motionStats(points)).speedVariance).toBeUndefined();
    expect(motionReadingFields(motionStats(points, { gsdMPerPx: 0.1 }))).toMatchObject({
      meanSpeedMPerS: 1.5,
      speedVariance: 0.25,
      directionDeg: 90,
    });
  });

  it('is empty-safe', () => {
    expect(motionStats([])).toMatchObject({ count: 0, movingCount: 0, meanSpeedPxPerS: 0 });
  });
});
