import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';

// Reproducers of issue 10 through the real CLI: each case crashed (V8 "invalid size", exit 133, or a
// stack trace), ran away, or was silently ignored before the input limits.
const FIXTURES = fileURLToPath(new URL('../../test-fixtures/input-limits/', import.meta.url));
const FIXTURE_MODEL = fileURLToPath(new URL('../../test-fixtures/fixture-density.onnx', import.meta.url));
const ODD_FRAME = fileURLToPath(new URL('../../test-fixtures/odd-size-frames/frame-0.png', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const dir = mkdtempSync(join(tmpdir(), 'raqib-input-limits-'));
let runs = 0;

async function raqib(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  const code = await main(args, { stdout, stderr });
  return { code, out, err };
}

/** `raqib analyze --points` on the fixture (20 frames of 30 people, 400x300 px) into a fresh folder. */
function analyzePoints(...extra: string[]): { args: string[]; outDir: string } {
  const outDir = join(dir, `run-${++runs}`);
  const args = ['analyze', '--points', fixture('points.csv'), '--fps', '5', '--out', outDir, '--format', 'json'];
  if (!extra.includes('--frame-size')) args.push('--frame-size', '400x300');
  return { args: [...args, ...extra], outDir };
}

describe('raqib analyze refuses out-of-range options before any work (exit 2, one line)', () => {
  it.each([
    { args: ['--gsd', '1e6'], says: '--gsd 1000000 is out of range: must be at most 10 m/px' },
    { args: ['--gsd', '100'], says: '--gsd 100 is out of range: must be at most 10 m/px' },
    { args: ['--altitude', '1e9', '--hfov', '70'], says: '--altitude 1000000000 is out of range' },
    { args: ['--altitude', '50', '--hfov', '179.9'], says: '--hfov 179.9 is out of range: must be less than 170' },
    { args: ['--hfov', '200'], says: '--hfov 200 is out of range: must be less than 170 degrees' },
    { args: ['--threads', '1000'], says: '--threads 1000 is out of range: must be at most' },
    { args: ['--frame-size', '100000x100000'], says: '--frame-size 100000x100000: the width 100000 is out of range' },
    { args: ['--scale', '8'], says: '--scale 8 is out of range: must be at most 4' },
    { args: ['--start', '10', '--end', '5'], says: '--end 5 is not after --start 10' },
    {
      // Derived: 16000 px at 0.5 m/px is 64 km² of ground per frame (millions of motion cells).
      args: ['--frame-size', '16000x16000', '--gsd', '0.5'],
      says: '16000x16000 frames at 0.500 m/px see 64.0 km² of ground each',
    },
  ])('$args', async ({ args, says }) => {
    const { args: full, outDir } = analyzePoints(...args);
    const result = await raqib(...full);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`raqib analyze: error USAGE: ${says}`);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('raqib analyze config files: one line naming the file, line and field (exit 1)', () => {
  it.each([
    {
      name: 'a misspelt zone id in rules.yaml (its alerts were silently lost)',
      args: ['--gsd', '0.05', '--zones', fixture('zones.geojson'), '--rules', fixture('rules-unknown-zone.yaml')],
      says: `rules-unknown-zone.yaml:6:3: zones.gate3: no zone "gate3" in ${fixture('zones.geojson')} (known zones: frame, plaza, gate-3); fix the id or remove the entry`,
    },
    {
      name: 'an upstreamZoneId that names no zone',
      args: ['--gsd', '0.05', '--zones', fixture('zones.geojson'), '--rules', fixture('rules-unknown-upstream.yaml')],
      says: 'rules-unknown-upstream.yaml:5:21: zones.gate-3.upstreamZoneId: no zone "plazza" in',
    },
    {
      name: 'a YAML alias bomb in --rules (a stack trace before)',
      args: ['--rules', fixture('rules-alias-bomb.yaml')],
      says: 'rules-alias-bomb.yaml: its YAML aliases (*name) expand too far',
    },
    {
      name: 'a bowtie calibration (no GSD and no word before)',
      args: ['--calibration', fixture('calibration-bowtie.json')],
      says: 'calibration-bowtie.json: points: the fit folds the image over its horizon',
    },
  ])('$name', async ({ args, says }) => {
    const { args: full, outDir } = analyzePoints(...args);
    const result = await raqib(...full);
    expect(result.code).toBe(1);
    expect(result.err).toContain(says);
    expect(result.err).not.toMatch(/unexpected error|\n\s+at /);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('raqib analyze --rules without --zones', () => {
  it('says in one warning that the zone entries apply to nothing', async () => {
    const { args } = analyzePoints('--gsd', '0.05', '--rules', fixture('rules-unknown-zone.yaml'));
    const result = await raqib(...args);
    expect(result.code, result.err).toBe(0);
    expect(result.err.split('\n').filter((line) => line.includes('rules-unknown-zone.yaml'))).toEqual([
      `raqib analyze: warning: ${fixture('rules-unknown-zone.yaml')}: zones plaza, gate3: there is no --zones file, so their settings apply to no zone; give --zones FILE with these zones`,
    ]);
  });
});

describe('raqib analyze with a geo zone 10 km out of view', () => {
  it('reports it as not in view (one warning, summary) instead of reading 0 people', async () => {
    const { args, outDir } = analyzePoints(
      '--calibration',
      fixture('calibration-lonlat.json'),
      '--zones',
      fixture('zones-geo-far.geojson'),
    );
    const result = await raqib(...args);
    expect(result.code, result.err).toBe(0);
    const warnings = result.err.split('\n').filter((line) => line.includes('far-field'));
    expect(warnings).toEqual([
      'raqib analyze: warning: zone far-field is not in view at 0.00 s: its lon/lat outline lies outside the frame (check its coordinates and the telemetry or calibration); it gets no readings while out of view',
    ]);
    const summary = JSON.parse(result.out) as { zonesNotInView?: unknown };
    expect(summary.zonesNotInView).toEqual([{ zoneId: 'far-field', frames: 20, firstTimeS: 0 }]);
    const rows = readFileSync(join(outDir, 'zones.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.filter((row) => row.includes(',far-field,'))).toEqual([]);
    // The zone in view is measured on every frame (about 20 of the 30 people stand in it).
    const square = rows.filter((row) => row.includes(',square,'));
    expect(square).toHaveLength(20);
    expect(Number(square[0]!.split(',')[4])).toBeGreaterThan(10);
  });
});

describe('raqib analyze prints the people scale it uses and why', () => {
  it.each([
    {
      args: ['--gsd', '0.05'],
      line: 'raqib analyze: people scale 2.00 (heads ~4.0 px at GSD 0.050 m/px; model trained on 8-32 px)',
    },
    {
      args: ['--gsd', '0.01'],
      line: 'raqib analyze: people scale 1.00 (heads ~20 px at GSD 0.010 m/px; model trained on 8-32 px)',
    },
    { args: ['--scale', '3'], line: 'raqib analyze: people scale 3.00 (from --scale)' },
  ])('$args', async ({ args, line }) => {
    const outDir = join(dir, `run-${++runs}`);
    const result = await raqib('analyze', ODD_FRAME, '--model', FIXTURE_MODEL, '--out', outDir, '--no-flow', ...args);
    expect(result.code, result.err).toBe(0);
    expect(result.err.split('\n').filter((l) => l.includes('people scale'))).toEqual([line]);
  });
});

describe('the other commands use the same limits', () => {
  it.each([
    { args: ['count', ODD_FRAME, '--gsd', '100'], says: '--gsd 100 is out of range' },
    { args: ['count', ODD_FRAME, '--threads', '1000'], says: '--threads 1000 is out of range' },
    { args: ['count', ODD_FRAME, '--scale', '8'], says: '--scale 8 is out of range' },
    { args: ['simulate', '--scenario', 'bottleneck', '--gsd', '0.001'], says: 'larger than 16384 px' },
    {
      args: ['simulate', '--scenario', 'bottleneck', '--duration', '1e9'],
      says: '--duration 1000000000 is out of range',
    },
    { args: ['simulate', '--scenario', 'bottleneck', '--fps', '1000'], says: '--fps 1000 is out of range' },
    {
      args: ['eval-tracks', '--gt', fixture('points.csv'), '--pred', fixture('points.csv'), '--max-dist', '1e6'],
      says: '--max-dist 1000000 is out of range',
    },
  ])('$args', async ({ args, says }) => {
    const result = await raqib(...args, ...(args[0] === 'simulate' ? ['--out', join(dir, `sim-${++runs}`)] : []));
    expect(result.code).toBe(2);
    expect(result.err).toContain(says);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });

  it('raqib simulate --rules: a zone id the scenario does not have is an error', async () => {
    const result = await raqib(
      'simulate',
      '--scenario',
      'bottleneck',
      '--rules',
      fixture('rules-unknown-zone.yaml'),
      '--out',
      join(dir, 'sim-rules'),
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('rules-unknown-zone.yaml:4:3: zones.plaza: no zone "plaza" in scenario bottleneck');
  });
});
