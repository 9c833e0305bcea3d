import { describe, expect, it } from 'vitest';
import type { ZoneReading } from '../frame-analysis.js';
import type { AlertEvent } from './alert-event.js';
import { AlertEngine } from './alert-engine.js';
import type { AlertZone } from './alert-zone.js';
import { WindowMedian, WindowSlope } from './rule-metrics.js';

type Signal = (timeS: number) => Partial<ZoneReading> & { count?: number };

/** Runs one or two zones through a fresh engine at 5 fps; returns the opened (raised/escalated) alerts. */
function opened(zones: AlertZone[], signals: Record<string, Signal>, durationS = 240): AlertEvent[] {
  const engine = new AlertEngine();
  const events: AlertEvent[] = [];
  for (let frame = 0; frame <= durationS * 5; frame++) {
    const timeS = frame / 5;
    const readings = Object.entries(signals).map(([zoneId, signal]) => ({
      zoneId,
      kind: 'area' as const,
      count: 0,
      ...signal(timeS),
    }));
    events.push(...engine.evaluate({ timeS, readings, zones }));
  }
  return events.filter((event) => event.type !== 'cleared');
}

const labels = (events: AlertEvent[]) => events.map((event) => `${event.rule}:${event.severity}`);

describe('rules', () => {
  const standing: AlertZone[] = [{ id: 'z', kind: 'standing', capacity: 100 }];

  it.each<[string, AlertZone[], Signal, string[]]>([
    ['local density', standing, () => ({ densityPerM2: 1, peakLocalDensityPerM2: 6.5 }), ['localDensity:critical']],
    ['occupancy', standing, () => ({ count: 95, densityPerM2: 1 }), ['occupancy:info', 'occupancy:warning']],
    ['occupancy without capacity', [{ id: 'z', kind: 'standing' }], () => ({ count: 500, densityPerM2: 1 }), []],
    [
      'growth',
      standing,
      (t) => ({ densityPerM2: 1 + (1.2 * Math.min(t, 80)) / 60 }),
      ['growth:info', 'growth:warning', 'density:info'],
    ],
    ['steady density', standing, () => ({ densityPerM2: 1.5 }), []],
    [
      'line flow',
      [{ id: 'z', kind: 'walkway' }],
      () => ({ flowPerMPerMin: 90 }),
      ['lineFlow:info', 'lineFlow:warning'],
    ],
    [
      'counterflow',
      [{ id: 'z', kind: 'walkway' }],
      () => ({ densityPerM2: 1.8, counterflowShare: 0.3 }),
      ['density:info', 'counterflow:danger'],
    ],
    [
      'counterflow in a sparse crowd',
      [{ id: 'z', kind: 'walkway' }],
      () => ({ densityPerM2: 0.5, counterflowShare: 0.5 }),
      [],
    ],
    [
      'pressure',
      standing,
      () => ({ densityPerM2: 1, peakLocalDensityPerM2: 5.5, pressurePerS2: 0.03 }),
      ['pressure:critical'],
    ],
    [
      'pressure at low density',
      standing,
      () => ({ densityPerM2: 1, peakLocalDensityPerM2: 3, pressurePerS2: 0.5 }),
      [],
    ],
    ['dispersal', standing, () => ({ count: 60, densityPerM2: 1, divergencePerS: 0.3 }), ['dispersal:critical']],
    ['dispersal of a handful', standing, () => ({ count: 4, densityPerM2: 1, divergencePerS: 0.3 }), []],
    [
      'restricted zone',
      [{ id: 'z', kind: 'restricted' }],
      () => ({ count: 2, densityPerM2: 3 }),
      ['restricted:warning'],
    ],
    ['people in an open zone', standing, () => ({ count: 2, densityPerM2: 0.02 }), []],
  ])('%s', (_name, zones, signal, expected) => {
    expect(labels(opened(zones, { z: signal })).sort()).toEqual([...expected].sort());
  });

  it('raises an outflow collapse only while the upstream zone is dense', () => {
    const zones: AlertZone[] = [
      { id: 'plaza', kind: 'standing' },
      { id: 'exit', kind: 'gate', upstreamZoneId: 'plaza' },
    ];
    const collapse = opened(zones, { plaza: () => ({ densityPerM2: 4.5 }), exit: () => ({ flowPerMPerMin: 30 }) });
    expect(labels(collapse.filter((event) => event.zoneId === 'exit'))).toEqual(['outflowCollapse:danger']);
    const quiet = opened(zones, { plaza: () => ({ densityPerM2: 1.5 }), exit: () => ({ flowPerMPerMin: 30 }) });
    expect(quiet.filter((event) => event.zoneId === 'exit')).toEqual([]);
  });

  it("raises a speed drop against the zone's own baseline only while density rises", () => {
    const zones: AlertZone[] = [{ id: 'z', kind: 'walkway' }];
    const slowing: Signal = (t) =>
      t < 120
        ? { densityPerM2: 1.2, meanSpeedMPerS: 1.3 }
        : { densityPerM2: 1.2 + (t - 120) / 60, meanSpeedMPerS: 0.4 };
    const drop = opened(zones, { z: slowing }).filter((event) => event.rule === 'speedDrop');
    expect(labels(drop)).toEqual(['speedDrop:warning']);
    expect(drop[0]!.timeS).toBeGreaterThan(120);
    expect(drop[0]!.timeS).toBeLessThan(140);
    expect(drop[0]!.value).toBeCloseTo(0.4 / 1.3, 1);
    const steady: Signal = (t) => ({ densityPerM2: 1.2, meanSpeedMPerS: t < 120 ? 1.3 : 0.4 });
    expect(opened(zones, { z: steady }).filter((event) => event.rule === 'speedDrop')).toEqual([]);
  });

  it('clears a gated alert when its gate closes', () => {
    const engine = new AlertEngine();
    const zones: AlertZone[] = [{ id: 'z', kind: 'walkway' }];
    const events: AlertEvent[] = [];
    for (let frame = 0; frame <= 600; frame++) {
      const timeS = frame / 5;
      const densityPerM2 = timeS < 60 ? 2 : 0.5;
      events.push(
        ...engine.evaluate({
          timeS,
          zones,
          readings: [{ zoneId: 'z', kind: 'area', count: 50, densityPerM2, counterflowShare: 0.4 }],
        }),
      );
    }
    const cleared = events.find((event) => event.rule === 'counterflow' && event.type === 'cleared')!;
    expect(cleared.evidence.clearReason).toBe('gate-closed');
    expect(cleared.timeS).toBeGreaterThanOrEqual(70);
    expect(cleared.timeS).toBeLessThan(75);
  });
});

