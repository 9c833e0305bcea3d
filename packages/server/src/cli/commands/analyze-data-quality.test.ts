import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from '../../inference/index.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-analyze-quality-'));
const hasModel = existsSync(defaultModelPath());

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

const warningLines = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => line.startsWith('raqib analyze: warning: '));

async function analyze(args: string[]) {
  const run = capture();
  const code = await main(['analyze', ...args, '--format', 'json'], run.io);
  return { code, stderr: run.err(), summary: run.out() ? JSON.parse(run.out()) : undefined };
}

describe.skipIf(!hasModel)('raqib analyze says what was wrong in a video', () => {
  const clip = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=10:d=2'],
    ...['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-y', clip],
  ]);

  it('reports an intact clip as ok', async () => {
    const { code, stderr, summary } = await analyze([clip, '--fps', '2', '--no-flow', '--out', join(dir, 'ok')]);
    expect(code, stderr).toBe(0);
    expect(summary.dataQuality).toMatchObject({ ok: true, warnings: [], video: { blankFrames: 0, badFrameShare: 0 } });
  });

  it('exits 1 with one warning when a one-byte corruption turns the clip grey (issue 10 reproducer)', async () => {
    const bytes = readFileSync(clip);
    const avcC = bytes.indexOf('avcC');
    bytes[avcC + 16] = bytes[avcC + 16]! ^ 0x55; // the sequence parameter set: references are lost
    const grey = join(dir, 'grey.mp4');
    writeFileSync(grey, bytes);
    const out = join(dir, 'grey-out');
    const { code, stderr, summary } = await analyze([grey, '--fps', '2', '--no-flow', '--out', out]);
    expect(code).toBe(1);
    const dataWarnings = warningLines(stderr).filter((line) => line.includes('grey.mp4: '));
    expect(dataWarnings).toHaveLength(1);
    expect(dataWarnings[0]).toMatch(/frames are blank .* of the video is damaged, over the 5\.0% limit/);
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(written.dataQuality.ok).toBe(false);
    expect(written.dataQuality.video.blankFrames).toBe(written.frames);
    expect(summary.dataQuality).toEqual(written.dataQuality);
  });

  it('analyses a clip whose DJI .SRT has one 0.1 degree GPS glitch (it crashed: homography is singular)', async () => {
    const video = join(dir, 'DJI_0001.mp4');
    writeFileSync(video, readFileSync(clip));
    let srt = '';
    for (let i = 0; i < 20; i++) {
      const lat = 25.197139 + i * 0.000001 + (i === 10 ? 0.1 : 0);
      const t = (ms: number) =>
        `00:00:${String(Math.floor(ms / 1000)).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
      srt +=
        `${i + 1}\n${t(i * 100)} --> ${t(i * 100 + 100)}\n<font size="28">FrameCnt: ${i + 1}, DiffTime: 100ms\n` +
        `2025-03-14 09:05:27.118\n[focal_len: 24.00] [latitude: ${lat.toFixed(6)}] [longitude: 55.274111] ` +
        `[rel_alt: ${i === 15 ? '2080.000' : '80.000'} abs_alt: 95.200] </font>\n\n`;
    }
    writeFileSync(join(dir, 'DJI_0001.SRT'), srt);
    const out = join(dir, 'srt-out');
    const { code, stderr, summary } = await analyze([video, '--fps', '5', '--no-flow', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/singular|unexpected error/);
    expect(summary.frames).toBe(10);
    expect(summary.dataQuality.telemetry).toMatchObject({
      records: 20,
      rejectedRecords: 2,
      positionJumps: 1,
      altitudeJumps: 1,
    });
    expect(summary.dataQuality.ground).toMatchObject({ framesWithoutGroundModel: 0 });
    expect(warningLines(stderr).filter((line) => line.includes('rejected as impossible jumps'))).toHaveLength(1);
    const gsds = readFileSync(join(out, 'analysis.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { gsdMPerPx: number }).gsdMPerPx);
    expect(Math.max(...gsds) / Math.min(...gsds)).toBeLessThan(1.01); // the 2000 m altitude was not used
  });
});

describe('raqib analyze --points says what was wrong in the rows', () => {
  /** Ten people walking right at 1 px per frame number, on frame numbers 0, step, 2 step, ... */
  function walkers(frames: number, step: number): string {
    const rows = ['frame,x,y'];
    for (let k = 0; k < frames; k++) {
      for (let p = 0; p < 10; p++) rows.push(`${k * step},${20 + k * step + (p % 5) * 40},${30 + p * 30}`);
    }
    return rows.join('\n') + '\n';
  }

  it('infers a frame step of 5: tracks, duration and mean count as for consecutive frames, one warning', async () => {
    const path = join(dir, 'step5.csv');
    writeFileSync(path, walkers(20, 5));
    const out = join(dir, 'step5-out');
    const args = ['--points', path, '--fps', '5', '--frame-size', '400x400', '--out', out];
    const { code, stderr, summary } = await analyze(args);
    expect(code, stderr).toBe(0);
    expect(summary.frames).toBe(20);
    expect(summary.durationS).toBeCloseTo(20, 6); // 20 analysed frames, 1 s apart at --fps 5
    const counts = readFileSync(join(out, 'analysis.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { count: number }).count);
    expect(counts.every((c) => c === 10)).toBe(true);
    const tracks = readFileSync(join(out, 'tracks.csv'), 'utf8').trim().split('\n');
    expect(tracks.length).toBeGreaterThan(1 + 10 * 10); // confirmed tracks, numbered by the file's frames
    expect(tracks.slice(1).every((row) => Number(row.split(',')[0]) % 5 === 0)).toBe(true);
    expect(warningLines(stderr).filter((line) => line.includes('step by 5'))).toHaveLength(1);
    expect(summary.dataQuality.points).toMatchObject({ frameStep: 5 });
  });

  it('counts a file joined to itself once and says so', async () => {
    const single = join(dir, 'single.csv');
    const twice = join(dir, 'twice.csv');
    writeFileSync(single, walkers(10, 1));
    writeFileSync(twice, walkers(10, 1) + walkers(10, 1).replace('frame,x,y\n', ''));
    const base = ['--fps', '5', '--frame-size', '400x400'];
    const a = await analyze(['--points', single, ...base, '--out', join(dir, 'single-out')]);
    const b = await analyze(['--points', twice, ...base, '--out', join(dir, 'twice-out')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.summary.peakCount.value).toBe(a.summary.peakCount.value);
    expect(b.summary.dataQuality.points).toMatchObject({ duplicateRows: 100, reappearedFrames: 10 });
    expect(warningLines(b.stderr).some((line) => line.includes('100 row(s) repeat an earlier row'))).toBe(true);
  });

  it('exits 1 when many points lie outside --frame-size, naming the count and first line', async () => {
    const path = join(dir, 'wrong-size.csv');
    writeFileSync(path, walkers(10, 1));
    const { code, stderr, summary } = await analyze([
      ...['--points', path, '--fps', '5', '--frame-size', '200x200', '--out', join(dir, 'wrong-size-out')],
    ]);
    expect(code).toBe(1);
    expect(warningLines(stderr).join('\n')).toMatch(
      /point\(s\) \(\d+\.\d%\) lie outside --frame-size 200x200 \(first at line \d+\): dropped; over the 5\.0% limit/,
    );
    expect(summary.dataQuality.ok).toBe(false);
  });

  it('refuses a frame-number gap of 2,000,000,000 frames at once, naming the rows', async () => {
    const path = join(dir, 'gap.csv');
    writeFileSync(path, 'frame,x,y\n0,10,10\n2000000000,10,10\n');
    const run = capture();
    const code = await main(
      ['analyze', '--points', path, '--fps', '5', '--frame-size', '100x100', '--out', join(dir, 'gap-out')],
      run.io,
    );
    expect(code).toBe(1);
    expect(run.err()).toMatch(/error INPUT_INVALID: .*gap\.csv:3: frame 2000000000 follows frame 0 \(line 2\)/);
  });
});
