import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { FfmpegEncoder } from './ffmpeg-encoder.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-encoder-'));

/** A stand-in for ffmpeg: a shell script (e.g. one that fails, or never reads its input). */
function fakeFfmpeg(name: string, script: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

function frame(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + seed * 13) % 256;
  return rgb;
}

function videoSize(path: string): string {
  return execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], {
    encoding: 'utf8',
  }).trim();
}

describe('FfmpegEncoder', () => {
  it('encodes frames of odd width and height (padded by one pixel to even)', async () => {
    const path = join(dir, 'odd.mp4');
    const encoder = new FfmpegEncoder(path, 57, 33, 5);
    for (let i = 0; i < 5; i++) await encoder.write(frame(57, 33, i));
    await encoder.close();
    expect(videoSize(path)).toBe('58,34');
  });

  it('a write waiting for ffmpeg returns with an error as soon as ffmpeg exits, instead of hanging', async () => {
    // Exits at once without reading: the pipe fills and 'drain' never comes.
    const ffmpegPath = fakeFfmpeg('exits', 'echo "cannot open the output" >&2; exit 1');
    const encoder = new FfmpegEncoder(join(dir, 'exits.mp4'), 640, 480, 5, { ffmpegPath });
    const started = performance.now();
    const writes = (async () => {
      for (let i = 0; i < 50; i++) await encoder.write(frame(640, 480, i));
    })();
    const error = await writes.then(
      () => null,
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(isRaqibError(error, 'OUTPUT_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/exits\.mp4: ffmpeg stopped .*exit code 1: cannot open the output/);
    await expect(encoder.close()).rejects.toThrow(/exits\.mp4: encoding failed/);
  });

  it('a missing ffmpeg is a clear error', async () => {
    const encoder = new FfmpegEncoder(join(dir, 'none.mp4'), 64, 48, 5, { ffmpegPath: join(dir, 'no-such-ffmpeg') });
    await expect(
      (async () => {
        for (let i = 0; i < 50; i++) await encoder.write(frame(64, 48, i));
        await encoder.close();
      })(),
    ).rejects.toThrow(/could not start: .*ENOENT/);
  });

  it('an ffmpeg that stops reading is killed after the write timeout', async () => {
    const ffmpegPath = fakeFfmpeg('stuck', 'exec sleep 30');
    const encoder = new FfmpegEncoder(join(dir, 'stuck.mp4'), 640, 480, 5, { ffmpegPath, writeTimeoutMs: 300 });
    const started = performance.now();
    await expect(
      (async () => {
        for (let i = 0; i < 50; i++) await encoder.write(frame(640, 480, i));
      })(),
    ).rejects.toThrow(/stuck\.mp4: .*ffmpeg took no frame for 300 ms/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('an ffmpeg that never finishes the file is killed after the close timeout', async () => {
    // Reads everything, then never exits.
    const ffmpegPath = fakeFfmpeg('never-ends', 'cat > /dev/null; exec sleep 30');
    const encoder = new FfmpegEncoder(join(dir, 'never.mp4'), 32, 16, 5, { ffmpegPath, closeTimeoutMs: 300 });
    await encoder.write(frame(32, 16, 0));
    await expect(encoder.close()).rejects.toThrow(/did not finish the file within 300 ms/);
  });

  it('refuses a frame of the wrong size', async () => {
    const encoder = new FfmpegEncoder(join(dir, 'size.mp4'), 32, 16, 5);
    await expect(encoder.write(new Uint8Array(10))).rejects.toThrow(/10 bytes does not match 32x16 RGB/);
    encoder.abort();
  });
});
