import { describe, expect, it } from 'vitest';
import { AreaMotionMeter, areaMotionReadingFields, type MovingPoints } from './area-motion-meter.js';
import { NeighbourGrid } from './neighbour-grid.js';
import { rectPolygon } from './planar-geometry.js';

function points(timeS: number, rows: [number, number, number, number][]): MovingPoints {
  return {
    timeS,
    count: rows.length,
    x: rows.map((r) => r[0]),
    y: rows.map((r) => r[1]),
    vx: rows.map((r) => r[2]),
    vy: rows.map((r) => r[3]),
  };
}

function measure(meter: AreaMotionMeter, frame: MovingPoints) {
  const grid = new NeighbourGrid(meter.neighbourCellSize);
  grid.rebuild(frame.x, frame.y, frame.count);
  return meter.measure(frame, grid);
}

describe('AreaMotionMeter', () => {
  it('measures two opposing streams in pixels: counterflow share, direction, no local density', () => {
    const meter = new AreaMotionMeter(rectPolygon({ x0: 0, y0: 0, x1: 200, y1: 100 }), {
      kernelRadius: null,
      moverSpeed: 4,
    });
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < 12; i++) rows.push([10 + i * 15, 30, 20, 0]); // 12 going right
    for (let i = 0; i < 4; i++) rows.push([10 + i * 15, 70, -20, 0]); // 4 going left
    rows.push([500, 500, -20, 0]); // outside the zone
    const motion = measure(meter, points(0, rows));
    expect(motion.count).toBe(16);
    expect(motion.counterflowShare).toBeCloseTo(4 / 16, 9);
    expect(motion.directionDeg).toBeCloseTo(90, 6); // right = 90 degrees clockwise from up
    expect(motion.meanSpeed).toBeCloseTo(20, 9);
    expect(motion.peakLocalDensity).toBeUndefined();
    const fields = areaMotionReadingFields(motion, false);
    expect(fields).toMatchObject({ meanSpeedPxPerS: 20, counterflowShare: 0.25 });
    expect(fields.meanSpeedMPerS).toBeUndefined();
    expect(fields.pressurePerS2).toBeUndefined();
  });

  it('reports radial divergence for people dispersing from a centre, about zero for a uniform stream', () => {
    const meter = new AreaMotionMeter(rectPolygon({ x0: -10, y0: -10, x1: 10, y1: 10 }));
    const grid: [number, number, number, number][] = [];
    const uniform: [number, number, number, number][] = [];
    for (let x = -4; x <= 4; x += 2) {
      for (let y = -4; y <= 4; y += 2) {
        grid.push([x, y, 0.2 * x, 0.2 * y]);
        uniform.push([x, y, 1, 0]);
      }
    }
    expect(measure(meter, points(0, grid)).divergencePerS).toBeCloseTo(0.4, 9);
    expect(measure(new AreaMotionMeter(meter.polygon), points(0, uniform)).divergencePerS).toBeCloseTo(0, 9);
  });

  it('gives metric readings: kernel peak density and pressure that grows with turbulent local velocity', () => {
    const meter = new AreaMotionMeter(rectPolygon({ x0: 0, y0: 0, x1: 4, y1: 4 }));
    const crowd = (timeS: number, sign: number) => {
      const rows: [number, number, number, number][] = [];
      for (let x = 0.25; x < 4; x += 0.5) for (let y = 0.25; y < 4; y += 0.5) rows.push([x, y, sign * 0.8, 0]);
      return points(timeS, rows);
    };
    const first = measure(meter, crowd(0, 1));
    expect(first.peakLocalDensity).toBeGreaterThan(2.5); // 4 persons/m² lattice, edge cells see fewer
    expect(first.pressurePerS2).toBe(0);
    let last = first;
    for (let k = 1; k <= 20; k++) last = measure(meter, crowd(k * 0.5, k % 2 === 0 ? 1 : -1));
    expect(last.pressurePerS2).toBeGreaterThan(0.5);
    expect(areaMotionReadingFields(last, true).pressurePerS2).toBe(last.pressurePerS2);
  });
});
