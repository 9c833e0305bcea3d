import { describe, expect, it } from 'vitest';
import type { ZoneReading } from '../frame-analysis.js';
import type { AlertEvent } from './alert-event.js';
import { AlertEngine, type OpenAlertToRestore } from './alert-engine.js';
import type { AlertZone } from './alert-zone.js';

// A server killed while alerts are open restarts its stream with a new engine whose stream time
// starts again at 0: the open alerts must carry on under their ids, not be raised a second time.
const zones: AlertZone[] = [{ id: 'plaza', kind: 'standing' }];
const reading = (densityPerM2: number): ZoneReading => ({
  zoneId: 'plaza',
  kind: 'area',
  count: densityPerM2 * 100,
  areaM2: 100,
  densityPerM2,
});

/** Density 1 -> 6 over 120 s, then held: every level of the density ladder opens on the way. */
const ramp = (timeS: number) => Math.min(6, 1 + (5 * timeS) / 120);

function run(engine: AlertEngine, fromS: number, toS: number, density: (timeS: number) => number): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (let timeS = fromS; timeS <= toS; timeS += 0.5) {
    events.push(...engine.evaluate({ timeS, readings: [reading(density(timeS))], zones }));
  }
  return events;
}

/** What a store keeps of the open alerts, moved into the new run's stream time (it started at `restartS`). */
function leftOpen(events: AlertEvent[], restartS: number): OpenAlertToRestore[] {
  const cleared = new Set(events.filter((e) => e.type === 'cleared').map((e) => e.id));
  return events
    .filter((e) => e.type !== 'cleared' && !cleared.has(e.id))
    .map((e) => ({
      id: e.id,
      incidentId: e.incidentId,
      zoneId: e.zoneId,
      rule: e.rule,
      severity: e.severity,
      startedAtS: e.timeS - restartS,
      peakValue: e.evidence.peakValue,
      peakAtS: e.timeS - restartS,
      value: e.value,
    }));
}

describe('AlertEngine.restore (carrying open alerts over a restart)', () => {
  it('raises nothing again while the condition holds, and clears the restored ids when it ends', () => {
    const first = new AlertEngine({ streamId: 'cam1' });
    const before = run(first, 0, 150, ramp).filter((e) => e.rule === 'density');
    const open = leftOpen(before, 150);
    expect(open.map((a) => a.severity)).toEqual(['info', 'warning', 'danger', 'critical']);

    // The restarted run: its stream time starts at 0, the density is still 6, then falls to 1.
    const second = new AlertEngine({ streamId: 'cam1' });
    expect(second.restore(open, zones, 0)).toEqual([]);
    expect(second.activeAlerts().map((a) => a.id)).toEqual(open.map((a) => a.id));
    const held = run(second, 0.5, 60, () => 6).filter((e) => e.rule === 'density');
    expect(held).toEqual([]);
    const after = run(second, 60.5, 200, (t) => Math.max(1, 6 - (t - 60) / 10)).filter((e) => e.rule === 'density');
    expect(after.map((e) => `${e.type}:${e.severity}`)).toEqual([
      'cleared:critical',
      'cleared:danger',
      'cleared:warning',
      'cleared:info',
    ]);
    expect(after.map((e) => e.id)).toEqual(open.map((a) => a.id).reverse());
    // Durations count from the original raise, before the restart.
    const info = after.at(-1)!;
    expect(info.evidence.durationS).toBeCloseTo(info.timeS - open[0]!.startedAtS, 6);
  });

  it('escalates a restored incident further, keeping its incident id', () => {
    const first = new AlertEngine({ streamId: 'cam1' });
    const before = run(first, 0, 150, ramp).filter((e) => e.rule === 'density');
    const open = leftOpen(before, 150).filter((a) => a.severity === 'info');
    const second = new AlertEngine({ streamId: 'cam1' });
    expect(second.restore(open, zones, 0)).toEqual([]);
    const events = run(second, 0.5, 60, () => 6).filter((e) => e.rule === 'density');
    expect(events.map((e) => `${e.type}:${e.severity}`)).toEqual([
      'escalated:warning',
      'escalated:danger',
      'escalated:critical',
    ]);
    expect(new Set(events.map((e) => e.incidentId))).toEqual(new Set([open[0]!.id]));
  });

  it('returns what it cannot carry on: an unknown rule or severity, a gap in the ladder', () => {
    const first = new AlertEngine({ streamId: 'cam1' });
    const open = leftOpen(
      run(first, 0, 150, ramp).filter((e) => e.rule === 'density'),
      150,
    );
    const engine = new AlertEngine({ streamId: 'cam1' });
    const gap = open.filter((a) => a.severity !== 'warning'); // info and danger, no warning
    const unknown = { ...open[0]!, id: 'cam1:plaza:nosuch:info:1', rule: 'nosuch' };
    const rejected = engine.restore([...gap, unknown], zones, 0);
    expect(rejected.map((a) => a.id).sort()).toEqual([...gap.map((a) => a.id), unknown.id].sort());
    expect(engine.activeAlerts()).toEqual([]);
    // Nothing restored: the condition raises its alerts anew.
    expect(run(engine, 0.5, 40, () => 6).some((e) => e.type === 'raised' && e.rule === 'density')).toBe(true);
  });

  it('clears a restored alert with no-data when its zone reports nothing any more', () => {
    const first = new AlertEngine({ streamId: 'cam1' });
    const open = leftOpen(
      run(first, 0, 150, ramp).filter((e) => e.rule === 'density'),
      150,
    );
    const engine = new AlertEngine({ streamId: 'cam1', staleAfterS: 30 });
    engine.restore(open, zones, 0);
    const events: AlertEvent[] = [];
    for (let timeS = 0.5; timeS <= 40; timeS += 0.5) events.push(...engine.evaluate({ timeS, readings: [], zones }));
    const cleared = events.filter((e) => e.rule === 'density');
    expect(cleared.map((e) => e.id)).toEqual(open.map((a) => a.id).reverse());
    expect(new Set(cleared.map((e) => e.evidence.clearReason))).toEqual(new Set(['no-data']));
    expect(cleared[0]!.timeS).toBeGreaterThan(30);
  });

  it('puts the wall time of the raise in ids when given the origin of stream time', () => {
    const engine = new AlertEngine({ streamId: 'cam1', idTimeOriginMs: 1_700_000_000_000 });
    const raised = run(engine, 0, 150, ramp).find((e) => e.type === 'raised' && e.rule === 'density')!;
    expect(raised.id).toBe(`cam1:plaza:density:info:${1_700_000_000_000 + Math.round(raised.timeS * 1000)}`);
  });
});
