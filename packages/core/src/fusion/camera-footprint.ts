import { applyHomography, homographyWeight, type Homography } from '../geometry/homography.js';
import { clipRingToHalfPlane, clipRingToRect, type PointXY } from '../geometry/polygon.js';
import { counterClockwise } from './convex-pieces.js';

/** Options of {@link cameraFootprint}. */
export interface CameraFootprintOptions {
  /**
   * Ground kept around `centreM` (a square of ±this many metres): an oblique view reaching the horizon
   * would otherwise have an unbounded footprint, and people that far away are a few pixels at most.
   * Default 500.
   */
  maxRangeM?: number;
  /** Where the range square is centred; default the ground point of the image centre. */
  centreM?: PointXY;
}

/**
 * The ground seen by a frame: the image rectangle mapped through its image -> ground homography, as a
 * counter-clockwise convex ring in ground metres `[east, north]`. The part of the image at or above the
 * horizon is cut off first (pixels whose homogeneous weight is below 1/1000 of the image centre's, i.e.
 * roughly more than 1000 times as far as the centre), then the ground beyond `maxRangeM`.
 * Empty when the image centre does not see the ground.
 *
 * @example a nadir camera at 40 m with HFOV 73.74° over 1920x1080 px sees a 60 x 33.75 m rectangle.
 */
export function cameraFootprint(
  imageToGround: Homography,
  widthPx: number,
  heightPx: number,
  options: CameraFootprintOptions = {},
): PointXY[] {
  const cx = widthPx / 2;
  const cy = heightPx / 2;
  const centreWeight = homographyWeight(imageToGround, cx, cy);
  if (!(centreWeight > 0)) return [];
  const image: PointXY[] = [
    [0, 0],
    [widthPx, 0],
    [widthPx, heightPx],
    [0, heightPx],
  ];
  // Keep w(u, v) = h6·u + h7·v + h8 >= centreWeight / 1000: a half-plane in pixels.
  const visible = clipRingToHalfPlane(
    image,
    imageToGround[6]!,
    imageToGround[7]!,
    imageToGround[8]! - centreWeight / 1000,
  );
  if (visible.length < 3) return [];
  const ground = visible.map((p) => applyHomography(imageToGround, p));
  const rangeM = options.maxRangeM ?? 500;
  const [ex, ny] = options.centreM ?? applyHomography(imageToGround, [cx, cy]);
  const clipped = clipRingToRect(ground, ex - rangeM, ny - rangeM, ex + rangeM, ny + rangeM);
  return clipped.length >= 3 ? counterClockwise(clipped) : [];
}
