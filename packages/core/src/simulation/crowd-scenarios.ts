import type { AgentGroupSpec, ClippedNormal, CrowdScenario } from './crowd-scenario.js';
import { rectPolygon } from '../movement/planar-geometry.js';

/** Walking speeds of adults, m/s (mean 1.34, sd 0.26; Helbing et al.). */
const WALKING: ClippedNormal = { mean: 1.34, sd: 0.26, min: 0.8, max: 1.9 };
/** Body radii, metres: shoulder half-widths of adults in dense crowds. */
const BODY = { min: 0.19, max: 0.24 };

/** Walk one way along x until leaving the world. */
function heading(dx: number): AgentGroupSpec['behaviour'] {
  return { type: 'route', route: [{ type: 'direction', dx, dy: 0 }] };
}

/** Free flow: a 8 m wide, 50 m long walkway, mostly one way, ~0.2 persons/m². Benign. */
const freeFlow: CrowdScenario = {
  name: 'free-flow',
  summary: 'free flow along an 8 m walkway (mostly one way, ~0.2 persons/m²); benign',
  benign: true,
  world: { widthM: 50, heightM: 14 },
  durationS: 3600,
  dtS: 0.05,
  walls: [
    [
      [0, 3],
      [50, 3],
    ],
    [
      [0, 11],
      [50, 11],
    ],
  ],
  groups: [
    {
      id: 'eastbound',
      inflow: { region: { x0: 0.3, y0: 3.5, x1: 2, y1: 10.5 }, ratePerS: 1.8 },
      behaviour: heading(1),
      desiredSpeedMPerS: WALKING,
      radiusM: BODY,
    },
    {
      id: 'westbound',
      inflow: { region: { x0: 48, y0: 3.5, x1: 49.7, y1: 10.5 }, ratePerS: 0.2 },
      behaviour: heading(-1),
      desiredSpeedMPerS: WALKING,
      radiusM: BODY,
    },
  ],
  zones: [
    { id: 'walkway', kind: 'walkway', polygon: rectPolygon({ x0: 10, y0: 3, x1: 40, y1: 11 }) },
    {
      id: 'midline',
      kind: 'walkway',
      line: [
        [25, 3],
        [25, 11],
      ],
    },
  ],
};

/**
 * Bottleneck: people stream into a 12 x 10 m hall faster than its 0.8 m exit lets them out; the
 * crowd in front of the exit compresses (impatient pushing) to crush density. Danger.
 */
const bottleneck: CrowdScenario = {
  name: 'bottleneck',
  summary: 'inflow exceeds a 0.8 m exit; density in front of it builds up to crush levels; danger',
  benign: false,
  world: { widthM: 18, heightM: 12 },
  durationS: 200,
  dtS: 0.02,
  walls: [
    [
      [0, 1],
      [12, 1],
    ],
    [
      [0, 11],
      [12, 11],
    ],
    [
      [12, 1],
      [12, 5.6],
    ],
    [
      [12, 6.4],
      [12, 11],
    ],
  ],
  groups: [
    {
      id: 'crowd',
      inflow: { region: { x0: 0.3, y0: 1.5, x1: 3, y1: 10.5 }, ratePerS: 1, endRatePerS: 5, rampEndS: 90, endS: 150 },
      behaviour: {
        type: 'route',
        route: [
          { type: 'segment', from: [12, 5.85], to: [12, 6.15], reachM: 0.3 },
          { type: 'point', at: [17, 6], reachM: 0.5 },
          { type: 'direction', dx: 1, dy: 0 },
        ],
      },
      desiredSpeedMPerS: WALKING,
      radiusM: BODY,
      impatientSpeedMPerS: 3,
    },
  ],
  zones: [
    { id: 'approach', kind: 'queue', polygon: rectPolygon({ x0: 8, y0: 4, x1: 12, y1: 8 }) },
    {
      id: 'exit',
      kind: 'gate',
      line: [
        [12, 5.6],
        [12, 6.4],
      ],
      upstreamZoneId: 'approach',
    },
  ],
  model: { socialStrengthN: 500 },
};

