import { z } from 'zod';
import { RaqibError } from '../raqib-error.js';
import { estimateHomographyRansac, transferRmse } from './homography-estimation.js';
import {
  homographyWeight,
  invertHomography,
  multiplyHomography,
  scaleHomography,
  type Homography,
} from './homography.js';
import { LocalTangentPlane } from './local-tangent-plane.js';
import type { PointXY } from './polygon.js';
import { parseJsonText, schemaErrorMessage } from './schema-issue.js';

const finite = z.number().finite();
const pair = z.tuple([finite, finite]);

const pointSchema = z
  .object({
    image: pair.describe('Pixel [x, y] in the calibration image (origin top-left, x right, y down).'),
    ground: pair.optional().describe('Ground position [east, north] in metres in any local frame.'),
    lngLat: z
      .tuple([finite.min(-180).max(180), finite.min(-90).max(90)])
      .optional()
      .describe('Ground position [longitude, latitude] in degrees (GeoJSON order).'),
    name: z.string().optional().describe('Label of the control point, for your own reference.'),
  })
  .strict();

/** The `--calibration FILE` schema: ground control points pairing image pixels with ground positions. */
export const calibrationFileSchema = z
  .object({
    points: z
      .array(pointSchema)
      .min(4, 'needs at least 4 ground control points')
      .max(1000)
      .describe('Ground control points; at least 4, not 3 on one line, spread over the area of interest.'),
    imageSize: z
      .tuple([finite.positive(), finite.positive()])
      .optional()
      .describe('[width, height] of the image the pixels were measured in; lets the video be another size.'),
    ransacThresholdPx: finite
      .positive()
      .default(5)
      .describe('A point whose reprojection misses by more pixels than this is ignored as an outlier.'),
  })
  .strict();

const CALIBRATION_FORMAT_HINT =
  'expected {"points": [{"image": [x, y], "ground": [east_m, north_m]} or {"image": [x, y], "lngLat": [lng, lat]}, ...]}';

/** A parsed and fitted camera calibration: image pixels <-> ground plane. */
export interface Calibration {
  /** Image px -> ground metres `[east, north]` (in `plane` when the points were lon/lat). */
  imageToGround: Homography;
  /** Ground metres -> image px. */
  groundToImage: Homography;
  /** Set when the points were given as lon/lat: the local frame the ground metres are in. */
  plane?: LocalTangentPlane;
  /** Image size the pixels refer to, when the file gave it. */
  imageSize?: readonly [widthPx: number, heightPx: number];
  /** RMS distance between the image points and their ground points mapped back into the image (inliers), px. */
  reprojectionErrorPx: number;
  /** RMS distance between the ground points and their image points mapped to the ground (inliers), metres. */
  reprojectionErrorM: number;
  /** `inliers[i]` is false for points rejected as outliers. */
  inliers: boolean[];
  /** Indices of rejected points (empty when all agree). */
  outlierIndices: number[];
}

/**
 * Parses and fits a calibration file (JSON):
 * `{"points":[{"image":[x,y],"ground":[east_m,north_m]} | {"image":[x,y],"lngLat":[lng,lat]}, ...],
 *   "imageSize":[w,h]?, "ransacThresholdPx": 5?}`.
 * The homography is fitted by normalised DLT inside RANSAC (seeded, reproducible) on the image-space
 * reprojection error. Throws `CALIBRATION_INVALID` naming the file and field at fault.
 */
