import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  CROWD_SCENARIOS,
  RaqibError,
  ScenarioRun,
  scenarioZonesGeoJson,
  type CrowdScenario,
  type RulesConfig,
  type ScenarioOutcome,
  type ScenarioTruth,
} from '@raqib/core';
import { checkSimulateOptions } from '../../input-limits/index.js';
import { readRulesFile } from '../../rules-file/index.js';
import { defineCommand } from '../command-spec.js';
import { ProgressReporter } from '../progress-reporter.js';

const SCENARIO_NAMES = Object.keys(CROWD_SCENARIOS);

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'Simulate a crowd (social-force model): head points seen from above, ground truth, optional alerts',
  usage: '--scenario NAME [options]',
  options: {
    scenario: { type: 'string', description: 'Scenario to simulate (see --list)', choices: SCENARIO_NAMES },
    out: {
      type: 'string',
      description: 'Output directory (points.csv, truth.json, zones.geojson, rules.yaml); default out/sim-NAME',
      valueName: 'DIR',
    },
    seed: { type: 'number', description: 'Random seed (same seed, same crowd)', default: 1, valueName: 'N' },
    duration: { type: 'number', description: "Simulated seconds (default: the scenario's)", valueName: 'S' },
    fps: { type: 'number', description: 'Output frames per second', default: 5, valueName: 'N' },
    gsd: {
      type: 'number',
      description: 'Ground sampling distance of the image, metres per pixel',
      default: 0.05,
      valueName: 'M_PER_PX',
    },
    tracks: { type: 'boolean', description: 'Also write tracks.csv (frame,track_id,x,y) with the true identities' },
    alerts: {
      type: 'boolean',
      description: 'Also run zone readings (simulated detector noise) and the alert rules: alerts.jsonl, pass/fail',
    },
    rules: { type: 'string', description: 'Alert rules file (YAML or JSON) for --alerts', valueName: 'FILE' },
    'no-noise': {
      type: 'boolean',
      description: 'With --alerts: readings from the exact positions (no detector noise)',
    },
    list: { type: 'boolean', description: 'List the scenarios and exit' },
    format: {
      type: 'string',
      description: 'What to print on stdout at the end',
      choices: ['table', 'json'],
      default: 'table',
    },
  },
  examples: [
    'raqib simulate --scenario bottleneck --out out/bottleneck',
    'raqib simulate --scenario static-audience --duration 3600 --fps 2 --alerts',
    'raqib simulate --scenario counterflow --alerts --rules rules.yaml --format json',
  ],
  async run({ options, io }) {
    if (options.list) {
      for (const scenario of Object.values(CROWD_SCENARIOS))
        io.stdout.write(`${scenario.name.padEnd(16)} ${scenario.summary}\n`);
      return 0;
    }
    if (options.scenario === undefined) {
      throw new RaqibError('USAGE', `--scenario is required: one of ${SCENARIO_NAMES.join(', ')}`);
    }
    const scenario = CROWD_SCENARIOS[options.scenario]!;
    checkSimulateOptions(options, scenario); // ranges with reasons (issue 10), before any work
    const fps = positive('--fps', options.fps);
    const gsdMPerPx = positive('--gsd', options.gsd);
    const durationS = options.duration === undefined ? scenario.durationS : positive('--duration', options.duration);
    if (!Number.isInteger(options.seed))
      throw new RaqibError('USAGE', `--seed must be an integer, got ${options.seed}`);
    const alerts = options.alerts || options.rules !== undefined;
    // Every zone id the rules name must be one of the scenario's zones (a misspelt id is an error).
    const knownZones = { ids: scenario.zones.map((zone) => zone.id), where: `in scenario ${scenario.name}` };
    const rules: RulesConfig | undefined = options.rules
      ? await readRulesFile(options.rules, { zones: knownZones })
      : undefined;
    const outDir = options.out ?? join('out', `sim-${scenario.name}`);
    await mkdir(outDir, { recursive: true });

    const run = new ScenarioRun(scenario, {
      seed: options.seed,
      fps,
      durationS,
      gsdMPerPx,
      alerts,
      ...(options['no-noise'] ? { noise: null } : {}),
      ...(rules ? { rules } : {}),
    });
    const points = new BufferedFile(await open(join(outDir, 'points.csv'), 'w'));
    const tracks = options.tracks ? new BufferedFile(await open(join(outDir, 'tracks.csv'), 'w')) : undefined;
    const progress = new ProgressReporter(io, durationS);
    try {
      await points.write('frame,x,y\n');
      await tracks?.write('frame,track_id,x,y\n');
      for (const { frame } of run.frames()) {
        let pointLines = '';
        let trackLines = '';
        for (let i = 0; i < frame.count; i++) {
          const xy = `${(frame.x[i]! / gsdMPerPx).toFixed(1)},${(frame.y[i]! / gsdMPerPx).toFixed(1)}`;
          pointLines += `${frame.frame},${xy}\n`;
          if (tracks) trackLines += `${frame.frame},${frame.ids[i]},${xy}\n`;
        }
        await points.write(pointLines);
        await tracks?.write(trackLines);
        progress.update(frame.frame + 1, frame.timeS);
      }
    } finally {
      progress.done();
      await points.close();
      await tracks?.close();
    }
    const { truth, events, outcome } = run.result();
    await writeFile(join(outDir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
    await writeFile(
      join(outDir, 'zones.geojson'),
      JSON.stringify(scenarioZonesGeoJson(scenario, gsdMPerPx), null, 2) + '\n',
    );
    await writeFile(join(outDir, 'rules.yaml'), zoneFactsRules(scenario));
    if (alerts)
      await writeFile(join(outDir, 'alerts.jsonl'), events.map((event) => JSON.stringify(event) + '\n').join(''));

    const files = ['points.csv', ...(tracks ? ['tracks.csv'] : []), 'truth.json', 'zones.geojson', 'rules.yaml'];
    if (alerts) files.push('alerts.jsonl');
    if (options.format === 'json') {
      const { zones: _zones, criteria: _criteria, ...summary } = truth;
      io.stdout.write(
        JSON.stringify({ outDir, files, truth: summary, ...(alerts ? { outcome } : {}) }, null, 2) + '\n',
      );
    } else {
      io.stdout.write(summaryTable(truth, alerts ? outcome : undefined, outDir, files));
    }
    return alerts && !outcome.passed ? 1 : 0;
  },
});

