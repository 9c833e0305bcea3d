import { describe, expect, it } from 'vitest';
import type { CrowdScenario } from './crowd-scenario.js';
import { simulateScenario } from './crowd-simulation.js';
import { rectPolygon } from '../movement/planar-geometry.js';
import { dangerCriteria, ScenarioTruthRecorder } from './scenario-truth.js';
import { SeededRandom } from './seeded-random.js';
import { CROWD_SCENARIOS } from './crowd-scenarios.js';
import { parseZones } from '../zones/parse-zones.js';
import { scenarioZonesGeoJson } from './scenario-truth.js';

/** A standing crowd at `densityPerM2` in a 10 x 6 m zone of a 20 x 10 m world. */
function standing(densityPerM2: number): CrowdScenario {
  return {
    name: 'packed',
    summary: 'a standing crowd',
    benign: false,
    world: { widthM: 20, heightM: 10 },
    durationS: 10,
    dtS: 0.02,
    walls: [],
    groups: [
      {
        id: 'crowd',
        initial: { region: { x0: 4, y0: 1, x1: 16, y1: 9 }, densityPerM2 },
        behaviour: { type: 'stand', region: { x0: 4, y0: 1, x1: 16, y1: 9 } },
        desiredSpeedMPerS: { mean: 1, sd: 0, min: 1, max: 1 },
        radiusM: { min: 0.19, max: 0.21 },
      },
    ],
    zones: [
      { id: 'pit', kind: 'standing', polygon: rectPolygon({ x0: 5, y0: 2, x1: 15, y1: 8 }) },
      {
        id: 'line',
        kind: 'gate',
        line: [
          [2, 0],
          [2, 10],
        ],
      },
    ],
    model: { socialStrengthN: 300 },
  };
}

function truthOf(scenario: CrowdScenario) {
  const recorder = new ScenarioTruthRecorder(scenario);
  for (const frame of simulateScenario(scenario, { fps: 5 })) recorder.add(frame);
  return recorder.result({ gsdMPerPx: 0.05, fps: 5, seed: 1 });
}

describe('ScenarioTruthRecorder', () => {
  it('derives the danger criteria from the default ladder of each zone kind', () => {
    const criteria = dangerCriteria(standing(2).zones);
    expect(criteria.map((c) => `${c.zoneId}.${c.criterion}:${c.level}>=${c.threshold}`)).toEqual([
      'pit.density:danger>=5',
      'pit.localDensity:critical>=6',
      'pit.pressure:critical>=0.02',
      'pit.counterflow:danger>=0.2',
      'pit.dispersal:critical>=0.15',
    ]);
    expect(criteria.find((c) => c.criterion === 'pressure')!.gate).toEqual({
      metric: 'localOrZoneDensityPerM2',
      min: 5,
    });
  });

  it('finds the onset of a crowd packed beyond the danger density, and none for a calm one', () => {
    const packed = truthOf(standing(5.5));
    expect(packed.dangerOnsetS).toBe(0);
    expect(packed.onsets.map((onset) => `${onset.zoneId}.${onset.criterion}`)).toContain('pit.density');
    expect(packed.peaks.pit!.density).toBeGreaterThan(5);
    const calm = truthOf(standing(1.5));
    expect(calm.dangerOnsetS).toBeNull();
    expect(calm.onsets).toEqual([]);
    expect(calm.peaks.pit!.density).toBeLessThan(1.7);
  });

  it('writes the frame geometry and the zones as GeoJSON in image space', () => {
    const truth = truthOf(standing(1.5));
    expect([truth.frameWidthPx, truth.frameHeightPx, truth.frames, truth.durationS]).toEqual([400, 200, 51, 10]);
    const [pit, line] = truth.zones.features;
    expect(pit!.properties).toEqual({ id: 'pit', kind: 'standing', space: 'image' });
    expect(truth.zoneFacts).toEqual({ pit: { kind: 'standing', areaM2: 60 }, line: { kind: 'gate', lengthM: 10 } });
    expect(pit!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0.25, 0.2],
          [0.75, 0.2],
          [0.75, 0.8],
          [0.25, 0.8],
          [0.25, 0.2],
        ],
      ],
    });
    expect(line!.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [0.1, 0],
        [0.1, 1],
      ],
    });
    expect(line!.properties.lengthM).toBe(10);
  });
});

describe('scenarioZonesGeoJson', () => {
  it.each(Object.keys(CROWD_SCENARIOS))('writes a valid --zones file for %s', (name) => {
    const scenario = CROWD_SCENARIOS[name]!;
    const zones = parseZones(JSON.stringify(scenarioZonesGeoJson(scenario, 0.05)), 'zones.geojson');
    expect(zones.map((zone) => [zone.id, zone.kind])).toEqual(scenario.zones.map((zone) => [zone.id, zone.kind]));
  });
});

describe('SeededRandom', () => {
  it('repeats a sequence for a seed and has the requested moments', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    const sequence = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sequence);
    expect(new SeededRandom(6).next()).not.toBe(sequence[0]);
    const random = new SeededRandom(1);
    const values = Array.from({ length: 20000 }, () => random.gaussian(2, 0.5));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(0.5, 1);
  });
});
