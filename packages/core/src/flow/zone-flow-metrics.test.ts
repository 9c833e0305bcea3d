import { describe, expect, it } from 'vitest';
import type { DensityMap } from '../density-map.js';
import type { FlowField } from '../frame-analysis.js';
import { toZoneReadingFlow, zoneFlowMetrics } from './zone-flow-metrics.js';

/** A flow field (pixels per frame) from a function of the cell (col, row). */
function field(cols: number, rows: number, fn: (c: number, r: number) => [number, number]): FlowField {
  const dx = new Float32Array(cols * rows);
  const dy = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [x, y] = fn(c, r);
      dx[r * cols + c] = x;
      dy[r * cols + c] = y;
    }
  }
  return { cols, rows, cellPx: 16, dx, dy, egoDxPx: 0, egoDyPx: 0 };
}

function density(cols: number, rows: number, fn: (c: number, r: number) => number, cellPx = 16): DensityMap {
  const values = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = fn(c, r);
  return { cols, rows, cellPx, values };
}

describe('zoneFlowMetrics', () => {
  it.each([
    { name: 'up', v: [0, -2], deg: 0 },
    { name: 'right', v: [2, 0], deg: 90 },
    { name: 'down', v: [0, 2], deg: 180 },
    { name: 'left', v: [-2, 0], deg: 270 },
    { name: 'down-left', v: [-2, 2], deg: 225 },
  ])('gives direction $deg deg for motion $name (clockwise from image up)', ({ v, deg }) => {
    const m = zoneFlowMetrics(
      field(8, 6, () => v as [number, number]),
      null,
      { dtS: 0.1 },
    );
    expect(m.directionDeg).toBeCloseTo(deg, 6);
    expect(m.counterflowShare).toBe(0);
  });

  it('converts pixels per frame to px/s and m/s with the frame interval and GSD', () => {
    const m = zoneFlowMetrics(
      field(8, 6, () => [3, 4]),
      null,
      { dtS: 0.25, gsdMPerPx: 0.04 },
    );
    expect(m.meanSpeedPxPerS).toBeCloseTo(20, 5);
    expect(m.meanSpeedMPerS).toBeCloseTo(0.8, 5);
    expect(m.velocityVarianceM2PerS2).toBeCloseTo(0, 6);
    expect(m.movingShare).toBe(1);
  });

  it('measures counterflow as the share of movers against the dominant (or a given) direction', () => {
    // 8 columns x 5 rows: 2 columns walk left, 6 walk right; one right-walker cell is unreliable.
    const flow = field(8, 5, (c) => (c < 2 ? [-2, 0.2] : [2, -0.1]));
    flow.dx[1 * 8 + 4] = NaN;
    const m = zoneFlowMetrics(flow, null, { dtS: 0.1 });
    expect(m.validCells).toBe(39);
    expect(m.directionDeg).toBeGreaterThan(80);
    expect(m.directionDeg).toBeLessThan(100);
    expect(m.counterflowShare).toBeCloseTo(10 / 39, 6);
    const againstGiven = zoneFlowMetrics(flow, null, { dtS: 0.1, referenceDirectionDeg: 270 });
    expect(againstGiven.counterflowShare).toBeCloseTo(29 / 39, 6);
  });

  it('weights by people: an empty lane does not count', () => {
    const flow = field(8, 5, (c) => (c < 2 ? [-2, 0] : [2, 0]));
    const people = density(8, 5, (c) => (c < 2 ? 0 : 1.5));
    expect(zoneFlowMetrics(flow, null, { dtS: 0.1, density: people }).counterflowShare).toBe(0);
    const crowdedLane = density(8, 5, (c) => (c < 2 ? 3 : 2));
    // Left lane: 2*5*3 = 30 people; right: 6*5*2 = 60 -> a third of the movers are against.
    expect(zoneFlowMetrics(flow, null, { dtS: 0.1, density: crowdedLane }).counterflowShare).toBeCloseTo(1 / 3, 6);
    // 30 against 30: no dominant direction, but half of the movers still meet the other half.
    const balanced = zoneFlowMetrics(flow, null, { dtS: 0.1, density: density(8, 5, (c) => (c < 2 ? 3 : 1)) });
    expect(balanced.directionDeg).toBeUndefined();
    expect(balanced.counterflowShare).toBeCloseTo(0.5, 6);
  });

  it('ignores tracking noise below the speed floor (no fake counterflow in a still crowd)', () => {
    let seed = 3;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed / 2147483648 - 0.5) * 0.3; // +-0.15 px per frame
    };
    const flow = field(30, 20, () => [noise(), noise()]);
    const m = zoneFlowMetrics(flow, null, { dtS: 1 / 30, gsdMPerPx: 0.03 });
    expect(m.movingShare).toBe(0);
    expect(m.counterflowShare).toBe(0);
    expect(m.directionDeg).toBeUndefined();
    const noFloor = zoneFlowMetrics(flow, null, { dtS: 1 / 30, minDisplacementPx: 0, minMovingShare: 0 });
    expect(noFloor.counterflowShare).toBeGreaterThan(0.3);
  });

  it('restricts to the zone polygon, counting partly covered cells by their fraction', () => {
    const flow = field(10, 10, (c) => (c < 5 ? [1, 0] : [-1, 0]));
    // x from 0 to 88 px covers columns 0-4 fully and half of column 5 (80-96).
    const zone: Array<[number, number]> = [
      [0, 0],
      [88, 0],
      [88, 160],
      [0, 160],
    ];
    const m = zoneFlowMetrics(flow, zone, { dtS: 1 });
    expect(m.cells).toBeCloseTo(55, 6);
    expect(m.counterflowShare).toBeCloseTo(5 / 55, 6);
    expect(() => zoneFlowMetrics(flow, [[0, 0]], { dtS: 1 })).toThrow(/3 vertices/);
    expect(() => zoneFlowMetrics(flow, null, { dtS: 0 })).toThrow(/interval/);
  });

  it('measures divergence: positive for dispersal, about zero for a uniform stream', () => {
    const k = 0.05; // px per frame per px away from the centre
    const dispersal = field(20, 12, (c, r) => [k * ((c + 0.5) * 16 - 160), k * ((r + 0.5) * 16 - 96)]);
    expect(zoneFlowMetrics(dispersal, null, { dtS: 0.5 }).divergencePerS).toBeCloseTo((2 * k) / 0.5, 6);
    const gathering = field(20, 12, (c, r) => [-k * ((c + 0.5) * 16 - 160), -k * ((r + 0.5) * 16 - 96)]);
    expect(zoneFlowMetrics(gathering, null, { dtS: 0.5 }).divergencePerS).toBeCloseTo((-2 * k) / 0.5, 6);
    expect(
      zoneFlowMetrics(
        field(20, 12, () => [2, 1]),
        null,
        { dtS: 0.5 },
      ).divergencePerS,
    ).toBeCloseTo(0, 6);
  });

  it('computes crowd pressure = local density x local velocity variance', () => {
    // GSD 0.0625 m/px: a 16 px cell is 1 m, radius 1 m -> 3x3 neighbourhoods. 4 persons per cell.
    // Velocities alternate (+-1 px/frame in x, checkerboard) at dt 1 s: 0.0625 m/s either way.
    const flow = field(9, 9, (c, r) => [(c + r) % 2 ? 1 : -1, 0]);
    const people = density(9, 9, () => 4);
    const m = zoneFlowMetrics(flow, null, { dtS: 1, gsdMPerPx: 0.0625, density: people, pressureRadiusM: 1 });
    // Interior 3x3 neighbourhoods: 5 of one sign, 4 of the other: variance = v^2 (1 - (1/9)^2);
    // border ones (2x2, 2x3) are balanced: variance = v^2.
    const v2 = 0.0625 ** 2;
    expect(m.peakPressurePerS2).toBeCloseTo(4 * v2, 9);
    expect(m.pressurePerS2).toBeGreaterThanOrEqual(4 * v2 * (1 - 1 / 81) - 1e-12);
    expect(m.pressurePerS2).toBeLessThan(4 * v2);
    const calm = zoneFlowMetrics(
      field(9, 9, () => [1, 0]),
      null,
      { dtS: 1, gsdMPerPx: 0.0625, density: people },
    );
    expect(calm.pressurePerS2).toBeCloseTo(0, 12);
    expect(zoneFlowMetrics(flow, null, { dtS: 1, density: people }).pressurePerS2).toBeUndefined(); // no GSD
  });

  it('maps onto ZoneReading fields, speed variance only in (m/s)^2', () => {
    const flow = field(6, 4, (c) => [c % 2 ? 2 : 1, 0]);
    const withGsd = toZoneReadingFlow(zoneFlowMetrics(flow, null, { dtS: 1, gsdMPerPx: 0.1 }));
    expect(withGsd.meanSpeedMPerS).toBeCloseTo(0.15, 6);
    expect(withGsd.speedVariance).toBeCloseTo(0.0025, 6); // speeds 0.1 and 0.2 m/s
    expect(withGsd.directionDeg).toBeCloseTo(90, 6);
    const noGsd = toZoneReadingFlow(zoneFlowMetrics(flow, null, { dtS: 1 }));
    expect(noGsd.speedVariance).toBeUndefined();
    expect(noGsd.meanSpeedPxPerS).toBeCloseTo(1.5, 6);
  });
});
