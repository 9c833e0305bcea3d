import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRulesConfig, parseZones } from '@raqib/core';
import { parse as parseYaml } from 'yaml';
import { main } from '../main.js';

let dir: string;

/** Runs `raqib ...` in-process and captures stdout and stderr. */
async function raqib(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-simulate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('raqib simulate', () => {
  it('writes head points in pixels, the ground truth, zones and alerts', async () => {
    const out = join(dir, 'bottleneck');
    const args = ['simulate', '--scenario', 'bottleneck', '--duration', '40', '--fps', '2', '--gsd', '0.04'];
    const { code, stdout } = await raqib(...args, '--out', out, '--tracks', '--alerts', '--format', 'json');
    // 40 s is before the crush: the acceptance (a danger alert near the onset) cannot pass, exit 1.
    expect(code).toBe(1);
    const summary = JSON.parse(stdout);
    expect(summary.files).toEqual([
      'points.csv',
      'tracks.csv',
      'truth.json',
      'zones.geojson',
      'rules.yaml',
      'alerts.jsonl',
    ]);

    const truth = JSON.parse(await readFile(join(out, 'truth.json'), 'utf8'));
    expect(truth).toMatchObject({
      scenario: 'bottleneck',
      fps: 2,
      gsdMPerPx: 0.04,
      frameWidthPx: 450,
      frameHeightPx: 300,
    });
    expect(truth.frames).toBe(81);
    expect(truth.dangerOnsetS).toBeNull();

    const lines = (await readFile(join(out, 'points.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('frame,x,y');
    const rows = lines.slice(1).map((line) => line.split(',').map(Number));
    expect(rows.length).toBeGreaterThan(100);
    for (const [frame, x, y] of rows) {
      expect(frame).toBeGreaterThanOrEqual(0);
      expect(frame).toBeLessThan(81);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(450);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(300);
    }
    // People enter at the left (x < 3 m = 75 px) and walk toward the exit.
    const firstFrame = rows.filter(([frame]) => frame === rows[0]![0]);
    expect(firstFrame.every(([, x]) => x! < 75)).toBe(true);
    const tracks = (await readFile(join(out, 'tracks.csv'), 'utf8')).trim().split('\n');
    expect(tracks[0]).toBe('frame,track_id,x,y');
    expect(tracks).toHaveLength(lines.length);

    const zones = parseZones(await readFile(join(out, 'zones.geojson'), 'utf8'), 'zones.geojson');
    expect(zones.map((zone) => zone.id)).toEqual(['approach', 'exit']);
    const rules = parseRulesConfig(parseYaml(await readFile(join(out, 'rules.yaml'), 'utf8')), 'rules.yaml');
    expect(rules.zones?.exit).toEqual({ kind: 'gate', upstreamZoneId: 'approach' });
    const events = (await readFile(join(out, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The exit's line flow passes the info level before the crowd builds up.
    expect(events.map((event) => `${event.type}:${event.rule}:${event.severity}`)).toContain('raised:lineFlow:info');
    for (const event of events) {
      expect(Object.keys(event)).toEqual(
        expect.arrayContaining(['id', 'type', 'severity', 'rule', 'zoneId', 'timeS', 'value', 'threshold', 'evidence']),
      );
    }
    expect(summary.outcome).toMatchObject({ scenario: 'bottleneck', benign: false, dangerOnsetS: null, passed: false });
  });

  it('is deterministic for a seed', async () => {
    const run = async (name: string, seed: string) => {
      const out = join(dir, name);
      await raqib('simulate', '--scenario', 'counterflow', '--duration', '10', '--seed', seed, '--out', out);
      return readFile(join(out, 'points.csv'), 'utf8');
    };
    const first = await run('a', '7');
    expect(await run('b', '7')).toBe(first);
    expect(await run('c', '8')).not.toBe(first);
  });

  it('prints the pass/fail table of the acceptance', async () => {
    const { code, stdout } = await raqib(
      'simulate',
      '--scenario',
      'dispersal',
      '--duration',
      '75',
      '--alerts',
      '--out',
      join(dir, 'd'),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/danger onset \(truth\)\s+60\.0 s/);
    expect(stdout).toMatch(/acceptance\s+PASS/);
  });

  it('rejects bad usage and bad rules files with clear messages', async () => {
    expect((await raqib('simulate')).stderr).toContain('--scenario is required: one of free-flow, bottleneck');
    const unknown = await raqib('simulate', '--scenario', 'stampede');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--scenario must be one of');
    const rulesPath = join(dir, 'bad-rules.yaml');
    await writeFile(rulesPath, 'zones:\n  exit:\n    lineFlow:\n      info: { raise: -3 }\n');
    const bad = await raqib(
      'simulate',
      '--scenario',
      'bottleneck',
      '--duration',
      '5',
      '--rules',
      rulesPath,
      '--out',
      join(dir, 'x'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `RULES_INVALID: ${rulesPath}:4:22: zones.exit.lineFlow.info.raise: expected a number >= 0, got -3`,
    );
  });
});