/** Counterflow: two opposing streams in a 4 m corridor, both growing, until they jam. Danger. */
const counterflow: CrowdScenario = {
  name: 'counterflow',
  summary: 'two opposing streams through a 4 m corridor, growing until they jam; danger',
  benign: false,
  world: { widthM: 34, heightM: 8 },
  durationS: 240,
  dtS: 0.025,
  walls: [
    [
      [0, 2],
      [34, 2],
    ],
    [
      [0, 6],
      [34, 6],
    ],
  ],
  groups: [
    {
      id: 'eastbound',
      inflow: { region: { x0: 0.3, y0: 2.4, x1: 1.6, y1: 5.6 }, ratePerS: 0.2, endRatePerS: 2, rampEndS: 150 },
      behaviour: heading(1),
      desiredSpeedMPerS: WALKING,
      radiusM: BODY,
    },
    {
      id: 'westbound',
      inflow: { region: { x0: 32.4, y0: 2.4, x1: 33.7, y1: 5.6 }, ratePerS: 0.2, endRatePerS: 2, rampEndS: 150 },
      behaviour: heading(-1),
      desiredSpeedMPerS: WALKING,
      radiusM: BODY,
    },
  ],
  zones: [{ id: 'corridor', kind: 'walkway', polygon: rectPolygon({ x0: 10, y0: 2, x1: 24, y1: 6 }) }],
};

/** Sudden dispersal: a standing crowd (2.5 persons/m²) flees radially from a point at t = 60 s. Danger. */
const dispersal: CrowdScenario = {
  name: 'dispersal',
  summary: 'a standing crowd at 2.5 persons/m² flees radially from a point at t = 60 s; danger',
  benign: false,
  world: { widthM: 40, heightM: 40 },
  durationS: 120,
  dtS: 0.025,
  warmUpS: 10,
  walls: [],
  groups: [
    {
      id: 'audience',
      initial: { region: { x0: 12, y0: 12, x1: 28, y1: 28 }, densityPerM2: 2.5 },
      behaviour: { type: 'stand', region: { x0: 12, y0: 12, x1: 28, y1: 28 } },
      desiredSpeedMPerS: { mean: 1.2, sd: 0.2, min: 0.8, max: 1.6 },
      radiusM: BODY,
    },
  ],
  zones: [{ id: 'square', kind: 'standing', polygon: rectPolygon({ x0: 12, y0: 12, x1: 28, y1: 28 }) }],
  events: [
    {
      type: 'dispersal',
      timeS: 60,
      centre: [20, 20],
      radiusM: 4,
      spreadMPerS: 3,
      maxRadiusM: 12,
      fleeSpeedMPerS: { mean: 3, sd: 0.4, min: 2.2, max: 4 },
      safeDistanceM: 22,
    },
  ],
};

/** Static audience: 2 persons/m² in a 12 x 10 m standing area, a few people changing places. Benign. */
const staticAudience: CrowdScenario = {
  name: 'static-audience',
  summary: 'a large standing audience at 2 persons/m², a few people changing places; benign',
  benign: true,
  world: { widthM: 18, heightM: 16 },
  durationS: 3600,
  dtS: 0.05,
  warmUpS: 10,
  walls: [],
  groups: [
    {
      id: 'audience',
      initial: { region: { x0: 3, y0: 3, x1: 15, y1: 13 }, densityPerM2: 2 },
      behaviour: { type: 'stand', relocateEveryS: 900, region: { x0: 3.5, y0: 3.5, x1: 14.5, y1: 12.5 } },
      desiredSpeedMPerS: { mean: 1.0, sd: 0.2, min: 0.6, max: 1.4 },
      radiusM: BODY,
    },
  ],
  zones: [{ id: 'audience', kind: 'standing', polygon: rectPolygon({ x0: 3, y0: 3, x1: 15, y1: 13 }) }],
};

/** The built-in scenarios of `raqib simulate`, by name. */
export const CROWD_SCENARIOS: Readonly<Record<string, CrowdScenario>> = {
  [freeFlow.name]: freeFlow,
  [bottleneck.name]: bottleneck,
  [counterflow.name]: counterflow,
  [dispersal.name]: dispersal,
  [staticAudience.name]: staticAudience,
};
