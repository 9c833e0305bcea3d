import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { densityMapCount, type DensityMap } from '../density-map.js';
import { resolveFrameGround } from '../geometry/frame-ground-model.js';
import { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import type { PointXY } from '../geometry/polygon.js';
import { isRaqibError } from '../raqib-error.js';
import { seededRandom } from '../tracking/track-id-source.js';
import { gaussianDensityMap } from '../testing/gaussian-density-map.js';
import { AreaZoneMeter } from './area-zone-meter.js';
import { parseZones } from './parse-zones.js';
import type { AreaZone } from './zone.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const datasets = process.env.RAQIB_DATASETS ?? resolve(repoRoot, '../shared/datasets');
const shanghaiA1 = resolve(datasets, 'ShanghaiTech/part_A/train_data/ground-truth/GT_IMG_1.json');

function uniformMap(cols: number, rows: number, cellPx: number, perCell: number): DensityMap {
  return { cols, rows, cellPx, values: new Float32Array(cols * rows).fill(perCell) };
}

function rectZone(id: string, x0: number, y0: number, x1: number, y1: number, extra: Partial<AreaZone> = {}): AreaZone {
  return {
    id,
    kind: 'standing',
    space: 'image',
    geometry: {
      type: 'Polygon',
      rings: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
      ],
    },
    ...extra,
  };
}

/** GeoJSON tiling of the frame: 4 quadrants around an off-grid point plus a fan of triangles. */
function tilingZonesText(cx: number, cy: number): string {
  const poly = (id: string, ring: number[][]) => ({
    type: 'Feature',
    properties: { id },
    geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
  });
  const quadrants = [
    poly('q-nw', [
      [0, 0],
      [cx, 0],
      [cx, cy],
      [0, cy],
    ]),
    poly('q-ne', [
      [cx, 0],
      [1, 0],
      [1, cy],
      [cx, cy],
    ]),
    poly('q-sw', [
      [0, cy],
      [cx, cy],
      [cx, 1],
      [0, 1],
    ]),
    poly('q-se', [
      [cx, cy],
      [1, cy],
      [1, 1],
      [cx, 1],
    ]),
  ];
  return JSON.stringify({ type: 'FeatureCollection', features: quadrants });
}

function checkTiling(density: DensityMap, widthPx: number, heightPx: number, cx: number, cy: number): void {
  const zones = parseZones(tilingZonesText(cx, cy), 'tiles.geojson');
  const frame = { widthPx, heightPx, density };
  const frameReading = AreaZoneMeter.forFrame().read(frame);
  const sum = zones.reduce((s, z) => s + new AreaZoneMeter(z as AreaZone).read(frame).count, 0);
  expect(frameReading.kind).toBe('frame');
  expect(frameReading.count).toBeCloseTo(densityMapCount(density), 2);
  // Acceptance: within 1%; exact coverage gets within float rounding.
  expect(Math.abs(sum - frameReading.count) / frameReading.count).toBeLessThan(0.01);
  expect(Math.abs(sum - frameReading.count) / frameReading.count).toBeLessThan(1e-6);
  // A fan of triangles around the same point tiles the frame too.
  const corners: PointXY[] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ];
  const fan = corners.map((a, i): AreaZone => {
    const b = corners[(i + 1) % 4]!;
    return { id: `t${i}`, kind: 'standing', space: 'image', geometry: { type: 'Polygon', rings: [[a, b, [cx, cy]]] } };
  });
  const fanSum = fan.reduce((s, z) => s + new AreaZoneMeter(z).read(frame).count, 0);
  expect(Math.abs(fanSum - frameReading.count) / frameReading.count).toBeLessThan(1e-6);
}

