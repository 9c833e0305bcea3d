import type { DensityMap } from '../density-map.js';
import type { CameraPose } from '../frame-analysis.js';
import type { Calibration } from '../geometry/calibration-file.js';
import { resolveFrameGround, type GroundOverrides } from '../geometry/frame-ground-model.js';
import { multiplyHomography, translateHomography, type Homography } from '../geometry/homography.js';
import type { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import type { PointXY } from '../geometry/polygon.js';
import { RaqibError } from '../raqib-error.js';

/**
 * One drone's analysed frame, placed on the event's ground frame: what the event-wide fusion needs.
 * All ground coordinates are metres `[east, north]` of the event's {@link LocalTangentPlane}.
 */
export interface DroneFrame {
  droneId: string;
  /** Capture time on the event clock, seconds (drones must share the clock; see the time-skew notes). */
  timeS: number;
  widthPx: number;
  heightPx: number;
  /** Image px -> event ground metres. */
  imageToGround: Homography;
  /** Ground point below the drone, event metres, when its position is known. */
  nadirM?: PointXY;
  /** Head points in image pixels, interleaved `x0, y0, x1, y1, ...`. Preferred over `density` when given. */
  pointsPx?: ArrayLike<number>;
  /** Density map of the frame (cells in frame pixels). Used when there are no points. */
  density?: DensityMap;
}

/** What {@link droneFrameFromPose} needs: telemetry and the frame's people, in pixels. */
export interface DroneFrameInput {
  droneId: string;
  timeS: number;
  widthPx: number;
  heightPx: number;
  /** Telemetry of this frame (position, relative altitude, focal length, gimbal pitch/yaw/roll). */
  pose?: CameraPose;
  /** The event's ground frame: every drone of the event must use the same one. */
  plane: LocalTangentPlane;
  overrides?: GroundOverrides;
  /** A fixed lon/lat calibration of this drone's view (wins over telemetry). */
  calibration?: Calibration;
  pointsPx?: ArrayLike<number>;
  density?: DensityMap;
}

/**
 * Places one drone frame on the event's ground frame with the same projection as the single-drone
 * pipeline ({@link resolveFrameGround}: calibration, `--gsd`, or telemetry pose over flat ground).
 * Throws `GEOREFERENCE_MISSING` when the frame cannot be geo-referenced (no position, altitude or
 * field of view): such a frame cannot be de-duplicated against other drones.
 */
export function droneFrameFromPose(input: DroneFrameInput): DroneFrame {
  const { droneId, timeS, widthPx, heightPx, pose, plane } = input;
  const model = resolveFrameGround({
    widthPx,
    heightPx,
    plane,
    ...(pose ? { pose } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
    ...(input.calibration ? { calibration: input.calibration } : {}),
  });
  if (!model.imageToGround || !model.plane) {
    const why = model.note ?? (model.imageToGround ? 'its calibration is in metres, not lon/lat' : 'no ground model');
    throw new RaqibError(
      'GEOREFERENCE_MISSING',
      `drone "${droneId}" frame at ${timeS} s cannot be placed on the event map (${why}): give each drone ` +
        'telemetry with position, altitude and focal length (DJI .SRT), or a lon/lat --calibration',
    );
  }
  // A lon/lat calibration has its own plane: move it onto the event's (a translation; both planes are
  // local tangent planes, whose scales differ by < 0.1% within 2 km).
  const [dE, dN] = model.plane === plane ? [0, 0] : plane.toMetres(model.plane.origin);
  const imageToGround =
    dE === 0 && dN === 0 ? model.imageToGround : multiplyHomography(translateHomography(dE, dN), model.imageToGround);
  const frame: DroneFrame = { droneId, timeS, widthPx, heightPx, imageToGround };
  if (pose?.lat !== undefined && pose.lng !== undefined) frame.nadirM = plane.toMetres([pose.lng, pose.lat]);
  if (input.pointsPx) frame.pointsPx = input.pointsPx;
  if (input.density) frame.density = input.density;
  return frame;
}
