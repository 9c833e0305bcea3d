import { describe, expect, it } from 'vitest';
import { CROWD_SCENARIOS } from './crowd-scenarios.js';
import { ONSET_TOLERANCE_S, runScenario } from './scenario-run.js';

// The acceptance of "Issue warnings": simulate -> observed readings (noise) -> rules -> alerts.
describe('alert rules on simulated scenarios', () => {
  it.each([
    ['bottleneck', 110],
    ['counterflow', 200],
    ['dispersal', 90],
  ])('%s raises a danger or critical alert within 10 s of the ground-truth onset', (name, durationS) => {
    const { truth, events, outcome } = runScenario(CROWD_SCENARIOS[name]!, { seed: 1, fps: 5, durationS });
    expect(truth.dangerOnsetS).not.toBeNull();
    expect(outcome.firstDangerAlertS).not.toBeNull();
    expect(Math.abs(outcome.delayS!)).toBeLessThanOrEqual(ONSET_TOLERANCE_S);
    expect(outcome.falseAlarms).toBe(0);
    expect(outcome.passed).toBe(true);
    // Nothing above info before the danger onset (minus the tolerance).
    const early = events.filter(
      (event) =>
        event.type !== 'cleared' &&
        (event.severity === 'danger' || event.severity === 'critical') &&
        event.timeS < truth.dangerOnsetS! - ONSET_TOLERANCE_S,
    );
    expect(early).toEqual([]);
  });

  it.each(['free-flow', 'static-audience'])('%s raises nothing above info over one simulated hour', (name) => {
    const { truth, events, outcome } = runScenario(CROWD_SCENARIOS[name]!, { seed: 1, fps: 1, durationS: 3600 });
    expect(truth.durationS).toBe(3600);
    expect(truth.dangerOnsetS).toBeNull();
    expect(events.filter((event) => event.severity !== 'info')).toEqual([]);
    expect(outcome.passed).toBe(true);
    if (name === 'static-audience') {
      // The audience really is at (about) 2 persons/m² all along.
      expect(truth.peaks.audience?.density).toBeGreaterThan(1.8);
      expect(truth.peaks.audience?.density).toBeLessThanOrEqual(2.05);
    }
  });
});