describe('AreaZoneMeter: zones tiling the frame sum to the frame count', () => {
  it.skipIf(!existsSync(shanghaiA1))('on ShanghaiTech part A IMG_1 (1546 heads) splatted to a density map', () => {
    const gt = JSON.parse(readFileSync(shanghaiA1, 'utf8')) as {
      width: number;
      height: number;
      count: number;
      points: number[][];
    };
    // MATLAB 1-based pixel centres -> 0-based.
    const points = gt.points.map(([x, y]): PointXY => [x! - 1, y! - 1]);
    const density = gaussianDensityMap(points, { widthPx: gt.width, heightPx: gt.height, cellPx: 8, sigmaPx: 4 });
    expect(densityMapCount(density)).toBeCloseTo(gt.count, 0);
    checkTiling(density, gt.width, gt.height, 0.43, 0.57);
  });

  it('on a synthetic clustered crowd (always runs)', () => {
    const random = seededRandom(11);
    const points: PointXY[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = 150 * Math.sqrt(random());
      const t = 2 * Math.PI * random();
      points.push([700 + r * Math.cos(t) * 2, 500 + r * Math.sin(t)]);
    }
    // 1000 px is not a multiple of the 16 px cells: the last row is partly outside the frame.
    const density = gaussianDensityMap(points, { widthPx: 1920, heightPx: 1000, cellPx: 16, sigmaPx: 5 });
    checkTiling(density, 1920, 1000, 0.3712, 0.4991);
  });
});

describe('AreaZoneMeter: persons per m² and levels', () => {
  // 1920x1080 frame, 8 px cells (240x135), 0.05 m/px: a cell is 0.4 m x 0.4 m = 0.16 m².
  // 0.48 persons per cell = 3 persons/m².
  const density = uniformMap(240, 135, 8, 0.48);
  const ground = resolveFrameGround({ widthPx: 1920, heightPx: 1080, overrides: { gsdMPerPx: 0.05 } });
  const frame = { widthPx: 1920, heightPx: 1080, density, ground };

  it('centre rectangle: 960x540 px = 48 m x 27 m = 1296 m², 3888 persons, 3/m²', () => {
    const r = new AreaZoneMeter(rectZone('centre', 0.25, 0.25, 0.75, 0.75)).read(frame);
    expect(r.count).toBeCloseTo(3888, 1);
    expect(r.areaM2).toBeCloseTo(1296, 6);
    expect(r.densityPerM2).toBeCloseTo(3, 6);
    expect(r.peakLocalDensityPerM2).toBeCloseTo(3, 5);
    expect(r.fruinLevel).toBe('D'); // queuing table: 1.54 < 3 <= 3.6
    expect(r.stillClass).toBe('capacity'); // 2.5 <= 3 < 3.5
  });

  it('a walkway zone uses the walkway table', () => {
    const r = new AreaZoneMeter(rectZone('path', 0, 0, 0.5, 0.5, { kind: 'walkway' })).read(frame);
    expect(r.fruinLevel).toBe('F'); // > 2.17
  });

  it('finds a 6/m² hot spot with the Gaussian kernel of R = 1 m', () => {
    const flat = new AreaZoneMeter(rectZone('centre', 0.25, 0.25, 0.75, 0.75)).read({
      ...frame,
      density: uniformMap(240, 135, 8, 0.48), // 0.4 m cells at 3 persons/m²
    });
    const hot = uniformMap(240, 135, 8, 0.48);
    expect(flat.peakLocalDensityPerM2).toBeCloseTo(3, 1);
    // A 4 m x 4 m patch (10 x 10 cells) at 6/m² = 0.96 per cell.
    for (let r = 40; r < 50; r++) for (let c = 85; c < 95; c++) hot.values[r * 240 + c] = 0.96;
    const r = new AreaZoneMeter(rectZone('centre', 0.25, 0.25, 0.75, 0.75)).read({ ...frame, density: hot });
    expect(r.peakLocalDensityPerM2).toBeGreaterThan(5.9);
    expect(r.peakLocalDensityPerM2).toBeLessThan(6.05);
    expect(r.count).toBeCloseTo(3888 + 100 * 0.48, 1);
  });

  it('without a ground model only the count is known', () => {
    const r = new AreaZoneMeter(rectZone('centre', 0.25, 0.25, 0.75, 0.75)).read({
      widthPx: 1920,
      heightPx: 1080,
      density,
    });
    expect(r).toEqual({ zoneId: 'centre', kind: 'area', count: expect.closeTo(3888, 1) });
  });

  it('caches the placement and answers contains() in frame pixels', () => {
    const meter = new AreaZoneMeter(rectZone('centre', 0.25, 0.25, 0.75, 0.75));
    meter.read(frame);
    expect(meter.coverage(frame)).toBe(meter.coverage(frame));
    expect(meter.contains(960, 540)).toBe(true);
    expect(meter.contains(100, 100)).toBe(false);
  });
});

