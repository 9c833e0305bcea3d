import { describe, expect, it } from 'vitest';
import { parseCalibration } from './calibration-file.js';
import { resolveFrameGround } from './frame-ground-model.js';
import { applyHomography } from './homography.js';
import { LocalTangentPlane } from './local-tangent-plane.js';

const size = { widthPx: 1920, heightPx: 1080 };

describe('resolveFrameGround', () => {
  it('telemetry: 60 m with a 24 mm eq. lens over 1920 px -> 0.046875 m/px (90 m / 1920 px)', () => {
    const g = resolveFrameGround({ ...size, pose: { relativeAltitudeM: 60, focalLength35mm: 24 } });
    expect(g.source).toBe('telemetry');
    expect(g.gsdMPerPx).toBeCloseTo(0.046875, 12);
    expect(g.plane).toBeUndefined();
  });

  it('--altitude and --hfov override telemetry', () => {
    const pose = { relativeAltitudeM: 60, focalLength35mm: 24 };
    expect(resolveFrameGround({ ...size, pose, overrides: { altitudeM: 30 } }).gsdMPerPx).toBeCloseTo(0.0234375, 12);
    expect(resolveFrameGround({ ...size, pose, overrides: { hfovDeg: 84 } }).gsdMPerPx).toBeCloseTo(0.0562753, 7);
    // Without any telemetry the two overrides are enough.
    expect(resolveFrameGround({ ...size, overrides: { altitudeM: 60, hfovDeg: 84 } }).gsdMPerPx).toBeCloseTo(
      0.0562753,
      7,
    );
  });

  it('--gsd wins over altitude and field of view', () => {
    const g = resolveFrameGround({
      ...size,
      pose: { relativeAltitudeM: 60, focalLength35mm: 24 },
      overrides: { gsdMPerPx: 0.03 },
    });
    expect(g.source).toBe('gsd-override');
    expect(g.gsdMPerPx).toBeCloseTo(0.03, 12);
  });

  it('says what is missing', () => {
    const g = resolveFrameGround({ ...size, pose: { relativeAltitudeM: 60 } });
    expect(g.source).toBe('none');
    expect(g.note).toBe(
      'no ground scale: field of view (--hfov DEG) unknown; give them, or --gsd M_PER_PX, or --calibration FILE',
    );
    expect(resolveFrameGround(size).note).toContain('altitude (--altitude M) and field of view (--hfov DEG) unknown');
  });

  it('geo-references with position and heading: the image top faces the heading', () => {
    const pose = { lat: 21.4225, lng: 39.8262, relativeAltitudeM: 60, focalLength35mm: 24, headingDeg: 90 };
    const plane = new LocalTangentPlane([39.82, 21.42]);
    const g = resolveFrameGround({ ...size, pose, plane });
    expect(g.plane).toBe(plane);
    const [e0, n0] = plane.toMetres([pose.lng, pose.lat]);
    const centre = applyHomography(g.imageToGround!, [960, 540]);
    expect(centre[0]).toBeCloseTo(e0, 6);
    expect(centre[1]).toBeCloseTo(n0, 6);
    // Top-centre pixel: 540 px · 0.046875 = 25.3125 m east of the drone.
    const top = applyHomography(g.imageToGround!, [960, 0]);
    expect(top[0] - e0).toBeCloseTo(25.3125, 6);
    expect(top[1] - n0).toBeCloseTo(0, 6);
    expect(g.note).toBeUndefined();
  });

  it('warns when position is known but heading is not', () => {
    const g = resolveFrameGround({ ...size, pose: { lat: 1, lng: 2, relativeAltitudeM: 50, focalLength35mm: 24 } });
    expect(g.note).toBe('telemetry has no gimbal yaw or heading: assuming the top of the image faces north');
  });

  it('a calibration wins over telemetry', () => {
    const points = [
      { image: [0, 0], ground: [0, 20] },
      { image: [1920, 0], ground: [40, 20] },
      { image: [1920, 1080], ground: [40, 0] },
      { image: [0, 1080], ground: [0, 0] },
    ];
    const cal = parseCalibration(JSON.stringify({ points }), 'cal.json');
    const g = resolveFrameGround({ ...size, calibration: cal, pose: { relativeAltitudeM: 60, focalLength35mm: 24 } });
    expect(g.source).toBe('calibration');
    // 40 m over 1920 px and 20 m over 1080 px: GSD = √(40/1920 · 20/1080).
    expect(g.gsdMPerPx).toBeCloseTo(Math.sqrt((40 / 1920) * (20 / 1080)), 9);
  });
});
