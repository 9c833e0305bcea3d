import { describe, expect, it } from 'vitest';
import type { ScenarioZone } from './crowd-scenario.js';
import { rectPolygon } from '../movement/planar-geometry.js';
import { ZoneMeter, type PeopleFrame } from './zone-meter.js';

interface Person {
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
}

function frame(timeS: number, people: Person[]): PeopleFrame {
  return {
    timeS,
    count: people.length,
    ids: Int32Array.from(people.map((p) => p.id)),
    x: Float64Array.from(people.map((p) => p.x)),
    y: Float64Array.from(people.map((p) => p.y)),
    vx: Float64Array.from(people.map((p) => p.vx)),
    vy: Float64Array.from(people.map((p) => p.vy)),
  };
}

/** People on a square lattice of `spacingM` over [x0, x1) x [y0, y1), with a velocity per person. */
function lattice(
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  spacingM: number,
  velocity: (p: Person) => [number, number],
) {
  const people: Person[] = [];
  for (let y = y0 + spacingM / 2; y < y1; y += spacingM) {
    for (let x = x0 + spacingM / 2; x < x1; x += spacingM) {
      const person = { id: people.length, x, y, vx: 0, vy: 0 };
      [person.vx, person.vy] = velocity(person);
      people.push(person);
    }
  }
  return people;
}

const area: ScenarioZone = { id: 'a', kind: 'standing', polygon: rectPolygon({ x0: 5, y0: 5, x1: 15, y1: 15 }) };

describe('ZoneMeter', () => {
  it('measures density, local density and speed of a uniform crowd', () => {
    // 4 persons/m² (spacing 0.5 m) over a larger area than the zone, all walking right at 1 m/s.
    const people = lattice(0, 20, 0, 20, 0.5, () => [1, 0]);
    const [reading] = new ZoneMeter([area]).measure(frame(0, people));
    expect(reading!.count).toBe(400);
    expect(reading!.areaM2).toBe(100);
    expect(reading!.densityPerM2).toBeCloseTo(4, 9);
    expect(reading!.peakLocalDensityPerM2).toBeGreaterThan(3.9);
    expect(reading!.peakLocalDensityPerM2).toBeLessThan(4.1);
    expect(reading!.meanSpeedMPerS).toBeCloseTo(1, 9);
    expect(reading!.counterflowShare).toBe(0);
    expect(reading!.directionDeg).toBeCloseTo(90, 6);
    expect(reading!.divergencePerS).toBeCloseTo(0, 9);
    expect(reading!.pressurePerS2).toBe(0);
  });

  it('measures the share of counterflow', () => {
    const people = lattice(5, 15, 5, 15, 1, (p) => [p.id % 4 === 0 ? -1.2 : 1.2, 0]);
    const [reading] = new ZoneMeter([area]).measure(frame(0, people));
    expect(reading!.counterflowShare).toBeCloseTo(0.25, 9);
    // Streams along one axis do not look like a dispersal.
    expect(Math.abs(reading!.divergencePerS!)).toBeLessThan(0.05);
  });

  it('gives no counterflow when people shuffle in every direction', () => {
    // Everyone moves at 0.5 m/s, headings spread evenly around the circle: no dominant direction.
    const people = lattice(5, 15, 5, 15, 1, (p) => {
      const angle = (p.id * 2 * Math.PI) / 7;
      return [0.5 * Math.cos(angle), 0.5 * Math.sin(angle)];
    });
    const [reading] = new ZoneMeter([area]).measure(frame(0, people));
    expect(reading!.counterflowShare).toBeUndefined();
    expect(reading!.meanSpeedMPerS).toBeCloseTo(0.5, 9);
  });

  it('measures radial divergence: 2k for v = k (r - c), about 0 for stretching along one axis', () => {
    const radial = lattice(5, 15, 5, 15, 1, (p) => [0.2 * (p.x - 10), 0.2 * (p.y - 10)]);
    expect(new ZoneMeter([area]).measure(frame(0, radial))[0]!.divergencePerS).toBeCloseTo(0.4, 9);
    const stretch = lattice(5, 15, 5, 15, 1, (p) => [0.2 * (p.x - 10), 0]);
    expect(new ZoneMeter([area]).measure(frame(0, stretch))[0]!.divergencePerS).toBeCloseTo(0, 9);
    const contraction = lattice(5, 15, 5, 15, 1, (p) => [-0.1 * (p.x - 10), -0.1 * (p.y - 10)]);
    expect(new ZoneMeter([area]).measure(frame(0, contraction))[0]!.divergencePerS).toBeCloseTo(-0.2, 9);
  });

  it('turns fluctuating local velocities in a dense crowd into pressure', () => {
    const meter = new ZoneMeter([area]);
    let pressure = 0;
    for (let step = 0; step <= 50; step++) {
      // 4 persons/m², the whole crowd surging back and forth at 0.3 m/s.
      const surge = step % 2 === 0 ? 0.3 : -0.3;
      pressure = meter.measure(
        frame(
          step * 0.2,
          lattice(0, 20, 0, 20, 0.5, () => [surge, 0]),
        ),
      )[0]!.pressurePerS2!;
    }
    // rho x Var(V) = 4 x 0.09, less the start-up of the running variance.
    expect(pressure).toBeGreaterThan(0.25);
    expect(pressure).toBeLessThan(0.4);
  });

  it('counts line crossings per direction and the specific flow per metre', () => {
    const line: ScenarioZone = {
      id: 'l',
      kind: 'gate',
      line: [
        [10, 0],
        [10, 4],
      ],
    };
    const meter = new ZoneMeter([line], { flowWindowS: 10 });
    let reading = meter.measure(frame(0, []))[0]!;
    // Every second, 2 new people step across the line (x 9.5 -> 10.5), all in the same direction.
    for (let second = 1; second <= 20; second++) {
      const before = [0, 1].map((k) => ({ id: second * 10 + k, x: 9.5, y: 1 + k, vx: 1, vy: 0 }));
      meter.measure(frame(second - 0.5, before));
      reading = meter.measure(
        frame(
          second,
          before.map((p) => ({ ...p, x: 10.5 })),
        ),
      )[0]!;
    }
    expect(reading.kind).toBe('line');
    expect((reading.inCount ?? 0) + (reading.outCount ?? 0)).toBe(2);
    const perMin = (reading.inflowPerMin ?? 0) + (reading.outflowPerMin ?? 0);
    expect(perMin).toBeCloseTo(120, 6);
    expect(Math.min(reading.inflowPerMin!, reading.outflowPerMin!)).toBe(0);
    expect(reading.flowPerMPerMin).toBeCloseTo(30, 6);
  });
});
