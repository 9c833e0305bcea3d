import type { AlertZoneKind } from '../alerts/alert-zone.js';
import type { Point2, RectM } from '../movement/planar-geometry.js';

/** Parameters of the social-force model (Helbing & Molnar 1995; Helbing, Farkas & Vicsek 2000). */
export interface SocialForceParams {
  massKg: number;
  /** Time to reach the desired velocity, seconds. */
  relaxationS: number;
  /** Strength A and range B of the exponential repulsion between people, newtons and metres. */
  socialStrengthN: number;
  socialRangeM: number;
  /** Weight (0..1) of people behind compared with people ahead. */
  anisotropy: number;
  /** Body compression k (kg/s²) and sliding friction kappa (kg/(m s)) when bodies touch. */
  bodyStiffness: number;
  friction: number;
  /** Repulsion of walls, newtons and metres. */
  wallStrengthN: number;
  wallRangeM: number;
  /** Neighbours farther than this are ignored, metres. */
  cutoffM: number;
  /** Random fluctuation of the velocity, m/s per square root of a second. */
  fluctuationMPerS: number;
}

/** Model defaults: the published values for the forces, with a cutoff where they become negligible. */
export const DEFAULT_SOCIAL_FORCE_PARAMS: SocialForceParams = {
  massKg: 80,
  relaxationS: 0.5,
  socialStrengthN: 2000,
  socialRangeM: 0.08,
  anisotropy: 0.5,
  bodyStiffness: 1.2e5,
  friction: 2.4e5,
  wallStrengthN: 2000,
  wallRangeM: 0.08,
  cutoffM: 1.0,
  fluctuationMPerS: 0.2,
};

/** A step of a route: a point, the nearest point of a segment (an opening), or a heading kept forever. */
export type RouteTarget =
  | { type: 'point'; at: Point2; reachM: number }
  | { type: 'segment'; from: Point2; to: Point2; reachM: number }
  | { type: 'direction'; dx: number; dy: number };

/** How a group behaves: walk a route (then leave), or stand near a spot (an audience). */
export type GroupBehaviour =
  | { type: 'route'; route: RouteTarget[] }
  | {
      type: 'stand';
      /** Mean seconds between a person's moves to a new spot in `region` (absent: never). */
      relocateEveryS?: number;
      region: RectM;
    };

/** A normal distribution clipped to [min, max]. */
export interface ClippedNormal {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** A group of people with the same behaviour and origin. */
export interface AgentGroupSpec {
  id: string;
  /** People placed at the start on a jittered hexagonal lattice. */
  initial?: { region: RectM; densityPerM2: number };
  /** People entering over time (blocked while the entry area is full). */
  inflow?: {
    region: RectM;
    ratePerS: number;
    /** Rate reached at `rampEndS` by a linear ramp from `ratePerS` at `startS` (default: constant). */
    endRatePerS?: number;
    startS?: number;
    rampEndS?: number;
    endS?: number;
  };
  behaviour: GroupBehaviour;
  desiredSpeedMPerS: ClippedNormal;
  radiusM: { min: number; max: number };
  /** Impatience: the desired speed rises toward this as a person is held back (Helbing 2000). */
  impatientSpeedMPerS?: number;
}

/** Something that happens to the crowd at a time. */
export interface DispersalEvent {
  type: 'dispersal';
  timeS: number;
  centre: Point2;
  /** Radius reached by the alarm at once, metres; it then spreads at `spreadMPerS` up to `maxRadiusM`. */
  radiusM: number;
  spreadMPerS: number;
  maxRadiusM: number;
  fleeSpeedMPerS: ClippedNormal;
  /** People stop fleeing this far from the centre, metres. */
  safeDistanceM: number;
}

/** A zone of the scenario: an area (polygon) or a counting line, in world metres. */
export interface ScenarioZone {
  id: string;
  kind: AlertZoneKind;
  polygon?: Point2[];
  line?: [Point2, Point2];
  upstreamZoneId?: string;
}

/** A complete simulation scenario, as data. World coordinates in metres, x right, y down (as images). */
export interface CrowdScenario {
  name: string;
  summary: string;
  /** Whether the scenario should raise nothing above info. */
  benign: boolean;
  world: { widthM: number; heightM: number };
  /** Default simulated duration, seconds. */
  durationS: number;
  /** Integration step, seconds (dense scenarios need smaller steps for the stiff body forces). */
  dtS: number;
  /** Seconds simulated before time 0 so that initial placements settle (default 0). */
  warmUpS?: number;
  walls: [Point2, Point2][];
  groups: AgentGroupSpec[];
  zones: ScenarioZone[];
  events?: DispersalEvent[];
  model?: Partial<SocialForceParams>;
}
