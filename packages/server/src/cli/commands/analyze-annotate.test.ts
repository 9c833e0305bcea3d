import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

/**
 * `analyze --annotate` on a folder of 167x141 images (odd width and height; 70 kB of RGB each, more than
 * a pipe holds), with the small fixture model.
 */
const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FRAMES = join(SERVER, 'test-fixtures/odd-size-frames');
const MODEL = join(SERVER, 'test-fixtures/fixture-density.onnx');
const dir = mkdtempSync(join(tmpdir(), 'raqib-analyze-annotate-'));

describe('analyze --annotate', () => {
  it('encodes frames of odd width and height (it used to hang and exit 13 with no output)', async () => {
    const out = join(dir, 'odd');
    let stderr = '';
    const io = {
      stdout: new Writable({ write: (_chunk, _enc, done) => done() }),
      stderr: new Writable({ write: (chunk, _enc, done) => ((stderr += String(chunk)), done()) }),
    };
    const code = await main(['analyze', FRAMES, '--model', MODEL, '--annotate', '--out', out], io);
    expect(code, stderr).toBe(0);
    const size = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=width,height,nb_frames', '-of', 'csv=p=0', join(out, 'annotated.mp4')],
      { encoding: 'utf8' },
    ).trim();
    expect(size).toBe('168,142,3'); // padded to even, every frame
    for (const name of ['summary.json', 'heatmap.png', 'analysis.jsonl'])
      expect(existsSync(join(out, name))).toBe(true);
  }, 60_000);

  it('a run that fails keeps the previous results whole', async () => {
    const out = join(dir, 'kept');
    const quiet = () => ({
      stdout: new Writable({ write: (_chunk, _enc, done) => done() }),
      stderr: new Writable({ write: (_chunk, _enc, done) => done() }),
    });
    expect(await main(['analyze', FRAMES, '--model', MODEL, '--out', out], quiet())).toBe(0);
    const before = Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(join(out, name))]));
    const failed = await main(['analyze', FRAMES, '--model', join(dir, 'no-such-model.onnx'), '--out', out], quiet());
    expect(failed).toBe(1);
    const after = Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(join(out, name))]));
    expect(after).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.includes('.raqib-'))).toEqual([]);
  }, 60_000);

  it('a failing encoder fails annotated.mp4 alone: one clear line, exit 4, summary.json and heatmap.png written', () => {
    // An "ffmpeg" that refuses to encode, first on the PATH of a real child process.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'ffmpeg'), '#!/bin/sh\necho "Error opening output: No space left on device" >&2\nexit 1\n');
    chmodSync(join(bin, 'ffmpeg'), 0o755);
    const out = join(dir, 'failing');
    const run = spawnSync(
      process.execPath,
      [join(SERVER, 'bin/raqib.js'), 'analyze', FRAMES, '--model', MODEL, '--annotate', '--out', out],
      { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(4);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('raqib analyze: error'));
    expect(errors).toEqual([
      `raqib analyze: error: annotated.mp4: ffmpeg stopped before the end of the video (ffmpeg exit code 1: Error opening output: No space left on device); the other outputs in ${out} are complete`,
    ]);
    expect(readdirSync(out)).not.toContain('annotated.mp4');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      frames: number;
      outputProblems: string[];
    };
    expect(summary.frames).toBe(3);
    expect(summary.outputProblems).toEqual([expect.stringMatching(/^annotated\.mp4: /)]);
    expect(readFileSync(join(out, 'heatmap.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);
});
