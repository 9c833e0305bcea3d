/** The rules of the alert engine: what each one measures, in which unit, and its tunable parameters. */

/** Identifiers of every rule, in evaluation (and event) order. */
export const RULE_IDS = [
  'density',
  'localDensity',
  'occupancy',
  'growth',
  'lineFlow',
  'outflowCollapse',
  'speedDrop',
  'counterflow',
  'pressure',
  'dispersal',
  'restricted',
] as const;

/** See {@link RULE_IDS}. */
export type RuleId = (typeof RULE_IDS)[number];

/**
 * Rule parameters beyond thresholds (all optional in files; defaults in `default-rules.ts`).
 * A gate parameter (`min...`) must hold for the rule to raise; when it stops holding, the rule's
 * alerts clear after their clear sustain time.
 */
export interface RuleParams {
  /** Window of the least-squares density slope, seconds (`growth`, `speedDrop`). */
  windowS?: number;
  /** Zone density needed for the rule to apply, persons/m². */
  minDensityPerM2?: number;
  /** Upstream density needed for an outflow collapse, persons/m². */
  upstreamDensityPerM2?: number;
  /** Time constant of the zone's own speed baseline (exponential average), seconds. */
  baselineS?: number;
  /** Stream time before the speed baseline is trusted, seconds. */
  minHistoryS?: number;
  /** Baseline speed below which a speed drop means nothing (standing crowds), m/s. */
  minBaselineSpeedMPerS?: number;
  /** Density growth needed for a speed drop to count ("while density rises"), persons/m² per minute. */
  minGrowthPerM2PerMin?: number;
  /** People needed in the zone for the rule to apply. */
  minCount?: number;
}

/** Names of {@link RuleParams}. */
export type RuleParamName = keyof RuleParams;

/** What a rule measures. `above`: alert when the value rises to the threshold; `below`: when it falls to it. */
export interface RuleInfo {
  id: RuleId;
  direction: 'above' | 'below';
  /** Unit of the value and thresholds, for messages and docs. */
  unit: string;
  summary: string;
  params: readonly RuleParamName[];
}

/** Everything known about each rule, by id. */
export const RULE_CATALOG: Readonly<Record<RuleId, RuleInfo>> = {
  density: {
    id: 'density',
    direction: 'above',
    unit: 'persons/m²',
    summary: 'zone average density (ZoneReading.densityPerM2)',
    params: [],
  },
  localDensity: {
    id: 'localDensity',
    direction: 'above',
    unit: 'persons/m²',
    summary: 'highest local density over ~1 m cells (ZoneReading.peakLocalDensityPerM2)',
    params: [],
  },
  occupancy: {
    id: 'occupancy',
    direction: 'above',
    unit: 'fraction of capacity',
    summary: 'count against the zone capacity (count / capacity); needs a capacity',
    params: [],
  },
  growth: {
    id: 'growth',
    direction: 'above',
    unit: 'persons/m² per min',
    summary: 'growth rate of the zone density (least-squares slope over windowS)',
    params: ['windowS', 'minDensityPerM2'],
  },
  lineFlow: {
    id: 'lineFlow',
    direction: 'above',
    unit: 'persons/m/min',
    summary: 'specific flow through a line or gate (ZoneReading.flowPerMPerMin)',
    params: [],
  },
  outflowCollapse: {
    id: 'outflowCollapse',
    direction: 'below',
    unit: 'persons/m/min',
    summary: 'flow through a gate falls while the upstream density is high',
    params: ['upstreamDensityPerM2'],
  },
  speedDrop: {
    id: 'speedDrop',
    direction: 'below',
    unit: 'fraction of baseline speed',
    summary: "mean speed against the zone's own baseline, while the density rises",
    params: ['baselineS', 'minHistoryS', 'minBaselineSpeedMPerS', 'minDensityPerM2', 'minGrowthPerM2PerMin', 'windowS'],
  },
  counterflow: {
    id: 'counterflow',
    direction: 'above',
    unit: 'share of movers',
    summary: 'share of movers against the dominant direction (ZoneReading.counterflowShare)',
    params: ['minDensityPerM2'],
  },
  pressure: {
    id: 'pressure',
    direction: 'above',
    unit: 's^-2',
    summary: 'crowd pressure, local density x local velocity variance (ZoneReading.pressurePerS2)',
    params: ['minDensityPerM2'],
  },
  dispersal: {
    id: 'dispersal',
    direction: 'above',
    unit: '1/s',
    summary: 'radial divergence of motion, sudden dispersal (ZoneReading.divergencePerS)',
    params: ['minCount'],
  },
  restricted: {
    id: 'restricted',
    direction: 'above',
    unit: 'persons',
    summary: 'people inside a restricted zone (ZoneReading.count)',
    params: [],
  },
};
