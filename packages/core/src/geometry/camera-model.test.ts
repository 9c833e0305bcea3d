import { describe, expect, it } from 'vitest';
import { focal35mmFromHfov, gsdFromAltitude, gsdFromSensor, groundWidthM, hfovFromFocal35mm } from './camera-model.js';
import { applyHomography, homographyWeight } from './homography.js';
import { bearingDeg, groundDistanceM, LocalTangentPlane } from './local-tangent-plane.js';
import { imageToGroundFromGsd, imageToGroundFromPose } from './pose-homography.js';

describe('camera model', () => {
  it('GSD at 60 m, HFOV 84°, 1920 px is ~5.6 cm/px (docs/CROWD-SAFETY.md example)', () => {
    // tan(42°) = 0.900404044; ground width = 2·60·0.900404044 = 108.0485 m; / 1920 = 0.0562753 m/px.
    expect(groundWidthM(60, 84)).toBeCloseTo(108.0485, 4);
    expect(gsdFromAltitude({ altitudeM: 60, hfovDeg: 84, imageWidthPx: 1920 })).toBeCloseTo(0.0562753, 7);
    // Halving the altitude or doubling the width (4K) halves it to ~2.8 cm/px.
    expect(gsdFromAltitude({ altitudeM: 30, hfovDeg: 84, imageWidthPx: 1920 })).toBeCloseTo(0.0281376, 7);
    expect(gsdFromAltitude({ altitudeM: 60, hfovDeg: 84, imageWidthPx: 3840 })).toBeCloseTo(0.0281376, 7);
  });

  it('HFOV from a 35 mm-equivalent focal length: 24 mm -> 2·atan(36/48) = 73.74°', () => {
    expect(hfovFromFocal35mm(24)).toBeCloseTo(73.739795, 5);
    expect(hfovFromFocal35mm(18)).toBeCloseTo(90, 10); // 2·atan(1)
    expect(focal35mmFromHfov(90)).toBeCloseTo(18, 10);
    // 24 mm eq. at 60 m over 1920 px: ground width 2·60·0.75 = 90 m -> 0.046875 m/px exactly.
    expect(gsdFromAltitude({ altitudeM: 60, hfovDeg: hfovFromFocal35mm(24), imageWidthPx: 1920 })).toBeCloseTo(
      0.046875,
      12,
    );
  });

  it('GSD from the physical sensor: 13.2 mm · 100 m / (8.8 mm · 5472 px) = 0.027412 m/px', () => {
    expect(gsdFromSensor({ sensorWidthMm: 13.2, focalLengthMm: 8.8, altitudeM: 100, imageWidthPx: 5472 })).toBeCloseTo(
      0.0274123,
      7,
    );
  });

  it('rejects impossible inputs', () => {
    expect(() => gsdFromAltitude({ altitudeM: 0, hfovDeg: 84, imageWidthPx: 1920 })).toThrow(/altitude/);
    expect(() => hfovFromFocal35mm(-5)).toThrow(/focal/);
  });
});

describe('LocalTangentPlane', () => {
  it('uses WGS84 radii: 1° of latitude is 110 574 m at the equator, 111 412 m at 60°', () => {
    expect(new LocalTangentPlane([0, 0]).metresPerDegLat).toBeCloseTo(110574.27, 1);
    expect(new LocalTangentPlane([0, 0]).metresPerDegLng).toBeCloseTo(111319.49, 1);
    expect(new LocalTangentPlane([10, 60]).metresPerDegLat).toBeCloseTo(111412.2, 0);
    expect(new LocalTangentPlane([10, 60]).metresPerDegLng).toBeCloseTo(55800, -1);
  });

  it('round-trips lon/lat <-> metres', () => {
    const plane = new LocalTangentPlane([39.8262, 21.4225]);
    const [e, n] = plane.toMetres([39.8272, 21.4215]);
    expect(e).toBeGreaterThan(100);
    expect(n).toBeLessThan(-100);
    const [lng, lat] = plane.toLngLat([e, n]);
    expect(lng).toBeCloseTo(39.8272, 12);
    expect(lat).toBeCloseTo(21.4215, 12);
  });

  it('bearing and distance', () => {
    expect(bearingDeg([4, 52], [4, 52.001])).toBeCloseTo(0, 9);
    expect(bearingDeg([4, 52], [4.001, 52])).toBeCloseTo(90, 9);
    expect(bearingDeg([4, 52], [3.999, 52])).toBeCloseTo(270, 9);
    expect(groundDistanceM([0, 0], [0, 0.001])).toBeCloseTo(110.574, 3);
  });
});

describe('image -> ground from pose', () => {
  const base = { widthPx: 1920, heightPx: 1080, hfovDeg: 84, altitudeM: 60 };
  const half = 540 * 0.0562752528; // metres from the centre to the top edge at nadir

  const cases: [
    string,
    Partial<typeof base> & { pitchDeg?: number; yawDeg?: number; rollDeg?: number },
    [number, number],
    [number, number],
  ][] = [
    ['nadir, right edge is east', {}, [1920, 540], [54.0242, 0]],
    ['nadir, top edge is north', {}, [960, 0], [0, half]],
    ['nadir facing east, top edge is east', { yawDeg: 90 }, [960, 0], [half, 0]],
    ['nadir facing east, right edge is south', { yawDeg: 90 }, [1920, 540], [0, -54.0242]],
    ['nadir rolled 90°, the top edge shows east', { rollDeg: 90 }, [960, 0], [half, 0]],
    ['pitch -45°, centre hits 60 m ahead', { pitchDeg: -45 }, [960, 540], [0, 60]],
    ['pitch -45° facing west, centre hits 60 m west', { pitchDeg: -45, yawDeg: 270 }, [960, 540], [-60, 0]],
    ['pitch -30°, centre at H/tan 30° = 103.92 m', { pitchDeg: -30 }, [960, 540], [0, 103.923]],
  ];
  it.each(cases)('%s', (_name, camera, pixel, ground) => {
    const h = imageToGroundFromPose({ ...base, ...camera });
    const [e, n] = applyHomography(h, pixel);
    expect(e).toBeCloseTo(ground[0], 3);
    expect(n).toBeCloseTo(ground[1], 3);
  });

  it('marks pixels above the horizon with a non-positive weight', () => {
    const h = imageToGroundFromPose({ ...base, pitchDeg: -10 });
    expect(homographyWeight(h, 960, 0)).toBeLessThan(0);
    expect(homographyWeight(h, 960, 1080)).toBeGreaterThan(0);
  });

  it('agrees with the GSD-only nadir model', () => {
    const gsd = gsdFromAltitude({ altitudeM: 60, hfovDeg: 84, imageWidthPx: 1920 });
    for (const yawDeg of [0, 37, 200]) {
      const a = imageToGroundFromPose({ ...base, yawDeg });
      const b = imageToGroundFromGsd({ widthPx: 1920, heightPx: 1080, gsdMPerPx: gsd, yawDeg });
      for (const p of [
        [0, 0],
        [1919, 17],
        [640, 1000],
      ] as const) {
        const pa = applyHomography(a, p);
        const pb = applyHomography(b, p);
        expect(pa[0]).toBeCloseTo(pb[0], 9);
        expect(pa[1]).toBeCloseTo(pb[1], 9);
      }
    }
  });
});
