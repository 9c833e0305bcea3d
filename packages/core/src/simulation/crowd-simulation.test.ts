import { describe, expect, it } from 'vitest';
import type { CrowdScenario } from './crowd-scenario.js';
import { CROWD_SCENARIOS } from './crowd-scenarios.js';
import { simulateScenario, type TruthFrame } from './crowd-simulation.js';
import { rectPolygon } from '../movement/planar-geometry.js';
import { ZoneMeter } from './zone-meter.js';

const collect = (scenario: CrowdScenario, options: Parameters<typeof simulateScenario>[1]) => [
  ...simulateScenario(scenario, options),
];

describe('CrowdSimulation', () => {
  it('is deterministic for a seed and outputs frames at the chosen rate', () => {
    const scenario = CROWD_SCENARIOS.counterflow!;
    const first = collect(scenario, { seed: 3, durationS: 30, fps: 5 });
    const again = collect(scenario, { seed: 3, durationS: 30, fps: 5 });
    const other = collect(scenario, { seed: 4, durationS: 30, fps: 5 });
    expect(first).toHaveLength(151);
    expect(first.map((frame) => frame.timeS)).toEqual(first.map((_, index) => index * 0.2));
    expect(again).toEqual(first);
    expect(other.at(-1)!.x).not.toEqual(first.at(-1)!.x);
  });

  it('walks a lone person at about the desired speed toward the goal', () => {
    const scenario: CrowdScenario = {
      name: 'lone',
      summary: 'one walker',
      benign: true,
      world: { widthM: 60, heightM: 10 },
      durationS: 20,
      dtS: 0.05,
      walls: [],
      groups: [
        {
          id: 'walker',
          inflow: { region: { x0: 1, y0: 4, x1: 2, y1: 6 }, ratePerS: 1, endS: 1 },
          behaviour: { type: 'route', route: [{ type: 'point', at: [50, 5], reachM: 0.5 }] },
          desiredSpeedMPerS: { mean: 1.3, sd: 0, min: 1.3, max: 1.3 },
          radiusM: { min: 0.2, max: 0.2 },
        },
      ],
      zones: [],
      model: { fluctuationMPerS: 0 },
    };
    const frames = collect(scenario, { durationS: 20, fps: 5 });
    const last = frames.at(-1)!;
    expect(last.count).toBe(1);
    expect(last.vx[0]).toBeCloseTo(1.3, 2);
    expect(Math.abs(last.vy[0]!)).toBeLessThan(0.05);
  });

  it('keeps walkers between the walls of a corridor', () => {
    const frames = collect(CROWD_SCENARIOS['free-flow']!, { durationS: 120, fps: 1 });
    let people = 0;
    for (const frame of frames) {
      for (let i = 0; i < frame.count; i++) {
        expect(frame.y[i]).toBeGreaterThan(3.1);
        expect(frame.y[i]).toBeLessThan(10.9);
      }
      people = Math.max(people, frame.count);
    }
    expect(people).toBeGreaterThan(50);
  });

  it('builds up crush density at a bottleneck without numerical blow-up', () => {
    const scenario = CROWD_SCENARIOS.bottleneck!;
    const meter = new ZoneMeter(scenario.zones);
    let peak = 0;
    let last: TruthFrame | undefined;
    for (const frame of simulateScenario(scenario, { durationS: 100, fps: 2 })) {
      const approach = meter.measure(frame).find((reading) => reading.zoneId === 'approach')!;
      peak = Math.max(peak, approach.densityPerM2!);
      for (let i = 0; i < frame.count; i++) {
        expect(Number.isFinite(frame.x[i])).toBe(true);
        expect(Math.hypot(frame.vx[i]!, frame.vy[i]!)).toBeLessThan(4);
        // Nobody goes through the exit wall except at the 0.8 m opening.
        if (frame.x[i]! > 11.9 && frame.x[i]! < 12.1) expect(Math.abs(frame.y[i]! - 6)).toBeLessThan(0.6);
      }
      last = frame;
    }
    expect(peak).toBeGreaterThan(5);
    // Some got out through the exit.
    expect(Math.max(...last!.x)).toBeGreaterThan(12);
  });

  it('keeps a standing audience in place', () => {
    const scenario = CROWD_SCENARIOS['static-audience']!;
    const meter = new ZoneMeter([
      { id: 'a', kind: 'standing', polygon: rectPolygon({ x0: 3, y0: 3, x1: 15, y1: 13 }) },
    ]);
    const readings = collect(scenario, { durationS: 60, fps: 1 }).map((frame) => meter.measure(frame)[0]!);
    for (const reading of readings.slice(10)) {
      expect(reading.densityPerM2).toBeGreaterThan(1.85);
      expect(reading.densityPerM2).toBeLessThanOrEqual(2.05);
      expect(reading.meanSpeedMPerS).toBeLessThan(0.3);
    }
  });
});
