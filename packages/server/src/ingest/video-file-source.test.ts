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
    if (!frame.image) throw new Error(`frame ${frame.meta.seq} came without its image`);
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

  it('says where a truncated MP4 (index at the front) stopped, although ffmpeg exits 0', async () => {
    const full = join(dir, 'faststart.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=10:d=4'],
      ...['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', full],
    ]);
    const bytes = readFileSync(full);
    const cut = join(dir, 'faststart-cut.mp4');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const source = new VideoFileSource(cut);
    const frames = await collect(source);
    expect(frames.length).toBeLessThan(30); // the index says 4 s (40 frames)
    expect(source.end()).toMatchObject({ completed: false, framesRead: frames.length });
    expect(source.end().reason).toMatch(/^decoding stopped after \d\.\d{3} s: /);
  });

  it('rejects a file that is not a video with a clear message naming it', async () => {
    const bogus = join(dir, 'not-a-video.mp4');
    writeFileSync(bogus, 'hello, this is text');
    await expect(collect(new VideoFileSource(bogus))).rejects.toThrow(/not-a-video\.mp4: not a readable video/);
  });
});

/** A 3 s, 10 fps textured clip (ffmpeg's testsrc2: moving colour bars, text), H.264 with a keyframe every 10 frames. */
function makeTexturedClip(name: string): string {
  const path = join(dir, `${name}.mp4`);
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=10:d=3'],
    ...['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-y', path],
  ]);
  return path;
}

/** A copy of `path` with the byte at `offset` XOR-ed with `mask`: the deterministic one-byte corruption. */
function corruptByte(path: string, name: string, offset: number, mask: number): string {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ mask;
  const out = join(dir, name);
  writeFileSync(out, bytes);
  return out;
}

/** Byte offset and size of the `index`-th video packet, from ffprobe. */
function packetAt(path: string, index: number): { pos: number; size: number } {
  const csv = execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pos,size', '-of', 'csv=p=0', path],
  ]).toString();
  const [pos, size] = csv.trim().split('\n')[index]!.split(',').map(Number);
  return { pos: pos!, size: size! };
}

async function drain(source: VideoFileSource): Promise<number> {
  let frames = 0;
  for await (const _frame of source.frames()) frames++;
  return frames;
}

describe('VideoFileSource data quality', () => {
  it('reports nothing wrong for an intact clip', async () => {
    const source = new VideoFileSource(makeTexturedClip('intact'));
    expect(await drain(source)).toBe(30);
    const quality = source.dataQuality();
    expect(quality).toMatchObject({ section: 'video', overLimit: false, warnings: [] });
    expect(quality?.counts).toMatchObject({ framesDecoded: 30, blankFrames: 0, corruptFrames: 0, badFrameShare: 0 });
  });

  it('says a one-byte corruption that turns every frame grey is over the limit', async () => {
    const clip = makeTexturedClip('grey');
    // One byte of the sequence parameter set in the MP4 header (avcC box): every frame then lacks its
    // references and ffmpeg outputs flat grey frames, exiting 0 (the reproducer from issue 10).
    const avcC = readFileSync(clip).indexOf('avcC');
    const source = new VideoFileSource(corruptByte(clip, 'grey-bad.mp4', avcC + 16, 0x55));
    const frames = await drain(source);
    expect(frames).toBeGreaterThan(0);
    const quality = source.dataQuality()!;
    expect(quality.counts.blankFrames).toBe(frames);
    expect(quality.counts.badFrameShare).toBe(1);
    expect(quality.overLimit).toBe(true);
    expect(quality.warnings).toHaveLength(1);
    expect(quality.warnings[0]).toMatch(
      /grey-bad\.mp4: \d+ of \d+ frames are blank.*100\.0% of the video is damaged, over the 5\.0% limit/,
    );
  });

  it('counts a frame ffmpeg had to conceal, under the limit as a warning only', async () => {
    const clip = makeTexturedClip('concealed');
    const keyframe = packetAt(clip, 10); // the second keyframe: damage stays inside one frame's slice
    // One decoder thread: with frame threading ffmpeg flags concealed frames only now and then.
    const damaged = corruptByte(clip, 'concealed-bad.mp4', keyframe.pos + 200, 0xff);
    const source = new VideoFileSource(damaged, { decodeThreads: 1 });
    expect(await drain(source)).toBe(30);
    const quality = source.dataQuality()!;
    expect(Number(quality.counts.corruptFrames) + Number(quality.counts.undecodablePackets)).toBeGreaterThanOrEqual(1);
    expect(quality.counts.badFrameShare).toBeGreaterThan(0);
    expect(quality.counts.badFrameShare).toBeLessThanOrEqual(0.05);
    expect(quality.overLimit).toBe(false);
    expect(quality.warnings[0]).toMatch(/concealed-bad\.mp4: .*limit 5\.0%/);
  });

  it('stops, and says so, when damaged timestamps stretch a clip far past the duration in its header', async () => {
    // 70 frames at 1 fps whose header (mvhd, tkhd, mdhd) says 1 s: ffmpeg would repeat frames to fill 70 s.
    const path = join(dir, 'stretched.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=1:d=70'],
      ...['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-y', path],
    ]);
    const bytes = readFileSync(path);
    for (const [box, durationAt] of [
      ['mvhd', 16],
      ['tkhd', 24],
      ['mdhd', 16],
    ] as const) {
      const at = bytes.indexOf(box) + 4; // version 0 boxes: 32-bit fields
      const timescale =
        box === 'tkhd' ? bytes.readUInt32BE(bytes.indexOf('mvhd') + 4 + 12) : bytes.readUInt32BE(at + 12);
      bytes.writeUInt32BE(timescale, at + durationAt); // one second
    }
    writeFileSync(path, bytes);
    const source = new VideoFileSource(path);
    expect((await source.probe()).durationS).toBe(1);
    const frames = await drain(source);
    expect(frames).toBeLessThanOrEqual(62); // stopped after max(2 x 1 s, 1 s + 60 s)
    expect(source.end()).toMatchObject({ completed: false });
    expect(source.end().reason).toMatch(/run far past the 1\.0 s the file says it lasts \(damaged timestamps\)/);
    const quality = source.dataQuality()!;
    expect(quality.overLimit).toBe(true);
    expect(quality.counts).toMatchObject({ headerDurationS: 1 });
    expect(quality.warnings).toEqual([
      expect.stringMatching(/stretched\.mp4: the decoded frames span \d+\.\d s but the file says it lasts 1\.0 s/),
    ]);
  });

  it('stops an ffmpeg that hangs, with a clear error', async () => {
    const hanging = join(dir, 'hanging-ffmpeg.sh');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const source = new VideoFileSource(makeTexturedClip('hang'), { ffmpegPath: hanging, stallTimeoutMs: 300 });
    const started = Date.now();
    await expect(drain(source)).rejects.toThrow(
      /hang\.mp4: ffmpeg gave no frame for 0\.3 s \(before the first frame\) and was stopped/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops an ffprobe that hangs, with a clear error', async () => {
    const hanging = join(dir, 'hanging-ffprobe.sh');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const source = new VideoFileSource(join(dir, 'any.mp4'), { ffprobePath: hanging, probeTimeoutMs: 300 });
    await expect(source.probe()).rejects.toThrow(/any\.mp4: ffprobe did not finish .* within 0\.3 s/);
  });
});
