const DEG = Math.PI / 180;

/** Width of the 35 mm film frame that "35 mm-equivalent" focal lengths refer to, in millimetres. */
export const FULL_FRAME_WIDTH_MM = 36;

/**
 * Horizontal field of view in degrees from a 35 mm-equivalent focal length (what DJI reports):
 * HFOV = 2·atan(36 / (2·f_eq)). Uses the 36 mm frame width, so it assumes the video uses the sensor's
 * full width; DJI's published "FOV 84°" for a 24 mm lens is the diagonal, this gives ~73.7° horizontally.
 *
 * @example hfovFromFocal35mm(24) // ≈ 73.74
 */
export function hfovFromFocal35mm(focalLength35mm: number): number {
  if (!(focalLength35mm > 0)) throw new RangeError(`focal length must be > 0 mm, got ${focalLength35mm}`);
  return (2 * Math.atan(FULL_FRAME_WIDTH_MM / (2 * focalLength35mm))) / DEG;
}

/** Inverse of {@link hfovFromFocal35mm}: the 35 mm-equivalent focal length of a horizontal field of view. */
export function focal35mmFromHfov(hfovDeg: number): number {
  if (!(hfovDeg > 0 && hfovDeg < 180)) throw new RangeError(`HFOV must be in (0, 180) degrees, got ${hfovDeg}`);
  return FULL_FRAME_WIDTH_MM / (2 * Math.tan((hfovDeg * DEG) / 2));
}

/** Focal length in pixels of a pinhole camera whose image is `imageWidthPx` wide and spans `hfovDeg`. */
export function focalLengthPx(hfovDeg: number, imageWidthPx: number): number {
  return imageWidthPx / 2 / Math.tan((hfovDeg * DEG) / 2);
}

/**
 * Ground width seen by a nadir camera over flat ground: 2·H·tan(HFOV/2), in metres.
 *
 * @example groundWidthM(60, 84) // ≈ 108.05
 */
export function groundWidthM(altitudeM: number, hfovDeg: number): number {
  return 2 * altitudeM * Math.tan((hfovDeg * DEG) / 2);
}

/**
 * Ground sampling distance (metres per pixel) of a nadir camera over flat ground, from height above
 * ground, horizontal field of view and image width. Altitude errors carry through linearly (a 10%
 * altitude error is a 10% GSD error and ~20% in persons/m²).
 *
 * @example gsdFromAltitude({ altitudeM: 60, hfovDeg: 84, imageWidthPx: 1920 }) // ≈ 0.05628
 */
export function gsdFromAltitude(input: { altitudeM: number; hfovDeg: number; imageWidthPx: number }): number {
  const { altitudeM, hfovDeg, imageWidthPx } = input;
  if (!(altitudeM > 0)) throw new RangeError(`altitude must be > 0 m above ground, got ${altitudeM}`);
  if (!(hfovDeg > 0 && hfovDeg < 180)) throw new RangeError(`HFOV must be in (0, 180) degrees, got ${hfovDeg}`);
  if (!(imageWidthPx > 0)) throw new RangeError(`image width must be > 0 px, got ${imageWidthPx}`);
  return groundWidthM(altitudeM, hfovDeg) / imageWidthPx;
}

/**
 * Ground sampling distance (m/px) of a nadir camera from the physical sensor:
 * GSD = sensor_width_mm · H / (focal_length_mm · image_width_px).
 *
 * @example gsdFromSensor({ sensorWidthMm: 13.2, focalLengthMm: 8.8, altitudeM: 100, imageWidthPx: 5472 }) // ≈ 0.0274
 */
export function gsdFromSensor(input: {
  sensorWidthMm: number;
  focalLengthMm: number;
  altitudeM: number;
  imageWidthPx: number;
}): number {
  const { sensorWidthMm, focalLengthMm, altitudeM, imageWidthPx } = input;
  if (!(sensorWidthMm > 0 && focalLengthMm > 0 && imageWidthPx > 0)) {
    throw new RangeError('sensor width, focal length and image width must all be > 0');
  }
  if (!(altitudeM > 0)) throw new RangeError(`altitude must be > 0 m above ground, got ${altitudeM}`);
  return (sensorWidthMm * altitudeM) / (focalLengthMm * imageWidthPx);
}
