/** Fruin level of service, A (free flow) to F (unavoidable contact). */
export type FruinLevel = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** Which Fruin table applies: moving crowds on walkways, or people queuing/standing. */
export type FruinTable = 'walkway' | 'queuing';

/**
 * Upper bounds (inclusive) of levels A..E; anything above the last bound is F.
 * Five ascending numbers.
 */
export type FruinBounds = readonly [a: number, b: number, c: number, d: number, e: number];

/**
 * Fruin walkway densities, persons/m²: A <= 0.31 < B <= 0.43 < C <= 0.72 < D <= 1.08 < E <= 2.17 < F.
 * Source: Fruin (1971), "Pedestrian Planning and Design", as summarised in docs/CROWD-SAFETY.md.
 */
export const FRUIN_WALKWAY_DENSITY_PER_M2: FruinBounds = [0.31, 0.43, 0.72, 1.08, 2.17];

/**
 * Fruin queuing/standing-area densities, persons/m²: A <= 0.83 < B <= 1.08 < C <= 1.54 < D <= 3.6 < E <= 5.4 < F.
 * Marked "verify" in docs/CROWD-SAFETY.md: pass your own bounds where a local guide differs.
 */
export const FRUIN_QUEUING_DENSITY_PER_M2: FruinBounds = [0.83, 1.08, 1.54, 3.6, 5.4];

/** Fruin walkway flows, persons per metre of width per minute: A < 23 ... E < 82 <= F. */
export const FRUIN_WALKWAY_FLOW_PER_M_PER_MIN: FruinBounds = [23, 33, 49, 66, 82];

const LEVELS: readonly FruinLevel[] = ['A', 'B', 'C', 'D', 'E', 'F'];

/**
 * The level whose range holds `value`: `A` up to and including `bounds[0]`, ..., `F` above `bounds[4]`.
 *
 * @example fruinLevelFor(0.5, FRUIN_WALKWAY_DENSITY_PER_M2) // 'C'
 */
export function fruinLevelFor(value: number, bounds: FruinBounds): FruinLevel {
  if (!Number.isFinite(value)) return value > 0 ? 'F' : 'A';
  for (let i = 0; i < bounds.length; i++) {
    if (value <= bounds[i]!) return LEVELS[i]!;
  }
  return 'F';
}

/**
 * Fruin level of service from a density in persons/m², with the walkway or the queuing table.
 *
 * @example fruinLevel(1.2, 'walkway') // 'E';  fruinLevel(1.2, 'queuing') // 'C'
 */
export function fruinLevel(densityPerM2: number, table: FruinTable = 'walkway'): FruinLevel {
  return fruinLevelFor(densityPerM2, table === 'walkway' ? FRUIN_WALKWAY_DENSITY_PER_M2 : FRUIN_QUEUING_DENSITY_PER_M2);
}

/**
 * Fruin walkway level of service from a specific flow in persons per metre per minute. Flow bounds are
 * upper-exclusive (A is "< 23 p/m/min"), so a flow exactly on a bound takes the worse level.
 */
export function fruinFlowLevel(flowPerMPerMin: number): FruinLevel {
  if (!Number.isFinite(flowPerMPerMin)) return flowPerMPerMin > 0 ? 'F' : 'A';
  for (let i = 0; i < FRUIN_WALKWAY_FLOW_PER_M_PER_MIN.length; i++) {
    if (flowPerMPerMin < FRUIN_WALKWAY_FLOW_PER_M_PER_MIN[i]!) return LEVELS[i]!;
  }
  return 'F';
}