describe('AreaZoneMeter: geo zones', () => {
  // Nadir at 60 m with a 24 mm eq. lens over 1920 px: 0.046875 m/px, top of the image facing north.
  const pose = { lat: 24.7136, lng: 46.6753, relativeAltitudeM: 60, focalLength35mm: 24, headingDeg: 0 };
  const site = new LocalTangentPlane([46.675, 24.713]);
  const cellM2 = (8 * 0.046875) ** 2;
  const density = uniformMap(240, 135, 8, 2 * cellM2); // 2 persons/m²
  const [e0, n0] = site.toMetres([pose.lng, pose.lat]);
  const geoSquare = (de: number, dn: number, side: number): AreaZone => ({
    id: 'plaza',
    kind: 'standing',
    space: 'geo',
    geometry: {
      type: 'Polygon',
      rings: [
        [
          [0, 0],
          [side, 0],
          [side, side],
          [0, side],
        ].map(([e, n]) => site.toLngLat([e0 + de + e!, n0 + dn + n!])),
      ],
    },
  });

  it('a 10 m x 10 m square east of the drone: 100 m², 200 persons, placed 213.3 px wide', () => {
    const ground = resolveFrameGround({ widthPx: 1920, heightPx: 1080, pose, plane: site });
    const meter = new AreaZoneMeter(geoSquare(5, -5, 10));
    const r = meter.read({ widthPx: 1920, heightPx: 1080, density, ground });
    expect(r.areaM2).toBeCloseTo(100, 6);
    expect(r.count).toBeCloseTo(200, 2);
    expect(r.densityPerM2).toBeCloseTo(2, 4);
    const [ring] = meter.ringsPx({ widthPx: 1920, heightPx: 1080, density, ground });
    const xs = ring!.map((p) => p[0]);
    expect(Math.min(...xs)).toBeCloseTo(960 + 5 / 0.046875, 6);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(10 / 0.046875, 6);
  });

  it('a zone out of view reads 0 persons and 0 m²', () => {
    const ground = resolveFrameGround({ widthPx: 1920, heightPx: 1080, pose, plane: site });
    const r = new AreaZoneMeter(geoSquare(500, 0, 10)).read({ widthPx: 1920, heightPx: 1080, density, ground });
    expect(r).toEqual({ zoneId: 'plaza', kind: 'area', count: 0, areaM2: 0 });
  });

  it('in an oblique view, the part of a zone behind the horizon is cut off', () => {
    const oblique = resolveFrameGround({
      widthPx: 1920,
      heightPx: 1080,
      pose: { ...pose, gimbalPitchDeg: -20 },
      plane: site,
    });
    // A huge square reaching far beyond the horizon in front of the camera and behind it.
    const r = new AreaZoneMeter(geoSquare(-5000, -5000, 10000)).read({
      widthPx: 1920,
      heightPx: 1080,
      density,
      ground: oblique,
    });
    expect(r.areaM2).toBeGreaterThan(0);
    expect(Number.isFinite(r.areaM2)).toBe(true);
  });

  it('without a geo-reference it says what to provide', () => {
    const ground = resolveFrameGround({ widthPx: 1920, heightPx: 1080, overrides: { gsdMPerPx: 0.05 } });
    try {
      new AreaZoneMeter(geoSquare(0, 0, 10)).read({ widthPx: 1920, heightPx: 1080, density, ground });
      expect.unreachable();
    } catch (error) {
      expect(isRaqibError(error, 'GEOREFERENCE_MISSING')).toBe(true);
      expect((error as Error).message).toBe(
        'zone "plaza" is in geo space (lon/lat) but the frame is not geo-referenced: provide a DJI .SRT next to the ' +
          'video (position, altitude, focal length), or --calibration FILE with lngLat points, or draw the zone in image space',
      );
    }
  });
});
