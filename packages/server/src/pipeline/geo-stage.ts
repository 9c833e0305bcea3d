import {
  LocalTangentPlane,
  resolveFrameGround,
  type Calibration,
  type FrameGroundModel,
  type CameraPose,
  type FrameMeta,
  type GroundOverrides,
  type TelemetryTrack,
} from '@raqib/core';
import { percent, type DataQualityPart } from './data-quality.js';
import type { FrameContext, Stage } from './stage.js';

export interface GeoStageOptions {
  telemetry?: TelemetryTrack;
  /**
   * Live telemetry instead of a sidecar: the pose of a frame by its capture time (`raqib serve`, see
   * live/live-telemetry.ts); undefined when no recent sample exists. The ground model is the same.
   */
  livePose?: (frame: FrameMeta) => CameraPose | undefined;
  overrides?: GroundOverrides;
  calibration?: Calibration;
  /** Called once per distinct reason the ground model is missing or partial. */
  onNote?: (note: string) => void;
}

/**
 * Above this share of rejected telemetry records (impossible jumps) the sidecar is unreliable as a
 * whole: `raqib analyze` warns and exits 1. Below it, each glitch is replaced by its neighbours.
 */
export const MAX_REJECTED_TELEMETRY_SHARE = 0.25;

/**
 * Ties each frame to the ground: pose from telemetry at the frame's time, then the ground model
 * (calibration > --gsd > telemetry with --altitude/--hfov) giving the GSD and image <-> ground maps.
 * A frame whose ground model cannot be built (a degenerate, singular homography) gets none: no GSD,
 * no m² readings for that frame, counted in `dataQuality().ground`; the run goes on.
 */
export class GeoStage implements Stage {
  readonly name = 'geo';
  private plane: LocalTangentPlane | undefined;
  private readonly notes = new Set<string>();
  private frames = 0;
  private degenerateFrames = 0;
  private firstDegenerate: { timeS: number; why: string } | null = null;

  constructor(private readonly options: GeoStageOptions) {}

  process(context: FrameContext): void {
    const { frame } = context.analysis;
    this.frames++;
    const pose = this.options.livePose ? this.options.livePose(frame) : this.options.telemetry?.poseAt(frame.ptsMs);
    if (pose) frame.pose = pose;
    // One tangent plane for the whole run, at the first known position, so ground metres are stable.
    if (!this.plane && pose?.lat !== undefined && pose.lng !== undefined)
      this.plane = new LocalTangentPlane([pose.lng, pose.lat]);
    let ground: FrameGroundModel;
    try {
      ground = resolveFrameGround({
        widthPx: frame.width,
        heightPx: frame.height,
        ...(pose ? { pose } : {}),
        ...(this.options.overrides ? { overrides: this.options.overrides } : {}),
        ...(this.options.calibration ? { calibration: this.options.calibration } : {}),
        ...(this.plane ? { plane: this.plane } : {}),
      });
    } catch (error) {
      // A singular homography (RangeError) for this frame's pose: degrade the frame, never the run.
      if (!(error instanceof RangeError)) throw error;
      this.degenerateFrames++;
      this.firstDegenerate ??= { timeS: context.analysis.timeS, why: error.message };
      ground = { source: 'none' };
    }
    context.ground = ground;
    if (ground.gsdMPerPx !== undefined) frame.gsdMPerPx = ground.gsdMPerPx;
    if (ground.note && !this.notes.has(ground.note)) {
      this.notes.add(ground.note);
      this.options.onNote?.(ground.note);
    }
  }

  /** Telemetry records rejected as impossible jumps, and frames left without a ground model. */
  dataQuality(): DataQualityPart[] {
    const parts: DataQualityPart[] = [];
    const outliers = this.options.telemetry?.outliers;
    if (outliers) {
      const rejected = outliers.rejected;
      const share = outliers.records === 0 ? 0 : rejected.length / outliers.records;
      const overLimit = share > MAX_REJECTED_TELEMETRY_SHARE;
      const { maxHorizontalSpeedMPerS: h, maxVerticalSpeedMPerS: v } = outliers.limits;
      const first = rejected[0];
      const warnings = first
        ? [
            `${outliers.source ?? 'telemetry'}: ${rejected.length} of ${outliers.records} records rejected as impossible jumps ` +
              `(first: record ${first.index} at ${(first.startMs / 1000).toFixed(3)} s, ${first.reason} moved ` +
              `${formatMetres(first.jumpM)} where at most ${formatMetres(first.allowedM)} was possible; ` +
              `limits ${h} m/s horizontal, ${v} m/s vertical): ` +
              (overLimit
                ? `over the ${percent(MAX_REJECTED_TELEMETRY_SHARE)} limit, the telemetry is unreliable; check the .SRT or pass --altitude/--gsd`
                : 'their frames use the neighbouring records'),
          ]
        : [];
      parts.push({
        section: 'telemetry',
        counts: {
          records: outliers.records,
          rejectedRecords: rejected.length,
          positionJumps: rejected.filter((o) => o.reason === 'position').length,
          altitudeJumps: rejected.filter((o) => o.reason === 'altitude').length,
          maxHorizontalSpeedMPerS: h,
          maxVerticalSpeedMPerS: v,
          rejectedShare: Number(share.toFixed(4)),
          maxRejectedShare: MAX_REJECTED_TELEMETRY_SHARE,
        },
        warnings,
        overLimit,
      });
    }
    const first = this.firstDegenerate;
    parts.push({
      section: 'ground',
      counts: { frames: this.frames, framesWithoutGroundModel: this.degenerateFrames },
      warnings: first
        ? [
            `${this.degenerateFrames} of ${this.frames} frames have no ground model (first at ${first.timeS.toFixed(2)} s: ` +
              `${first.why}): no GSD or m² readings for them`,
          ]
        : [],
      overLimit: false,
    });
    return parts;
  }
}

function formatMetres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${m.toFixed(1)} m`;
}