function positive(option: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RaqibError('USAGE', `${option} must be a number > 0, got ${value}`);
  return value;
}

/** A rules file with the zone facts of the scenario (kinds, upstream zones), for `--rules`. */
function zoneFactsRules(scenario: CrowdScenario): string {
  const zones = Object.fromEntries(
    scenario.zones.map((zone) => [
      zone.id,
      { kind: zone.kind, ...(zone.upstreamZoneId ? { upstreamZoneId: zone.upstreamZoneId } : {}) },
    ]),
  );
  return `# Zone facts of the simulated scenario '${scenario.name}'; add rule overrides as needed (docs/alerts.md).\n${stringify({ version: 1, zones })}`;
}

function seconds(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(1)} s`;
}

function summaryTable(
  truth: ScenarioTruth,
  outcome: ScenarioOutcome | undefined,
  outDir: string,
  files: string[],
): string {
  const rows: [string, string][] = [
    ['scenario', `${truth.scenario} (${truth.benign ? 'benign' : 'danger'})`],
    ['simulated', `${truth.durationS.toFixed(1)} s, seed ${truth.seed}, ${truth.frames} frames at ${truth.fps} fps`],
    ['image', `${truth.frameWidthPx} x ${truth.frameHeightPx} px at ${truth.gsdMPerPx} m/px`],
    ['danger onset (truth)', seconds(truth.dangerOnsetS)],
  ];
  for (const onset of truth.onsets) {
    rows.push([
      `  ${onset.zoneId} ${onset.criterion}`,
      `${seconds(onset.timeS)} (>= ${onset.threshold}, ${onset.level})`,
    ]);
  }
  if (outcome) {
    rows.push(
      ['first danger alert', seconds(outcome.firstDangerAlertS)],
      ['delay', outcome.delayS === null ? '-' : `${outcome.delayS >= 0 ? '+' : ''}${outcome.delayS.toFixed(1)} s`],
      ['highest severity', outcome.highestSeverity ?? 'none'],
      ['false alarms', String(outcome.falseAlarms)],
      ['acceptance', outcome.passed ? 'PASS' : 'FAIL'],
    );
  }
  rows.push(['output', `${outDir}: ${files.join(', ')}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** Appends text to a file in large writes. */
class BufferedFile {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    if (this.size === 0) return;
    await this.handle.write(this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }
}
