import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROWD_SCENARIOS, ONSET_TOLERANCE_S, scenarioOutcome, type AlertEvent, type ScenarioTruth } from '@raqib/core';
import { WebhookReceiver } from '../../notify/testing/webhook-receiver.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-analyze-points-'));

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

function readJsonl<T>(path: string): T[] {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as T);
}

/** simulate -> analyze --points with the scenario's zones and zone facts; returns what analyze wrote. */
async function simulateAndAnalyze(scenario: string, extra: { durationS?: number; analyzeArgs?: string[] } = {}) {
  const simDir = join(dir, `sim-${scenario}`);
  const sim = capture();
  const simArgs = ['simulate', '--scenario', scenario, '--out', simDir, '--tracks', '--format', 'json'];
  if (extra.durationS !== undefined) simArgs.push('--duration', String(extra.durationS));
  expect(await main(simArgs, sim.io)).toBe(0);
  const truth = JSON.parse(readFileSync(join(simDir, 'truth.json'), 'utf8')) as ScenarioTruth;
  const outDir = join(simDir, 'analysis');
  const run = capture();
  const code = await main(
    [
      'analyze',
      '--points',
      join(simDir, 'points.csv'),
      '--fps',
      String(truth.fps),
      '--frame-size',
      `${truth.frameWidthPx}x${truth.frameHeightPx}`,
      '--gsd',
      String(truth.gsdMPerPx),
      '--zones',
      join(simDir, 'zones.geojson'),
      '--rules',
      join(simDir, 'rules.yaml'),
      '--out',
      outDir,
      '--format',
      'json',
      ...(extra.analyzeArgs ?? []),
    ],
    run.io,
  );
  expect(code, run.err()).toBe(0);
  const events = readJsonl<AlertEvent>(join(outDir, 'alerts.jsonl'));
  return { simDir, outDir, truth, events, summary: JSON.parse(run.out()), stderr: run.err() };
}

describe('simulate -> analyze --points -> alerts, end to end', () => {
  it.each(['bottleneck', 'counterflow', 'dispersal'])(
    '%s: a danger or critical alert within 10 s of the ground-truth onset, none too early',
    async (name) => {
      const { truth, events, summary } = await simulateAndAnalyze(name);
      const outcome = scenarioOutcome(CROWD_SCENARIOS[name]!, truth, events);
      expect(truth.dangerOnsetS).not.toBeNull();
      expect(outcome.firstDangerAlertS).not.toBeNull();
      expect(Math.abs(outcome.delayS!)).toBeLessThanOrEqual(ONSET_TOLERANCE_S);
      expect(outcome.falseAlarms).toBe(0);
      // Every line of alerts.jsonl carries the required fields; the summary lists each raised alert.
      for (const event of events) {
        expect(event).toMatchObject({
          id: expect.any(String),
          type: expect.stringMatching(/^(raised|escalated|cleared)$/),
          severity: expect.stringMatching(/^(info|warning|danger|critical)$/),
          rule: expect.any(String),
          zoneId: expect.any(String),
          timeS: expect.any(Number),
          value: expect.any(Number),
          threshold: expect.any(Number),
        });
      }
      const opened = events.filter((event) => event.type !== 'cleared').map((event) => event.id);
      expect(summary.alerts.map((alert: { id: string }) => alert.id)).toEqual(opened);
      // Open alerts are closed at the end of the stream: every opened alert is cleared once.
      const cleared = events.filter((event) => event.type === 'cleared').map((event) => event.id);
      expect([...cleared].sort()).toEqual([...opened].sort());
    },
    60_000,
  );

  it.each(['free-flow', 'static-audience'])(
    '%s (benign, 10 simulated minutes): nothing above info',
    async (name) => {
      const { events } = await simulateAndAnalyze(name, { durationS: 600 });
      const graver = events.filter((event) => event.type !== 'cleared' && event.severity !== 'info');
      expect(graver).toEqual([]);
    },
    60_000,
  );

  it('writes confirmed tracks that match the true identities and counts the exit line', async () => {
    const { simDir, outDir, summary } = await simulateAndAnalyze('bottleneck', { durationS: 120 });
    const tracks = readFileSync(join(outDir, 'tracks.csv'), 'utf8').trim().split('\n');
    expect(tracks[0]).toBe('frame,track_id,x,y');
    const evaluation = capture();
    await main(
      ['eval-tracks', '--gt', join(simDir, 'tracks.csv'), '--pred', join(outDir, 'tracks.csv'), '--format', 'json'],
      evaluation.io,
    );
    const scores = JSON.parse(evaluation.out());
    expect(scores.idf1).toBeGreaterThan(0.9);
    expect(scores.mota).toBeGreaterThan(0.9);

    // The exit line: crossings counted from the true identities in the simulator's own tracks.csv.
    const lines = JSON.parse(readFileSync(join(outDir, 'lines.json'), 'utf8'));
    expect(lines).toEqual({ lines: [expect.objectContaining({ id: 'exit' })] });
    expect(summary.lines).toEqual(lines.lines);
    const exit = CROWD_SCENARIOS.bottleneck!.zones.find((zone) => zone.id === 'exit')!.line!;
    const truthCrossings = trueCrossings(readFileSync(join(simDir, 'tracks.csv'), 'utf8'), exit, 0.05);
    const counted = lines.lines[0].in + lines.lines[0].out;
    expect(truthCrossings).toBeGreaterThan(20);
    expect(Math.abs(counted - truthCrossings)).toBeLessThanOrEqual(Math.ceil(0.03 * truthCrossings));
  }, 60_000);
});

