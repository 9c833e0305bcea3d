import type { CameraPose } from '../frame-analysis.js';
import { calibrationForFrameSize, type Calibration } from './calibration-file.js';
import { hfovFromFocal35mm } from './camera-model.js';
import {
  homographyLocalScale,
  homographyWeight,
  invertHomography,
  multiplyHomography,
  translateHomography,
  type Homography,
} from './homography.js';
import { LocalTangentPlane } from './local-tangent-plane.js';
import { imageToGroundFromGsd, imageToGroundFromPose } from './pose-homography.js';

/** Manual overrides from the command line (`--altitude M`, `--hfov DEG`, `--gsd M_PER_PX`). */
export interface GroundOverrides {
  /** Height above the ground in metres; replaces telemetry's relative altitude. */
  altitudeM?: number;
  /** Horizontal field of view in degrees; replaces the one derived from telemetry's focal length. */
  hfovDeg?: number;
  /** Ground sampling distance in m/px for a nadir view; replaces altitude and field of view. */
  gsdMPerPx?: number;
}

/** Everything that can tie one frame's pixels to the ground. */
export interface FrameGroundInput {
  widthPx: number;
  heightPx: number;
  /** Telemetry for this frame, if any. */
  pose?: CameraPose;
  overrides?: GroundOverrides;
  /** A fixed calibration (`--calibration FILE`): wins over telemetry. */
  calibration?: Calibration;
  /**
   * Local frame for geo-referenced ground metres. Default: a plane at the drone's position (fine, since
   * geo zones are converted through the same plane); pass one to get stable coordinates over frames.
   */
  plane?: LocalTangentPlane;
}

/** How one frame's pixels map to the ground, as far as known. */
export interface FrameGroundModel {
  source: 'calibration' | 'gsd-override' | 'telemetry' | 'none';
  /** Ground sampling distance at the image centre, m/px (absent when unknown or the centre sees sky). */
  gsdMPerPx?: number;
  /** Image px -> ground metres `[east, north]`. */
  imageToGround?: Homography;
  /** Ground metres -> image px. */
  groundToImage?: Homography;
  /** Present when the ground metres are geo-referenced: converts lon/lat to them. */
  plane?: LocalTangentPlane;
  /** Why the model is missing or partial (e.g. no heading), for a once-per-run warning. */
  note?: string;
}

function finishModel(
  source: FrameGroundModel['source'],
  imageToGround: Homography,
  input: FrameGroundInput,
  plane: LocalTangentPlane | undefined,
  note: string | undefined,
): FrameGroundModel {
  const cx = input.widthPx / 2;
  const cy = input.heightPx / 2;
  if (source === 'calibration' && homographyWeight(imageToGround, cx, cy) < 0) {
    // A fitted homography has an arbitrary overall sign; make the calibrated view's centre the ground side.
    imageToGround = imageToGround.map((v) => -v);
  }
  const model: FrameGroundModel = { source, imageToGround, groundToImage: invertHomography(imageToGround) };
  if (homographyWeight(imageToGround, cx, cy) > 0) model.gsdMPerPx = homographyLocalScale(imageToGround, cx, cy);
  if (plane) model.plane = plane;
  if (note) model.note = note;
  return model;
}

/** Moves a ground frame centred under the drone into `plane` (when the drone position is known). */
function placeInPlane(
  imageToGround: Homography,
  pose: CameraPose | undefined,
  plane: LocalTangentPlane | undefined,
): { imageToGround: Homography; plane?: LocalTangentPlane } {
  if (pose?.lat === undefined || pose.lng === undefined) return { imageToGround };
  const target = plane ?? new LocalTangentPlane([pose.lng, pose.lat]);
  const [east, north] = target.toMetres([pose.lng, pose.lat]);
  return { imageToGround: multiplyHomography(translateHomography(east, north), imageToGround), plane: target };
}

/**
 * Resolves how a frame's pixels map to the ground, in this order:
 * 1. a calibration file (fixed homography, geo-referenced when its points were lon/lat);
 * 2. `--gsd` (nadir view at that scale; geo-referenced with telemetry position and yaw);
 * 3. telemetry and/or `--altitude`/`--hfov` (pinhole camera over flat ground: altitude, field of view
 *    from the focal length, gimbal pitch/yaw; nadir and north-up when those are missing).
 * Returns `source: 'none'` with a `note` saying what is missing when nothing applies.
 */
export function resolveFrameGround(input: FrameGroundInput): FrameGroundModel {
  const { pose, overrides = {}, calibration } = input;
  if (calibration) {
    const h = calibrationForFrameSize(calibration, input.widthPx, input.heightPx);
    return finishModel('calibration', h, input, calibration.plane, undefined);
  }
  const yawDeg = pose?.gimbalYawDeg ?? pose?.headingDeg;
  const positioned = pose?.lat !== undefined && pose.lng !== undefined;
  const yawNote =
    positioned && yawDeg === undefined
      ? 'telemetry has no gimbal yaw or heading: assuming the top of the image faces north'
      : undefined;

  if (overrides.gsdMPerPx !== undefined) {
    const local = imageToGroundFromGsd({
      widthPx: input.widthPx,
      heightPx: input.heightPx,
      gsdMPerPx: overrides.gsdMPerPx,
      ...(yawDeg !== undefined ? { yawDeg } : {}),
    });
    const placed = placeInPlane(local, pose, input.plane);
    return finishModel('gsd-override', placed.imageToGround, input, placed.plane, yawNote);
  }

  const altitudeM = overrides.altitudeM ?? pose?.relativeAltitudeM;
  const hfovDeg =
    overrides.hfovDeg ?? (pose?.focalLength35mm !== undefined ? hfovFromFocal35mm(pose.focalLength35mm) : undefined);
  if (altitudeM === undefined || hfovDeg === undefined) {
    const missing = [
      altitudeM === undefined ? 'altitude (--altitude M)' : undefined,
      hfovDeg === undefined ? 'field of view (--hfov DEG)' : undefined,
    ].filter((s) => s !== undefined);
    return {
      source: 'none',
      note: `no ground scale: ${missing.join(' and ')} unknown; give them, or --gsd M_PER_PX, or --calibration FILE`,
    };
  }
  if (!(altitudeM > 0)) {
    return {
      source: 'none',
      note: `no ground scale: altitude ${altitudeM} m is not above the ground; pass --altitude M`,
    };
  }
  const pitchDeg = pose?.gimbalPitchDeg ?? -90;
  if (pitchDeg >= 0) {
    return { source: 'none', note: `no ground scale: gimbal pitch ${pitchDeg}° looks at or above the horizon` };
  }
  const local = imageToGroundFromPose({
    widthPx: input.widthPx,
    heightPx: input.heightPx,
    hfovDeg,
    altitudeM,
    pitchDeg,
    ...(yawDeg !== undefined ? { yawDeg } : {}),
    ...(pose?.gimbalRollDeg !== undefined ? { rollDeg: pose.gimbalRollDeg } : {}),
  });
  const placed = placeInPlane(local, pose, input.plane);
  return finishModel('telemetry', placed.imageToGround, input, placed.plane, yawNote);
}
