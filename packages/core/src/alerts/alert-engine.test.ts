import { describe, expect, it } from 'vitest';
import type { ZoneReading } from '../frame-analysis.js';
import type { AlertEvent } from './alert-event.js';
import { AlertEngine } from './alert-engine.js';
import type { AlertZone } from './alert-zone.js';
import { parseRulesConfig } from './parse-rules-config.js';

const zones: AlertZone[] = [{ id: 'plaza', kind: 'standing' }];

/** 1 -> 6 persons/m² over 120 s, held 60 s, back to 1 over 120 s, then 60 s at 1. */
function rampDensity(timeS: number): number {
  if (timeS <= 120) return 1 + (5 * timeS) / 120;
  if (timeS <= 180) return 6;
  if (timeS <= 300) return 6 - (5 * (timeS - 180)) / 120;
  return 1;
}

/** Deterministic pseudo-random noise in [-1, 1]. */
function noise(index: number): number {
  const x = Math.sin(index * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

function reading(zoneId: string, densityPerM2: number, extra: Partial<ZoneReading> = {}): ZoneReading {
  return { zoneId, kind: 'area', count: densityPerM2 * 100, areaM2: 100, densityPerM2, ...extra };
}

function runRamp(fps: number, noiseAmplitude = 0, engine = new AlertEngine({ streamId: 'cam1' })): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (let frame = 0; frame <= 360 * fps; frame++) {
    const timeS = frame / fps;
    const density = Math.max(0, rampDensity(timeS) + noiseAmplitude * noise(frame));
    events.push(...engine.evaluate({ timeS, frameSeq: frame, readings: [reading('plaza', density)], zones }));
  }
  events.push(...engine.finish());
  return events;
}

const summary = (events: AlertEvent[]) => events.map((event) => `${event.type}:${event.severity}`);

describe('AlertEngine on a density ramp', () => {
  it('raises info, warning, danger, critical in order, each once, and clears them in reverse order', () => {
    const density = runRamp(5).filter((event) => event.rule === 'density');
    expect(summary(density)).toEqual([
      'raised:info',
      'escalated:warning',
      'escalated:danger',
      'escalated:critical',
      'cleared:critical',
      'cleared:danger',
      'cleared:warning',
      'cleared:info',
    ]);
    const [info, warning, danger, critical] = density;
    // Each level opens once its threshold was crossed and held for its sustain time (plus smoothing lag).
    const crossing = (threshold: number) => ((threshold - 1) * 120) / 5;
    expect(info!.timeS).toBeGreaterThanOrEqual(crossing(2) + 15);
    expect(info!.timeS).toBeLessThan(crossing(2) + 15 + 4);
    expect(warning!.timeS).toBeGreaterThanOrEqual(crossing(3.5) + 10);
    expect(danger!.timeS).toBeGreaterThanOrEqual(crossing(5) + 5);
    expect(danger!.timeS).toBeLessThan(crossing(5) + 5 + 4);
    expect(critical!.timeS).toBeGreaterThanOrEqual(120 + 3);
    expect(critical!.threshold).toBe(6);
    // The incident shares the id of the first alert; every escalation names the alert it escalated.
    expect(new Set(density.map((event) => event.incidentId))).toEqual(new Set([info!.id]));
    expect(warning!.evidence.escalatedFromId).toBe(info!.id);
    expect(critical!.evidence.escalatedFromId).toBe(danger!.id);
    // Each cleared event closes an alert opened before, with the peak kept.
    const cleared = density.slice(4);
    expect(cleared.map((event) => event.id)).toEqual([critical!.id, danger!.id, warning!.id, info!.id]);
    expect(cleared[3]!.evidence.peakValue).toBeCloseTo(6, 1);
    expect(cleared.every((event) => event.evidence.clearReason === 'value-cleared')).toBe(true);
    expect(cleared[0]!.threshold).toBe(5.5);
  });

  it('does not flap or duplicate with noisy readings', () => {
    const density = runRamp(5, 0.35).filter((event) => event.rule === 'density');
    expect(summary(density)).toEqual([
      'raised:info',
      'escalated:warning',
      'escalated:danger',
      'escalated:critical',
      'cleared:critical',
      'cleared:danger',
      'cleared:warning',
      'cleared:info',
    ]);
  });

  it('is independent of the frame rate', () => {
    const slow = runRamp(2).filter((event) => event.rule === 'density');
    const fast = runRamp(25).filter((event) => event.rule === 'density');
    expect(summary(fast)).toEqual(summary(slow));
    slow.forEach((event, index) => expect(Math.abs(event.timeS - fast[index]!.timeS)).toBeLessThanOrEqual(0.55));
  });

  it('is deterministic: the same input gives the same ids and events', () => {
    const first = runRamp(5, 0.2);
    const second = runRamp(5, 0.2);
    expect(second).toEqual(first);
    const opened = first.filter((event) => event.type !== 'cleared').map((event) => event.id);
    expect(new Set(opened).size).toBe(opened.length);
    expect(opened[0]).toMatch(/^cam1:plaza:/);
  });

  it('keeps the evidence: values, thresholds, history and frame', () => {
    const danger = runRamp(5).find((event) => event.rule === 'density' && event.severity === 'danger')!;
    expect(danger.value).toBeGreaterThanOrEqual(5);
    expect(danger.evidence.frameSeq).toBe(Math.round(danger.timeS * 5));
    expect(danger.evidence.conditionSinceS).toBeLessThanOrEqual(danger.timeS - 5);
    const history = danger.evidence.history;
    expect(history.length).toBeGreaterThan(60);
    expect(history.at(-1)!.timeS).toBe(danger.timeS);
    expect(history[0]!.timeS).toBeGreaterThanOrEqual(danger.timeS - 60);
  });
});

describe('AlertEngine rules', () => {
  it('uses the overrides of a rules file', () => {
    const rules = parseRulesConfig({ zones: { plaza: { density: { warning: { raise: 2.5, clear: 2.2 } } } } });
    const events = runRamp(5, 0, new AlertEngine({ rules })).filter((event) => event.rule === 'density');
    const warning = events.find((event) => event.severity === 'warning')!;
    expect(warning.threshold).toBe(2.5);
    expect(warning.timeS).toBeLessThan(((3.5 - 1) * 120) / 5);
  });

  it('clears open alerts when a zone stops reporting, and at the end of the stream', () => {
    const engine = new AlertEngine({ staleAfterS: 20 });
    const events: AlertEvent[] = [];
    for (let timeS = 0; timeS <= 40; timeS += 1) {
      events.push(...engine.evaluate({ timeS, readings: [reading('plaza', 4), reading('hall', 4)], zones }));
    }
    expect(
      engine
        .activeAlerts()
        .filter((alert) => alert.zoneId === 'plaza')
        .map((a) => a.severity),
    ).toEqual(['info', 'warning']);
    for (let timeS = 41; timeS <= 70; timeS += 1) {
      events.push(...engine.evaluate({ timeS, readings: [reading('hall', 4)], zones }));
    }
    const plazaCleared = events.filter((event) => event.zoneId === 'plaza' && event.type === 'cleared');
    expect(plazaCleared.map((event) => [event.severity, event.evidence.clearReason])).toEqual([
      ['warning', 'no-data'],
      ['info', 'no-data'],
    ]);
    expect(plazaCleared[0]!.timeS).toBeGreaterThan(60);
    const ended = engine.finish();
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((event) => event.zoneId === 'hall' && event.evidence.clearReason === 'stream-ended')).toBe(true);
    expect(engine.activeAlerts()).toEqual([]);
  });

  it('skips frames whose time does not increase', () => {
    const engine = new AlertEngine();
    engine.evaluate({ timeS: 10, readings: [reading('plaza', 1)] });
    expect(engine.evaluate({ timeS: 10, readings: [reading('plaza', 1)] })).toEqual([]);
    expect(engine.evaluate({ timeS: Number.NaN, readings: [] })).toEqual([]);
    expect(engine.skippedFrames).toBe(2);
  });
});