/** Crossings of a segment (metres) by the true tracks of a `frame,track_id,x,y` file in pixels. */
function trueCrossings(csv: string, line: readonly (readonly [number, number])[], gsdMPerPx: number): number {
  const [a, b] = line.map(([x, y]) => [x / gsdMPerPx, y / gsdMPerPx] as const) as [
    readonly [number, number],
    readonly [number, number],
  ];
  const side = (x: number, y: number) => Math.sign((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]));
  const last = new Map<number, [number, number]>();
  let crossings = 0;
  for (const row of csv.trim().split('\n').slice(1)) {
    const [, id, x, y] = row.split(',').map(Number) as [number, number, number, number];
    const previous = last.get(id);
    if (previous && side(previous[0], previous[1]) * side(x, y) < 0) {
      // Only crossings between the segment's end points.
      const t = ((x - a[0]) * (b[0] - a[0]) + (y - a[1]) * (b[1] - a[1])) / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2);
      if (t >= 0 && t <= 1) crossings++;
    }
    last.set(id, [x, y]);
  }
  return crossings;
}

describe('raqib analyze --points input handling', () => {
  it('reports malformed rows with line numbers, treats missing frames as empty and still writes every output', async () => {
    const points = join(dir, 'bad.csv');
    writeFileSync(points, ['frame,x,y', '0,10,10', '0,20,abc', '2,30,30', 'x,1,1', '1,12,10', ''].join('\n'));
    const out = join(dir, 'bad-out');
    const run = capture();
    const code = await main(
      ['analyze', '--points', points, '--fps', '5', '--frame-size', '100x100', '--out', out, '--format', 'json'],
      run.io,
    );
    expect(code).toBe(1);
    expect(run.err()).toContain(`${points}:3:`);
    expect(run.err()).toContain(`${points}:5:`);
    expect(run.err()).toContain('out of frame order');
    const summary = JSON.parse(run.out());
    expect(summary.frames).toBe(3);
    expect(readJsonl<{ count: number }>(join(out, 'analysis.jsonl')).map((line) => line.count)).toEqual([1, 1, 1]);
    expect(readFileSync(join(out, 'alerts.jsonl'), 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(join(out, 'lines.json'), 'utf8'))).toEqual({ lines: [] });
  });

  it('asks for what a points file cannot say: the frame rate and the frame size', async () => {
    const points = join(dir, 'ok.csv');
    writeFileSync(points, '0,10,10\n');
    const noFps = capture();
    expect(await main(['analyze', '--points', points, '--frame-size', '100x100'], noFps.io)).toBe(2);
    expect(noFps.err()).toContain('--points needs --fps');
    const noSize = capture();
    expect(await main(['analyze', '--points', points, '--fps', '5'], noSize.io)).toBe(2);
    expect(noSize.err()).toContain('--frame-size WxH');
    const badSize = capture();
    expect(await main(['analyze', '--points', points, '--fps', '5', '--frame-size', '100by100'], badSize.io)).toBe(2);
    expect(badSize.err()).toContain("got '100by100'");
  });
});

describe('raqib analyze --notify', () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.listen());
  afterAll(() => receiver.stop());

  it('delivers every alert event of the run to a webhook, once each, in order', async () => {
    const notify = join(dir, 'notify.yaml');
    writeFileSync(
      notify,
      `notifiers:\n  - type: webhook\n    url: ${receiver.url}\n    secretEnv: RAQIB_TEST_WEBHOOK_SECRET\n`,
    );
    process.env.RAQIB_TEST_WEBHOOK_SECRET = 'test-secret';
    const { events } = await simulateAndAnalyze('dispersal', { analyzeArgs: ['--notify', notify] });
    expect(events.length).toBeGreaterThan(0);
    expect(receiver.stored).toEqual(events.map((event) => `${event.id}:${event.type}`));
    expect(receiver.duplicates).toBe(0);
  }, 60_000);
});
