import { describe, expect, it } from 'vitest';
import { fruinFlowLevel, fruinLevel, type FruinLevel } from './fruin-level.js';
import { stillClass, type StillClass } from './still-class.js';

describe('fruinLevel', () => {
  // Bounds from docs/CROWD-SAFETY.md; values on a bound belong to the better level ("A <= 0.31").
  const walkway: [number, FruinLevel][] = [
    [0, 'A'],
    [0.31, 'A'],
    [0.32, 'B'],
    [0.43, 'B'],
    [0.5, 'C'],
    [0.72, 'C'],
    [1.0, 'D'],
    [1.08, 'D'],
    [1.09, 'E'],
    [2.17, 'E'],
    [2.18, 'F'],
    [6, 'F'],
  ];
  it.each(walkway)('walkway %f persons/m² -> %s', (density, level) => {
    expect(fruinLevel(density, 'walkway')).toBe(level);
  });

  const queuing: [number, FruinLevel][] = [
    [0.83, 'A'],
    [0.9, 'B'],
    [1.2, 'C'],
    [1.54, 'C'],
    [2, 'D'],
    [3.6, 'D'],
    [4, 'E'],
    [5.4, 'E'],
    [5.5, 'F'],
  ];
  it.each(queuing)('queuing %f persons/m² -> %s', (density, level) => {
    expect(fruinLevel(density, 'queuing')).toBe(level);
  });

  it('the same density is worse on a walkway than in a queue', () => {
    expect(fruinLevel(1.2, 'walkway')).toBe('E');
    expect(fruinLevel(1.2, 'queuing')).toBe('C');
  });

  const flows: [number, FruinLevel][] = [
    [10, 'A'],
    [23, 'B'],
    [40, 'C'],
    [49, 'D'],
    [70, 'E'],
    [82, 'F'],
  ];
  it.each(flows)('walkway flow %f p/m/min -> %s', (flow, level) => {
    expect(fruinFlowLevel(flow)).toBe(level);
  });
});

describe('stillClass', () => {
  const cases: [number, StillClass][] = [
    [0, 'free'],
    [0.99, 'free'],
    [1, 'stable'],
    [2.49, 'stable'],
    [2.5, 'capacity'],
    [3.49, 'capacity'],
    [3.5, 'unstable'],
    [4.99, 'unstable'],
    [5, 'congested'],
    [9, 'congested'],
  ];
  it.each(cases)('%f persons/m² -> %s', (density, cls) => {
    expect(stillClass(density)).toBe(cls);
  });
});
