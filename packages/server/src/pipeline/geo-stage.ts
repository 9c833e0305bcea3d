import {
  LocalTangentPlane,
  resolveFrameGround,
  type Calibration,
  type GroundOverrides,
  type TelemetryTrack,
} from '@raqib/core';
import type { FrameContext, Stage } from './stage.js';

export interface GeoStageOptions {
  telemetry?: TelemetryTrack;
  overrides?: GroundOverrides;
  calibration?: Calibration;
  /** Called once per distinct reason the ground model is missing or partial. */
  onNote?: (note: string) => void;
}

/**
 * Ties each frame to the ground: pose from telemetry at the frame's time, then the ground model
 * (calibration > --gsd > telemetry with --altitude/--hfov) giving the GSD and image <-> ground maps.
 */
export class GeoStage implements Stage {
  readonly name = 'geo';
  private plane: LocalTangentPlane | undefined;
  private readonly notes = new Set<string>();

  constructor(private readonly options: GeoStageOptions) {}

  process(context: FrameContext): void {
    const { frame } = context.analysis;
    const pose = this.options.telemetry?.poseAt(frame.ptsMs);
    if (pose) frame.pose = pose;
    // One tangent plane for the whole run, at the first known position, so ground metres are stable.
    if (!this.plane && pose?.lat !== undefined && pose.lng !== undefined)
      this.plane = new LocalTangentPlane([pose.lng, pose.lat]);
    const ground = resolveFrameGround({
      widthPx: frame.width,
      heightPx: frame.height,
      ...(pose ? { pose } : {}),
      ...(this.options.overrides ? { overrides: this.options.overrides } : {}),
      ...(this.options.calibration ? { calibration: this.options.calibration } : {}),
      ...(this.plane ? { plane: this.plane } : {}),
    });
    context.ground = ground;
    if (ground.gsdMPerPx !== undefined) frame.gsdMPerPx = ground.gsdMPerPx;
    if (ground.note && !this.notes.has(ground.note)) {
      this.notes.add(ground.note);
      this.options.onNote?.(ground.note);
    }
  }
}