it('clears a dispersal alert once the zone has emptied (closed gate, no value)', () => {
  const engine = new AlertEngine();
  const zones: AlertZone[] = [{ id: 'z', kind: 'standing' }];
  const events: AlertEvent[] = [];
  for (let frame = 0; frame <= 300; frame++) {
    const timeS = frame / 5;
    const reading: ZoneReading =
      timeS < 20
        ? { zoneId: 'z', kind: 'area', count: 60, densityPerM2: 1, divergencePerS: 0.3 }
        : { zoneId: 'z', kind: 'area', count: 2, densityPerM2: 0.02 };
    events.push(...engine.evaluate({ timeS, zones, readings: [reading] }));
  }
  const cleared = events.filter((event) => event.rule === 'dispersal' && event.type === 'cleared');
  expect(cleared.map((event) => event.evidence.clearReason)).toEqual(['gate-closed']);
  expect(cleared[0]!.timeS).toBeGreaterThanOrEqual(30);
  expect(cleared[0]!.timeS).toBeLessThan(33);
  expect(cleared[0]!.evidence.peakValue).toBeCloseTo(0.3, 9);
});

describe('WindowMedian and WindowSlope', () => {
  it('median ignores a single outlier and does not depend on the frame rate', () => {
    const slow = new WindowMedian(2);
    const fast = new WindowMedian(2);
    let slowValue: number | undefined = 0;
    let fastValue: number | undefined = 0;
    for (let frame = 0; frame <= 50; frame++) slowValue = slow.update(frame / 5, frame === 48 ? 100 : 3);
    for (let frame = 0; frame <= 250; frame++) fastValue = fast.update(frame / 25, frame === 240 ? 100 : 3);
    expect(slowValue).toBe(3);
    expect(fastValue).toBe(3);
    expect(new WindowMedian(0).update(1, 42)).toBe(42);
  });

  it('median is unknown when the metric was seen in fewer than half of the frames', () => {
    const median = new WindowMedian(2);
    const results: (number | undefined)[] = [];
    // A stray value every fourth frame, then a metric seen in every other frame.
    for (let frame = 0; frame < 20; frame++) results.push(median.update(frame / 5, frame % 4 === 0 ? 0.5 : undefined));
    expect(results.slice(10).filter((value) => value !== undefined)).toEqual([]);
    let last: number | undefined;
    for (let frame = 20; frame < 40; frame++)
      last = median.update(frame / 5, frame % 2 === 0 ? 0.4 : undefined) ?? last;
    expect(last).toBe(0.4);
  });

  it('slope is the least-squares rate over the window, once half of it is covered', () => {
    const slope = new WindowSlope(60);
    expect(slope.update(0, 1)).toBeUndefined();
    let perS: number | undefined;
    for (let t = 1; t <= 120; t++) perS = slope.update(t, 1 + 0.05 * t + (t % 2 === 0 ? 0.1 : -0.1));
    expect(perS).toBeCloseTo(0.05, 3);
  });
});
