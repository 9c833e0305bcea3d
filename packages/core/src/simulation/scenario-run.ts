import type { AlertEvent } from '../alerts/alert-event.js';
import { AlertEngine } from '../alerts/alert-engine.js';
import { severityRank } from '../alerts/alert-zone.js';
import type { RulesConfig } from '../alerts/rules-config-schema.js';
import type { AlertSeverity, ZoneReading } from '../frame-analysis.js';
import type { CrowdScenario } from './crowd-scenario.js';
import { simulateScenario, type TruthFrame } from './crowd-simulation.js';
import { DEFAULT_OBSERVATION_NOISE, PeopleObserver, type ObservationNoise } from './people-observer.js';
import { ScenarioTruthRecorder, type ScenarioTruth } from './scenario-truth.js';
import { ZoneMeter } from './zone-meter.js';

/** How far from the ground-truth onset the first danger alert may be, seconds (the acceptance). */
export const ONSET_TOLERANCE_S = 10;

/** Options of {@link runScenario}. */
export interface ScenarioRunOptions {
  seed?: number;
  /** Output (and analysis) frame rate, frames per second (default 5). */
  fps?: number;
  /** Simulated seconds (default: the scenario's). */
  durationS?: number;
  /** Ground sampling distance of the rendered image, metres per pixel (default 0.05). */
  gsdMPerPx?: number;
  /** Detector/tracker imperfections applied before measuring (default {@link DEFAULT_OBSERVATION_NOISE}); null: none. */
  noise?: ObservationNoise | null;
  /** Evaluate the alert rules on the readings (default true). */
  alerts?: boolean;
  rules?: RulesConfig;
  /** Called with every truth frame, its observed readings and the alert events of the frame. */
  onFrame?: (frame: TruthFrame, readings: ZoneReading[], events: AlertEvent[]) => void;
}

/** How the rules did on a scenario against its ground truth. */
export interface ScenarioOutcome {
  scenario: string;
  benign: boolean;
  durationS: number;
  dangerOnsetS: number | null;
  /** First danger or critical alert (raised or escalated), seconds. */
  firstDangerAlertS: number | null;
  /** firstDangerAlertS - dangerOnsetS. */
  delayS: number | null;
  /** Gravest severity raised. */
  highestSeverity: AlertSeverity | null;
  /**
   * Alerts that should not have been raised: above info in a benign scenario; danger or critical
   * more than the tolerance before the onset in a danger scenario.
   */
  falseAlarms: number;
  /** The acceptance: benign raises nothing above info; danger alerts within the tolerance of the onset. */
  passed: boolean;
}

/** Everything {@link runScenario} found. */
export interface ScenarioRunResult {
  truth: ScenarioTruth;
  events: AlertEvent[];
  outcome: ScenarioOutcome;
}

/**
 * Validates the alert rules end to end on a simulated scenario: simulate -> observe (noise) ->
 * zone readings -> rules -> alert events, with the ground truth measured on the exact positions.
 */
export function runScenario(scenario: CrowdScenario, options: ScenarioRunOptions = {}): ScenarioRunResult {
  const seed = options.seed ?? 1;
  const fps = options.fps ?? 5;
  const recorder = new ScenarioTruthRecorder(scenario);
  const observer = options.noise === null ? undefined : new PeopleObserver(options.noise, seed + 1000);
  const meter = new ZoneMeter(scenario.zones);
  const engine =
    options.alerts === false ? undefined : new AlertEngine({ streamId: scenario.name, ...(options.rules ? { rules: options.rules } : {}) });
  const zones = scenario.zones.map((zone) => ({
    id: zone.id,
    kind: zone.kind,
    ...(zone.upstreamZoneId ? { upstreamZoneId: zone.upstreamZoneId } : {}),
  }));
  const events: AlertEvent[] = [];
  let lastTimeS = 0;
  const simulation = simulateScenario(scenario, { seed, fps, ...(options.durationS !== undefined ? { durationS: options.durationS } : {}) });
  for (const frame of simulation) {
    lastTimeS = frame.timeS;
    const exact = recorder.add(frame);
    const readings = observer ? meter.measure(observer.observe(frame)) : exact;
    const frameEvents = engine ? engine.evaluate({ timeS: frame.timeS, frameSeq: frame.frame, readings, zones }) : [];
    events.push(...frameEvents);
    options.onFrame?.(frame, readings, frameEvents);
  }
  if (engine) events.push(...engine.finish(lastTimeS));
  const truth = recorder.result({ gsdMPerPx: options.gsdMPerPx ?? 0.05, fps, seed });
  return { truth, events, outcome: scenarioOutcome(scenario, truth, events) };
}

/** Scores alert events against a scenario's truth (see {@link ScenarioOutcome}). */
export function scenarioOutcome(scenario: CrowdScenario, truth: ScenarioTruth, events: readonly AlertEvent[]): ScenarioOutcome {
  const opened = events.filter((event) => event.type !== 'cleared');
  const grave = opened.filter((event) => severityRank(event.severity) >= severityRank('danger'));
  const onset = truth.dangerOnsetS;
  const first = grave[0]?.timeS ?? null;
  let highest: AlertSeverity | null = null;
  for (const event of opened) if (highest === null || severityRank(event.severity) > severityRank(highest)) highest = event.severity;
  const falseAlarms = scenario.benign
    ? opened.filter((event) => event.severity !== 'info').length
    : grave.filter((event) => onset === null || event.timeS < onset - ONSET_TOLERANCE_S).length;
  const delayS = first !== null && onset !== null ? first - onset : null;
  const passed = scenario.benign
    ? falseAlarms === 0 && onset === null
    : delayS !== null && Math.abs(delayS) <= ONSET_TOLERANCE_S && falseAlarms === 0;
  return {
    scenario: scenario.name,
    benign: scenario.benign,
    durationS: truth.durationS,
    dangerOnsetS: onset,
    firstDangerAlertS: first,
    delayS,
    highestSeverity: highest,
    falseAlarms,
    passed,
  };
}
