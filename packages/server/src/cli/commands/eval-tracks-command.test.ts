import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-eval-tracks-'));

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// One person for 4 frames; the prediction changes id after frame 1 (hand-worked: MOTA 0.75, IDF1 0.5).
const gt = file('gt.csv', 'frame,track_id,x,y\n0,1,100,100\n1,1,101,100\n2,1,102,100\n3,1,103,100\n');
const pred = file('pred.csv', '0,5,100,101\n1,5,101,101\n2,6,102,101\n3,6,103,101\n');

describe('raqib eval-tracks', () => {
  it('prints one JSON object with idf1, mota and idSwitches', async () => {
    const { io, out, err } = capture();
    expect(await main(['eval-tracks', '--gt', gt, '--pred', pred, '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(out());
    expect(report).toMatchObject({ idSwitches: 1, matches: 4, maxDistPx: 10 });
    expect(report.mota).toBeCloseTo(0.75, 12);
    expect(report.idf1).toBeCloseTo(0.5, 12);
    expect(report.motpPx).toBeCloseTo(1, 6);
    expect(out().trim().split('\n')).toHaveLength(1);
    expect(err()).toBe('');
  });

  it('honours --max-dist and prints a table by default', async () => {
    const { io, out } = capture();
    expect(await main(['eval-tracks', '--gt', gt, '--pred', pred, '--max-dist', '0.5'], io)).toBe(0);
    expect(out()).toMatch(/MOTA\s+-100\.00%/); // nothing within 0.5 px: 4 misses + 4 false positives
    expect(out()).toMatch(/match threshold\s+0\.5 px/);
  });

  it('reports malformed rows with file and line on stderr and still scores the rest', async () => {
    const broken = file('broken.csv', '0,5,100,101\n1,5,oops,101\n2,6,102,101\n3,6,103,101\n');
    const { io, out, err } = capture();
    expect(await main(['eval-tracks', '--gt', gt, '--pred', broken, '--format', 'json'], io)).toBe(0);
    expect(err()).toContain(`${broken}:2: row skipped`);
    expect(JSON.parse(out())).toMatchObject({ matches: 3, misses: 1, skippedRows: { gt: 0, pred: 1 } });
  });

  it('fails with a usage error when a file option is missing, and clearly when a file does not exist', async () => {
    const missing = capture();
    expect(await main(['eval-tracks', '--gt', gt], missing.io)).toBe(2);
    expect(missing.err()).toContain('missing --pred');
    const absent = capture();
    expect(await main(['eval-tracks', '--gt', gt, '--pred', join(dir, 'nope.csv')], absent.io)).toBe(1);
    expect(absent.err()).toContain('INPUT_NOT_FOUND');
  });
});
