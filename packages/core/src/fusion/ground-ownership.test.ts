import { describe, expect, it } from 'vitest';
import { ringArea, type PointXY } from '../geometry/polygon.js';
import { SeededRandom } from '../simulation/seeded-random.js';
import { pointInConvex } from './convex-pieces.js';
import { GroundOwnership, type GroundView } from './ground-ownership.js';

const rect = (x0: number, y0: number, x1: number, y1: number): PointXY[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

function rotatedRect(cx: number, cy: number, w: number, h: number, angle: number): PointXY[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([x, y]): PointXY => [cx + c * x! - s * y!, cy + s * x! + c * y!]);
}

describe('GroundOwnership', () => {
  it('splits two equal overlapping footprints at the bisector of their anchors', () => {
    const own = new GroundOwnership([
      { droneId: 'a', footprint: rect(-30, -15, 30, 15), anchorM: [-16, 0] },
      { droneId: 'b', footprint: rect(2, -15, 62, 15), anchorM: [46, 0] },
    ]);
    // Union 92 x 30; the bisector is at x = 15.
    expect(own.coveredAreaM2).toBeCloseTo(92 * 30, 9);
    expect(own.regions[0]!.areaM2).toBeCloseTo(45 * 30, 9);
    expect(own.ownerAt(14.9, 0)).toBe(0);
    expect(own.ownerAt(15.1, 0)).toBe(1);
    expect(own.ownerAt(70, 0)).toBe(-1);
  });

  it('loses no ground where a nearer anchor does not see it (restricted Voronoi, not clipped Voronoi)', () => {
    // A small footprint whose anchor is near the big one's edge: the ground beyond the small footprint
    // is nearer to the small anchor but only the big drone sees it, so the big drone keeps it.
    const big: GroundView = { droneId: 'big', footprint: rect(0, 0, 100, 60), anchorM: [50, 30] };
    const small: GroundView = { droneId: 'small', footprint: rect(80, 20, 100, 40), anchorM: [90, 30] };
    const own = new GroundOwnership([big, small]);
    expect(own.coveredAreaM2).toBeCloseTo(6000, 9);
    expect(own.regions[1]!.areaM2).toBeCloseTo(400, 9); // all of its own footprint is nearer to it
    expect(own.ownerAt(95, 50)).toBe(0); // nearer to the small anchor, outside its footprint
    expect(own.ownerAt(95, 30)).toBe(1);
  });

  it('gives shared ground to the first of two drones at the same place', () => {
    const own = new GroundOwnership([
      { droneId: 'a', footprint: rect(0, 0, 10, 10), anchorM: [5, 5] },
      { droneId: 'b', footprint: rect(0, 0, 20, 10), anchorM: [5, 5] },
    ]);
    expect(own.regions.map((r) => r.areaM2)).toEqual([100, 100]);
    expect(own.ownerAt(5, 5)).toBe(0);
    expect(own.ownerAt(15, 5)).toBe(1);
  });

  it('partitions random overlapping footprints exactly: pieces agree with ownerAt, areas add up to the union', () => {
    const random = new SeededRandom(11);
    for (let trial = 0; trial < 12; trial++) {
      const views: GroundView[] = Array.from({ length: 2 + (trial % 5) }, (_, i) => {
        const cx = random.uniform(0, 80);
        const cy = random.uniform(0, 60);
        return {
          droneId: `d${i}`,
          footprint: rotatedRect(cx, cy, random.uniform(20, 60), random.uniform(15, 40), random.uniform(0, Math.PI)),
          anchorM: [cx + random.uniform(-10, 10), cy + random.uniform(-10, 10)],
        };
      });
      const own = new GroundOwnership(views);
      let covered = 0;
      const samples = 4000;
      for (let k = 0; k < samples; k++) {
        const x = random.uniform(-40, 120);
        const y = random.uniform(-40, 100);
        const owner = own.ownerAt(x, y);
        const inAny = views.some((v) => pointInConvex(x, y, v.footprint));
        expect(owner >= 0).toBe(inAny);
        if (inAny) covered++;
        const holders = own.regions.flatMap((r, i) => (r.pieces.some((p) => pointInConvex(x, y, p)) ? [i] : []));
        expect(holders).toEqual(owner >= 0 ? [owner] : []);
      }
      // Monte Carlo union area within 4 standard errors.
      const boxM2 = 160 * 140;
      const p = covered / samples;
      expect(Math.abs(own.coveredAreaM2 - p * boxM2)).toBeLessThan(4 * boxM2 * Math.sqrt((p * (1 - p)) / samples) + 1);
      for (const r of own.regions)
        expect(r.areaM2).toBeCloseTo(
          r.pieces.reduce((s, q) => s + ringArea(q), 0),
          9,
        );
    }
  });
});
