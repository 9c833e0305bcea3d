import { cameraFootprint, LocalTangentPlane, resolveFrameGround, type CameraPose } from '@raqib/core';
import type { LngLat } from './basemap-api.js';

export interface DronePlacement {
  position: LngLat;
  /** The ground the camera sees (a closed ring, lng/lat), empty when it cannot be placed. */
  footprint: LngLat[];
}

/**
 * Where a drone is and what its camera sees, from the telemetry of its last analysed frame (the
 * `pose` of `streams/<id>/analysis`), with the pipeline's own ground model (core's
 * `resolveFrameGround` and `cameraFootprint`): the telemetry camera model when the pose has altitude
 * and focal length, else a nadir view at the frame's GSD (the demo drone). Null without a position.
 */
export function placeDrone(
  pose: CameraPose | null | undefined,
  widthPx: number,
  heightPx: number,
  gsdMPerPx: number | null | undefined,
): DronePlacement | null {
  if (pose?.lat === undefined || pose.lng === undefined) return null;
  const position: LngLat = [pose.lng, pose.lat];
  const plane = new LocalTangentPlane(position);
  const hasCamera = pose.relativeAltitudeM !== undefined && pose.focalLength35mm !== undefined;
  const overrides = !hasCamera && gsdMPerPx ? { gsdMPerPx } : {};
  let footprint: LngLat[] = [];
  try {
    const model = resolveFrameGround({ widthPx, heightPx, pose, plane, overrides });
    if (model.imageToGround) {
      const ring = cameraFootprint(model.imageToGround, widthPx, heightPx).map((p) => plane.toLngLat(p));
      if (ring.length >= 3) footprint = [...ring, ring[0]!];
    }
  } catch {
    // A degenerate pose (singular homography): the drone is shown without its footprint.
  }
  return { position, footprint };
}
