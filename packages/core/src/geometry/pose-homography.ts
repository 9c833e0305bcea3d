import { focalLengthPx } from './camera-model.js';
import { normalizeHomography, type Homography } from './homography.js';

const DEG = Math.PI / 180;

/** A pinhole camera above flat ground. */
export interface CameraOverGround {
  widthPx: number;
  heightPx: number;
  /** Horizontal field of view in degrees. */
  hfovDeg: number;
  /** Height of the camera above the ground plane in metres (DJI relative altitude: above take-off). */
  altitudeM: number;
  /** Camera pitch in degrees: -90 looks straight down (nadir), 0 at the horizon. Default -90. */
  pitchDeg?: number;
  /** Direction the top of the image faces, degrees clockwise from north (gimbal or aircraft yaw). Default 0. */
  yawDeg?: number;
  /**
   * Camera roll about the optical axis in degrees: positive turns the image x axis towards its y axis,
   * so the scene appears turned counter-clockwise in the image. Default 0.
   */
  rollDeg?: number;
}

type Vec3 = [number, number, number];

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Homography from image pixels to ground metres `[east, north]` for a pinhole camera over flat ground,
 * with the ground origin directly below the camera. Principal point at the image centre, square pixels,
 * no lens distortion.
 *
 * Pixels above the horizon do not hit the ground: their homogeneous weight is <= 0 (see
 * {@link homographyWeight}); callers clip ground polygons to the visible side.
 *
 * @example a nadir camera at 60 m with HFOV 84° over a 1920 px wide image maps the pixel
 * (1920, 540) to (54.03, 0): half the 108 m ground width east of the camera.
 */
export function imageToGroundFromPose(camera: CameraOverGround): Homography {
  const { widthPx, heightPx, hfovDeg, altitudeM } = camera;
  if (!(altitudeM > 0)) throw new RangeError(`camera altitude must be > 0 m above ground, got ${altitudeM}`);
  if (!(hfovDeg > 0 && hfovDeg < 180)) throw new RangeError(`HFOV must be in (0, 180) degrees, got ${hfovDeg}`);
  const pitch = (camera.pitchDeg ?? -90) * DEG;
  const yaw = (camera.yawDeg ?? 0) * DEG;
  const roll = (camera.rollDeg ?? 0) * DEG;
  const f = focalLengthPx(hfovDeg, widthPx);
  const cx = widthPx / 2;
  const cy = heightPx / 2;

  // Camera axes in east/north/up: z forward (optical axis), x to the image right, y to the image bottom.
  const forward: Vec3 = [Math.sin(yaw) * Math.cos(pitch), Math.cos(yaw) * Math.cos(pitch), Math.sin(pitch)];
  const right0: Vec3 = [Math.cos(yaw), -Math.sin(yaw), 0];
  const down0 = cross(forward, right0);
  // Roll turns the image axes about the optical axis (x towards y for positive roll).
  const cr = Math.cos(roll);
  const sr = Math.sin(roll);
  const right: Vec3 = [cr * right0[0] + sr * down0[0], cr * right0[1] + sr * down0[1], cr * right0[2] + sr * down0[2]];
  const down: Vec3 = [
    -sr * right0[0] + cr * down0[0],
    -sr * right0[1] + cr * down0[1],
    -sr * right0[2] + cr * down0[2],
  ];

  // Ray of pixel (u, v): d = right·(u-cx)/f + down·(v-cy)/f + forward = M · [u, v, 1].
  const m = (k: 0 | 1 | 2): Vec3 => [right[k] / f, down[k] / f, forward[k] - (right[k] * cx + down[k] * cy) / f];
  const mx = m(0);
  const my = m(1);
  const mz = m(2);
  // The ray from (0, 0, H) meets z = 0 at t = -H / d_z: east = -H·d_x/d_z, north = -H·d_y/d_z.
  const h = Float64Array.of(
    -altitudeM * mx[0],
    -altitudeM * mx[1],
    -altitudeM * mx[2],
    -altitudeM * my[0],
    -altitudeM * my[1],
    -altitudeM * my[2],
    mz[0],
    mz[1],
    mz[2],
  );
  // Keep the ground side positive: for visible pixels d_z < 0, so flip the sign of the whole matrix.
  for (let i = 0; i < 9; i++) h[i] = -h[i]!;
  return h[8]! > 0 ? normalizeHomography(h) : h;
}

/**
 * Homography from image pixels to ground metres `[east, north]` for a nadir camera with a known ground
 * sampling distance (no altitude/field of view needed): the image centre sits on the origin, the top of
 * the image faces `yawDeg` (clockwise from north).
 */
export function imageToGroundFromGsd(input: {
  widthPx: number;
  heightPx: number;
  gsdMPerPx: number;
  yawDeg?: number;
}): Homography {
  const { widthPx, heightPx, gsdMPerPx } = input;
  if (!(gsdMPerPx > 0)) throw new RangeError(`GSD must be > 0 m/px, got ${gsdMPerPx}`);
  const yaw = (input.yawDeg ?? 0) * DEG;
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  // Image right is (cos ψ, -sin ψ), image down is (-sin ψ, -cos ψ) in east/north.
  const g = gsdMPerPx;
  const cx = widthPx / 2;
  const cy = heightPx / 2;
  return Float64Array.of(g * c, -g * s, -g * (c * cx - s * cy), -g * s, -g * c, g * (s * cx + c * cy), 0, 0, 1);
}
