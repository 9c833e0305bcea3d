import type { CrowdScenario } from '../simulation/crowd-scenario.js';

/**
 * A large standing crowd for multi-drone tests and benchmarks: `widthM x heightM` metres of audience at
 * `densityPerM2` (jittered hexagonal lattice, settled by `warmUpS` of social-force simulation; a few
 * people change places), inside a world with `marginM` of empty ground around it.
 */
export function standingCrowdScenario(input: {
  widthM: number;
  heightM: number;
  densityPerM2: number;
  marginM?: number;
  warmUpS?: number;
}): CrowdScenario {
  const margin = input.marginM ?? 5;
  const region = { x0: margin, y0: margin, x1: margin + input.widthM, y1: margin + input.heightM };
  return {
    name: 'event-crowd',
    summary: `a ${input.widthM} x ${input.heightM} m standing crowd at ${input.densityPerM2} persons/m²`,
    benign: true,
    world: { widthM: input.widthM + 2 * margin, heightM: input.heightM + 2 * margin },
    durationS: 60,
    dtS: 0.05,
    warmUpS: input.warmUpS ?? 1,
    walls: [],
    groups: [
      {
        id: 'audience',
        initial: { region, densityPerM2: input.densityPerM2 },
        behaviour: { type: 'stand', relocateEveryS: 600, region },
        desiredSpeedMPerS: { mean: 1.0, sd: 0.2, min: 0.6, max: 1.4 },
        radiusM: { min: 0.19, max: 0.24 },
      },
    ],
    zones: [],
  };
}
