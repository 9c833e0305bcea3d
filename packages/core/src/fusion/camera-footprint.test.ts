import { describe, expect, it } from 'vitest';
import { hfovFromFocal35mm } from '../geometry/camera-model.js';
import { applyHomography } from '../geometry/homography.js';
import { pointBounds, ringArea } from '../geometry/polygon.js';
import { imageToGroundFromPose, type CameraOverGround } from '../geometry/pose-homography.js';
import { cameraFootprint } from './camera-footprint.js';

// 40 m above ground, HFOV 2·atan(0.75) = 73.74° (24 mm eq.), 1920x1080: ground width 2·40·0.75 = 60 m.
const camera: CameraOverGround = { widthPx: 1920, heightPx: 1080, hfovDeg: hfovFromFocal35mm(24), altitudeM: 40 };

describe('cameraFootprint', () => {
  it('nadir, north up: a 60 x 33.75 m rectangle centred below the drone', () => {
    const ring = cameraFootprint(imageToGroundFromPose(camera), 1920, 1080);
    const b = pointBounds(ring);
    expect([b.minX, b.maxX, b.minY, b.maxY].map((v) => +v.toFixed(6))).toEqual([-30, 30, -16.875, 16.875]);
    expect(ringArea(ring)).toBeCloseTo(2025, 6);
  });

  it('yaw 90° (image top faces east): the long side runs north-south', () => {
    const b = pointBounds(cameraFootprint(imageToGroundFromPose({ ...camera, yawDeg: 90 }), 1920, 1080));
    expect(b.maxX - b.minX).toBeCloseTo(33.75, 6);
    expect(b.maxY - b.minY).toBeCloseTo(60, 6);
  });

  it('pitch -45°: a trapezoid ahead of the drone, wider at the far edge', () => {
    const h = imageToGroundFromPose({ ...camera, pitchDeg: -45 });
    const ring = cameraFootprint(h, 1920, 1080);
    expect(ring).toHaveLength(4);
    const near = Math.hypot(...sub(applyHomography(h, [1920, 1080]), applyHomography(h, [0, 1080])));
    const far = Math.hypot(...sub(applyHomography(h, [1920, 0]), applyHomography(h, [0, 0])));
    expect(far).toBeGreaterThan(1.5 * near);
    // The image centre looks 40 m ahead (tan 45°) and lies inside the footprint.
    const centre = applyHomography(h, [960, 540]);
    expect(centre[1]).toBeCloseTo(40, 6);
    expect(pointBounds(ring).minY).toBeGreaterThan(0);
    expect(ringArea(ring)).toBeGreaterThan(2025);
  });

  it('a view over the horizon is cut at the horizon and at maxRangeM around the image centre', () => {
    // Pitch -20°: the top of the image is ~3° above the horizon.
    const h = imageToGroundFromPose({ ...camera, pitchDeg: -20 });
    const ring = cameraFootprint(h, 1920, 1080, { maxRangeM: 300 });
    const centre = applyHomography(h, [960, 540]);
    expect(centre[1]).toBeCloseTo(40 / Math.tan((20 * Math.PI) / 180), 6);
    const b = pointBounds(ring);
    expect(b.maxY).toBeCloseTo(centre[1] + 300, 6);
    expect(b.minY).toBeGreaterThan(0);
    expect(ring.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
  });

  it('is empty when the image centre does not see the ground', () => {
    expect(cameraFootprint(imageToGroundFromPose({ ...camera, pitchDeg: 10 }), 1920, 1080)).toEqual([]);
  });
});

function sub(a: readonly number[], b: readonly number[]): [number, number] {
  return [a[0]! - b[0]!, a[1]! - b[1]!];
}
