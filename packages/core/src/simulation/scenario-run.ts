import type { AlertEvent } from '../alerts/alert-event.js';
import { AlertEngine } from '../alerts/alert-engine.js';
import { severityRank } from '../alerts/alert-zone.js';
import type { RulesConfig } from '../alerts/rules-config-schema.js';
import type { AlertSeverity, ZoneReading } from '../frame-analysis.js';
import type { CrowdScenario } from './crowd-scenario.js';
import { simulateScenario, type TruthFrame } from './crowd-simulation.js';
import { PeopleObserver, type ObservationNoise } from './people-observer.js';
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
  /** Detector/tracker imperfections applied before measuring (default DEFAULT_OBSERVATION_NOISE); null: none. */
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

/** One frame of a {@link ScenarioRun}: the truth, the observed readings and the alert events. */
export interface ScenarioRunFrame {
  frame: TruthFrame;
  readings: ZoneReading[];
  events: AlertEvent[];
}

/**
 * Validates the alert rules end to end on a simulated scenario: simulate -> observe (noise) ->
 * zone readings -> rules -> alert events, with the ground truth measured on the exact positions.
 * Iterate {@link ScenarioRun.frames} (e.g. to write files as you go), then read {@link ScenarioRun.result}.
 */
export class ScenarioRun {
  readonly scenario: CrowdScenario;
  private readonly options: ScenarioRunOptions;
  private readonly recorder: ScenarioTruthRecorder;
  private readonly engine: AlertEngine | undefined;
  private readonly events: AlertEvent[] = [];
  private lastTimeS = 0;
  private finished: ScenarioRunResult | undefined;

  constructor(scenario: CrowdScenario, options: ScenarioRunOptions = {}) {
    this.scenario = scenario;
    this.options = options;
    this.recorder = new ScenarioTruthRecorder(scenario);
    this.engine =
      options.alerts === false
        ? undefined
        : new AlertEngine({ streamId: scenario.name, ...(options.rules ? { rules: options.rules } : {}) });
  }

  /** Simulates and evaluates frame by frame. */
  *frames(): Generator<ScenarioRunFrame> {
    const seed = this.options.seed ?? 1;
    const observer = this.options.noise === null ? undefined : new PeopleObserver(this.options.noise, seed + 1000);
    const meter = new ZoneMeter(this.scenario.zones);
    const zones = this.scenario.zones.map((zone) => ({
      id: zone.id,
      kind: zone.kind,
      ...(zone.upstreamZoneId ? { upstreamZoneId: zone.upstreamZoneId } : {}),
    }));
    const simulation = simulateScenario(this.scenario, {
      seed,
      fps: this.options.fps ?? 5,
      ...(this.options.durationS !== undefined ? { durationS: this.options.durationS } : {}),
    });
    for (const frame of simulation) {
      this.lastTimeS = frame.timeS;
      const exact = this.recorder.add(frame);
      const readings = observer ? meter.measure(observer.observe(frame)) : exact;
      const events = this.engine?.evaluate({ timeS: frame.timeS, frameSeq: frame.frame, readings, zones }) ?? [];
      this.events.push(...events);
      yield { frame, readings, events };
    }
  }

  /** The truth, every event (open alerts cleared as `stream-ended`) and the outcome, once the frames are done. */
  result(): ScenarioRunResult {
    if (!this.finished) {
      if (this.engine) this.events.push(...this.engine.finish(this.lastTimeS));
      const truth = this.recorder.result({
        gsdMPerPx: this.options.gsdMPerPx ?? 0.05,
        fps: this.options.fps ?? 5,
        seed: this.options.seed ?? 1,
      });
      this.finished = { truth, events: this.events, outcome: scenarioOutcome(this.scenario, truth, this.events) };
    }
    return this.finished;
  }
}

/** Runs a whole {@link ScenarioRun} and returns its result. */
export function runScenario(scenario: CrowdScenario, options: ScenarioRunOptions = {}): ScenarioRunResult {
  const run = new ScenarioRun(scenario, options);
  for (const step of run.frames()) options.onFrame?.(step.frame, step.readings, step.events);
  return run.result();
}

/** Scores alert events against a scenario's truth (see {@link ScenarioOutcome}). */
export function scenarioOutcome(
  scenario: CrowdScenario,
  truth: ScenarioTruth,
  events: readonly AlertEvent[],
): ScenarioOutcome {
  const opened = events.filter((event) => event.type !== 'cleared');
  const grave = opened.filter((event) => severityRank(event.severity) >= severityRank('danger'));
  const onset = truth.dangerOnsetS;
  const first = grave[0]?.timeS ?? null;
  let highest: AlertSeverity | null = null;
  for (const event of opened)
    if (highest === null || severityRank(event.severity) > severityRank(highest)) highest = event.severity;
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
