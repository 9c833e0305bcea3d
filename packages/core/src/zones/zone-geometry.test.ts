import { describe, expect, it } from 'vitest';
import { resolveFrameGround } from '../geometry/frame-ground-model.js';
import { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import { isRaqibError } from '../raqib-error.js';
import type { AreaZone, LineZone } from './zone.js';
import { lineZoneLengthM, zoneLinePx, zoneRingsPx } from './zone-geometry.js';

const size = { widthPx: 1920, heightPx: 1080 };
const gsdGround = resolveFrameGround({ ...size, overrides: { gsdMPerPx: 0.05 } });

const imageLine: LineZone = {
  id: 'gate-a',
  kind: 'gate',
  space: 'image',
  geometry: {
    type: 'LineString',
    points: [
      [0.1, 0.9],
      [0.6, 0.9],
    ],
  },
};

describe('zone geometry in frame pixels', () => {
  it('scales image lines to pixels', () => {
    expect(zoneLinePx(imageLine, size)).toEqual([
      [192, 972],
      [1152, 972],
    ]);
  });

  it('line length: from the file, else measured through the ground model (960 px · 0.05 m/px = 48 m)', () => {
    expect(lineZoneLengthM({ ...imageLine, lengthM: 6.5 }, size)).toBe(6.5);
    expect(lineZoneLengthM(imageLine, { ...size, ground: gsdGround })).toBeCloseTo(48, 9);
    expect(lineZoneLengthM(imageLine, size)).toBeUndefined();
  });

  it('geo lines: length on the ground, pixels through the telemetry model', () => {
    const pose = { lat: 24.7136, lng: 46.6753, relativeAltitudeM: 60, focalLength35mm: 24, headingDeg: 0 };
    const site = new LocalTangentPlane([pose.lng, pose.lat]);
    const line: LineZone = {
      ...imageLine,
      space: 'geo',
      geometry: { type: 'LineString', points: [site.toLngLat([-6, 3]), site.toLngLat([6, 3])] },
    };
    const ground = resolveFrameGround({ ...size, pose, plane: site });
    expect(lineZoneLengthM(line, { ...size, ground })).toBeCloseTo(12, 9);
    // 0.046875 m/px: ±6 m is ±128 px around x = 960; 3 m north is 64 px above y = 540.
    const px = zoneLinePx(line, { ...size, ground })!;
    expect(px[0]![0]).toBeCloseTo(832, 6);
    expect(px[1]![0]).toBeCloseTo(1088, 6);
    expect(px[0]![1]).toBeCloseTo(476, 6);
    expect(() => zoneLinePx(line, { ...size, ground: gsdGround })).toThrow(/not geo-referenced/);
  });

  it('clips image rings to the frame and keeps holes', () => {
    const zone: AreaZone = {
      id: 'a',
      kind: 'standing',
      space: 'image',
      geometry: {
        type: 'Polygon',
        rings: [
          [
            [0, 0],
            [0.5, 0],
            [0.5, 0.5],
            [0, 0.5],
          ],
          [
            [0.1, 0.1],
            [0.2, 0.1],
            [0.2, 0.2],
          ],
        ],
      },
    };
    const rings = zoneRingsPx(zone, size);
    expect(rings).toHaveLength(2);
    expect(rings[0]).toContainEqual([960, 540]);
  });

  it('geo areas need a geo-referenced frame', () => {
    const zone: AreaZone = {
      id: 'plaza',
      kind: 'standing',
      space: 'geo',
      geometry: {
        type: 'Polygon',
        rings: [
          [
            [46.1, 24.1],
            [46.2, 24.1],
            [46.2, 24.2],
          ],
        ],
      },
    };
    let code = '';
    try {
      zoneRingsPx(zone, size);
    } catch (error) {
      if (isRaqibError(error)) code = error.code;
    }
    expect(code).toBe('GEOREFERENCE_MISSING');
  });
});
