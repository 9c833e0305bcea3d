import type { CameraPose } from '../frame-analysis.js';
import { focal35mmFromHfov } from '../geometry/camera-model.js';
import { applyHomography, invertHomography } from '../geometry/homography.js';
import type { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import type { PointXY } from '../geometry/polygon.js';
import type { TruthFrame } from '../simulation/crowd-simulation.js';
import { DEFAULT_OBSERVATION_NOISE, PeopleObserver, type ObservationNoise } from '../simulation/people-observer.js';
import { cameraFootprint } from './camera-footprint.js';
import { pointInConvex } from './convex-pieces.js';
import { droneFrameFromPose, type DroneFrame } from './drone-frame.js';
import { GroundOwnership } from './ground-ownership.js';

/** A simulated drone over the event: where it really is, and what its telemetry says. */
export interface SimulatedDrone {
  droneId: string;
  /** True position over the ground, event metres `[east, north]`. */
  positionM: PointXY;
  altitudeM: number;
  hfovDeg: number;
  /** Gimbal pitch, degrees (-90 nadir). Default -90. */
  pitchDeg?: number;
  /** Gimbal yaw, degrees clockwise from north. Default 0. */
  yawDeg?: number;
  widthPx: number;
  heightPx: number;
  /** Telemetry position error, metres `[east, north]`: the fusion is told `positionM` + this. */
  positionErrorM?: PointXY;
  /** Telemetry clock error, seconds: the frame is stamped `timeS` + this. */
  clockErrorS?: number;
  /** Telemetry gimbal yaw error, degrees: the fusion is told `yawDeg` + this. */
  yawErrorDeg?: number;
  /** Telemetry altitude error, metres: the fusion is told `altitudeM` + this. */
  altitudeErrorM?: number;
}

/** Options of a {@link SimulatedDroneFleet}. */
export interface SimulatedDroneFleetOptions {
  /** Detector imperfections per drone (independent per drone). Default {@link DEFAULT_OBSERVATION_NOISE}. */
  noise?: ObservationNoise;
  seed?: number;
  /** Simulator world (x right, y down) -> event metres. Default `[x, -y]`. */
  worldToEventM?: (x: number, y: number) => PointXY;
}

/** What the fleet saw at one instant, and the truth to compare with. */
export interface FleetObservation {
  /** One frame per drone, placed with the drones' telemetry (errors included). */
  frames: DroneFrame[];
  /** People truly on the ground covered by at least one drone (true positions, true footprints). */
  trueCount: number;
  /** People in each drone's true view (what a per-drone count would aim for). */
  trueViewCounts: number[];
}

/**
 * Test and benchmark builder: several simulated drones over one simulated crowd. Each drone sees the
 * people inside its true footprint through its own noisy detector ({@link PeopleObserver}), projected
 * into its image with the same pinhole model the pipeline uses; its frame is then placed on the event
 * map from its telemetry, which may carry position and clock errors.
 */
export class SimulatedDroneFleet {
  readonly drones: readonly SimulatedDrone[];
  private readonly plane: LocalTangentPlane;
  private readonly observers: PeopleObserver[];
  private readonly toEvent: (x: number, y: number) => PointXY;

  constructor(drones: readonly SimulatedDrone[], plane: LocalTangentPlane, options: SimulatedDroneFleetOptions = {}) {
    this.drones = drones;
    this.plane = plane;
    const seed = options.seed ?? 1;
    this.observers = drones.map(
      (_, i) => new PeopleObserver(options.noise ?? DEFAULT_OBSERVATION_NOISE, seed * 101 + i),
    );
    this.toEvent = options.worldToEventM ?? ((x, y) => [x, -y]);
  }

  /** The telemetry a drone reports (with its position, yaw and altitude errors when `withError`). */
  pose(drone: SimulatedDrone, withError: boolean): CameraPose {
    const [de, dn] = withError ? (drone.positionErrorM ?? [0, 0]) : [0, 0];
    const [lng, lat] = this.plane.toLngLat([drone.positionM[0] + de, drone.positionM[1] + dn]);
    return {
      lat,
      lng,
      relativeAltitudeM: drone.altitudeM + (withError ? (drone.altitudeErrorM ?? 0) : 0),
      focalLength35mm: focal35mmFromHfov(drone.hfovDeg),
      gimbalPitchDeg: drone.pitchDeg ?? -90,
      gimbalYawDeg: (drone.yawDeg ?? 0) + (withError ? (drone.yawErrorDeg ?? 0) : 0),
    };
  }

  /** The drones' frames of one simulator frame (in the simulator's world coordinates). */
  observe(truth: TruthFrame): FleetObservation {
    const n = truth.count;
    const trueEvent = eventFrameOf(truth, this.toEvent);
    const trueViews = this.drones.map((drone) => {
      const f = droneFrameFromPose({ ...this.frameBase(drone, truth.timeS), pose: this.pose(drone, false) });
      return { droneId: drone.droneId, frame: f, footprint: cameraFootprint(f.imageToGround, f.widthPx, f.heightPx) };
    });
    const covered = new GroundOwnership(
      trueViews.map((v) => ({ droneId: v.droneId, footprint: v.footprint, anchorM: v.frame.nadirM ?? [0, 0] })),
    );
    let trueCount = 0;
    for (let i = 0; i < n; i++) if (covered.ownerAt(trueEvent.x[i]!, trueEvent.y[i]!) >= 0) trueCount++;
    const trueViewCounts = covered.regions.map((region) => {
      let count = 0;
      for (let i = 0; i < n; i++) {
        const e = trueEvent.x[i]!;
        const north = trueEvent.y[i]!;
        if (pointInConvex(e, north, region.footprint)) count++;
      }
      return count;
    });
    const frames = this.drones.map((drone, d) => {
      const seen = this.observers[d]!.observe(trueEvent);
      const groundToImage = invertHomography(trueViews[d]!.frame.imageToGround);
      const points: number[] = [];
      for (let i = 0; i < seen.count; i++) {
        const [u, v] = applyHomography(groundToImage, [seen.x[i]!, seen.y[i]!]);
        if (u >= 0 && u < drone.widthPx && v >= 0 && v < drone.heightPx) points.push(u, v);
      }
      return droneFrameFromPose({
        ...this.frameBase(drone, truth.timeS + (drone.clockErrorS ?? 0)),
        pose: this.pose(drone, true),
        pointsPx: Float32Array.from(points),
      });
    });
    return { frames, trueCount, trueViewCounts };
  }

  private frameBase(drone: SimulatedDrone, timeS: number) {
    return { droneId: drone.droneId, timeS, widthPx: drone.widthPx, heightPx: drone.heightPx, plane: this.plane };
  }
}

/** The truth frame with positions and velocities in event metres. */
function eventFrameOf(truth: TruthFrame, toEvent: (x: number, y: number) => PointXY): TruthFrame {
  const n = truth.count;
  const out: TruthFrame = {
    ...truth,
    x: new Float64Array(n),
    y: new Float64Array(n),
    vx: new Float64Array(n),
    vy: new Float64Array(n),
  };
  const [ox, oy] = toEvent(0, 0);
  for (let i = 0; i < n; i++) {
    const [e, north] = toEvent(truth.x[i]!, truth.y[i]!);
    const [ve, vn] = toEvent(truth.vx[i]!, truth.vy[i]!);
    out.x[i] = e;
    out.y[i] = north;
    out.vx[i] = ve - ox;
    out.vy[i] = vn - oy;
  }
  return out;
}
