import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VideoFileSource, scaledSize } from './video-file-source.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-video-'));

/** A 4 s, 10 fps clip whose frame N is solid grey with luma 20 + 20N (clipped), so the index is readable back. */
function makeClip(name: string, format: 'mp4' | 'ts' = 'mp4'): string {
  const path = join(dir, `${name}.${format}`);
  const expr = 'geq=lum=20+20*N:cb=128:cr=128';
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=320x180:r=10:d=4',
    '-vf',
    `format=yuv444p,${expr},format=yuv420p`,
    '-c:v',
    'libx264',
    '-qp',
    '0',
    '-g',
    '5',
    '-y',
    path,
  ]);
  return path;
}

/** Frame index from the grey level (limited-range luma 20 + 20N expanded to full-range RGB). */
const frameIndex = (grey: number): number => Math.round((grey * (219 / 255) + 16 - 20) / 20) + 0;

async function collect(source: VideoFileSource): Promise<Array<{ ptsMs: number; seq: number; grey: number }>> {
  const out = [];
  for await (const frame of source.frames()) {
    const { rgb, width, height } = frame.image;
    const centre = (Math.floor(height / 2) * width + Math.floor(width / 2)) * 3;
    out.push({ ptsMs: frame.meta.ptsMs, seq: frame.meta.seq, grey: rgb[centre]! });
  }
  return out;
}

describe('VideoFileSource', () => {
  it('decodes every frame at the native rate with exact timestamps', async () => {
    const source = new VideoFileSource(makeClip('full'));
    const frames = await collect(source);
    expect(frames).toHaveLength(40);
    expect(frames[0]!.ptsMs).toBe(0);
    expect(frames[39]!.ptsMs).toBeCloseTo(3900, 6);
    expect(frames.slice(0, 10).map((f) => frameIndex(f.grey))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(source.end()).toMatchObject({ completed: true, framesRead: 40 });
  });

  it('samples with --fps and honours --start/--end (timestamps from the start of the input)', async () => {
    const source = new VideoFileSource(makeClip('sampled'), { fps: 2, startS: 1, endS: 3 });
    const frames = await collect(source);
    expect(frames.map((f) => f.ptsMs)).toEqual([1000, 1500, 2000, 2500]);
    expect(frameIndex(frames[0]!.grey)).toBe(10); // t = 1.0 s shows frame 10
  });

  it('scales down with the aspect ratio kept', () => {
    expect(scaledSize({ width: 3840, height: 2160 }, 960)).toEqual({ width: 960, height: 540 });
    expect(scaledSize({ width: 640, height: 360 }, 960)).toEqual({ width: 640, height: 360 });
  });

  it('analyses what is decodable in a truncated file and says where it stopped', async () => {
    const full = makeClip('cut', 'ts');
    const bytes = readFileSync(full);
    const truncated = join(dir, 'truncated.ts');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.5)));
    const source = new VideoFileSource(truncated);
    const frames = await collect(source);
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.length).toBeLessThan(40);
    const end = source.end();
    expect(end.framesRead).toBe(frames.length);
    expect(end.lastPtsMs).toBe(frames.at(-1)!.ptsMs);
  });

  it('rejects a file that is not a video with a clear message naming it', async () => {
    const bogus = join(dir, 'not-a-video.mp4');
    writeFileSync(bogus, 'hello, this is text');
    await expect(collect(new VideoFileSource(bogus))).rejects.toThrow(/not-a-video\.mp4: not a readable video/);
  });
});