export function parseCalibration(text: string, fileName: string): Calibration {
  const json = parseJsonText(text, fileName);
  if (!json.ok) throw new RaqibError('CALIBRATION_INVALID', `${json.message}; ${CALIBRATION_FORMAT_HINT}`);
  const parsed = calibrationFileSchema.safeParse(json.value);
  if (!parsed.success) {
    throw new RaqibError(
      'CALIBRATION_INVALID',
      schemaErrorMessage(fileName, parsed.error, json.value, CALIBRATION_FORMAT_HINT),
    );
  }
  const file = parsed.data;
  const bad = (message: string): never => {
    throw new RaqibError('CALIBRATION_INVALID', `${fileName}: ${message}`);
  };

  const geo = file.points[0]!.lngLat !== undefined;
  file.points.forEach((p, i) => {
    if (p.ground && p.lngLat) bad(`points[${i}]: give either "ground" or "lngLat", not both`);
    if (!p.ground && !p.lngLat) bad(`points[${i}]: missing "ground" ([east, north] metres) or "lngLat" ([lng, lat])`);
    if ((p.lngLat !== undefined) !== geo) {
      bad(`points[${i}]: mixes "ground" and "lngLat" points; use one kind for all points`);
    }
    if (file.imageSize) {
      const [w, h] = file.imageSize;
      const [x, y] = p.image;
      if (x < 0 || y < 0 || x > w || y > h) bad(`points[${i}].image: [${x}, ${y}] lies outside imageSize [${w}, ${h}]`);
    }
  });

  let plane: LocalTangentPlane | undefined;
  let groundPts: PointXY[];
  if (geo) {
    const lngLats = file.points.map((p) => p.lngLat!);
    const lng = lngLats.reduce((s, p) => s + p[0], 0) / lngLats.length;
    const lat = lngLats.reduce((s, p) => s + p[1], 0) / lngLats.length;
    plane = new LocalTangentPlane([lng, lat]);
    groundPts = lngLats.map((p) => plane!.toMetres(p));
  } else {
    groundPts = file.points.map((p) => p.ground!);
  }
  const imagePts: PointXY[] = file.points.map((p) => p.image);

  // Fit ground -> image so that RANSAC measures the error in pixels.
  const fit = estimateHomographyRansac(groundPts, imagePts, { thresholdDst: file.ransacThresholdPx, seed: 1 });
  if (!fit) {
    return bad(
      `points: no homography fits at least 4 of the ${file.points.length} points within ${file.ransacThresholdPx} px; ` +
        'check that no 3 points lie on one line and that each image pixel matches its ground position',
    );
  }
  const groundToImage = fit.homography;
  let imageToGround: Homography;
  try {
    imageToGround = invertHomography(groundToImage);
  } catch {
    return bad('points: the fitted homography is singular; spread the points over the area');
  }
  checkOneSideOfHorizon(imageToGround, imagePts, fit.inliers, bad);
  const outlierIndices = fit.inliers.flatMap((ok, i) => (ok ? [] : [i]));
  return {
    imageToGround,
    groundToImage,
    ...(plane ? { plane } : {}),
    ...(file.imageSize ? { imageSize: file.imageSize } : {}),
    reprojectionErrorPx: fit.rmseDst,
    reprojectionErrorM: transferRmse(imageToGround, imagePts, groundPts, fit.inliers),
    inliers: fit.inliers,
    outlierIndices,
  };
}

/**
 * Every control point of a real view lies on the ground side of the image's horizon, so the image ->
 * ground map has the same sign of `w` at all of them. A "bowtie" - the points taken in one order in
 * the image and another on the ground, so that the outline through them crosses itself on one side
 * only - still fits a homography exactly, but one that folds the image over its horizon: the frame
 * centre maps to infinity and no GSD or area comes out. That is an error in the file, said here.
 */
function checkOneSideOfHorizon(
  imageToGround: Homography,
  imagePts: readonly PointXY[],
  inliers: readonly boolean[],
  bad: (message: string) => never,
): void {
  const weights = imagePts.map(([x, y], i) => (inliers[i] ? homographyWeight(imageToGround, x, y) : 0));
  const positive = weights.flatMap((w, i) => (w > 0 ? [i] : []));
  const negative = weights.flatMap((w, i) => (inliers[i] && w <= 0 ? [i] : []));
  if (positive.length === 0 || negative.length === 0) return;
  const names = (indices: number[]) => indices.map((i) => `[${i}]`).join(', ');
  bad(
    `points: the fit folds the image over its horizon (points ${names(positive)} on one side, ${names(negative)} on the other): ` +
      'the points are in a different order in the image than on the ground (their outline crosses itself in one and not the other); ' +
      'pair each image pixel with the ground position of the same mark',
  );
}

/**
 * The calibration's image -> ground homography for frames of another size (the calibration image and
 * the video must show the same view, only scaled).
 */
export function calibrationForFrameSize(calibration: Calibration, widthPx: number, heightPx: number): Homography {
  if (!calibration.imageSize) return calibration.imageToGround;
  const [w, h] = calibration.imageSize;
  if (w === widthPx && h === heightPx) return calibration.imageToGround;
  return multiplyHomography(calibration.imageToGround, scaleHomography(w / widthPx, h / heightPx));
}
