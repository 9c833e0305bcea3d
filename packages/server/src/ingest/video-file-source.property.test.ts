import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VideoFileSource } from './video-file-source.js';

// Property: a corrupted video file, read through the real ffprobe and ffmpeg, yields whole frames of
// the probed size and then says whether it completed (and why not), or fails with a RaqibError naming
// the file: never another exception, never a hang.

const dir = mkdtempSync(join(tmpdir(), 'raqib-video-property-'));
const seedPath = join(dir, 'seed.mp4');
execFileSync('ffmpeg', [
  '-hide_banner',
  '-loglevel',
  'error',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=64x48:rate=5:duration=1',
  '-c:v',
  'libx264',
  '-pix_fmt',
  'yuv420p',
  '-g',
  '5',
  '-y',
  seedPath,
]);
const seed = readFileSync(seedPath);

const corrupted = fc
  .record({
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    headerBias: fc.boolean(),
    cut: fc.option(fc.nat(), { freq: 4 }),
  })
  .map(({ edits, headerBias, cut }) => {
    let bytes = Uint8Array.from(seed);
    for (const [at, value] of edits) bytes[at % (headerBias ? 1024 : bytes.length)] = value;
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    return bytes;
  });

describe('VideoFileSource properties (real ffmpeg)', () => {
  it('corrupted MP4: whole frames of the probed size, then an end state, or a RaqibError naming the file', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(corrupted, async (bytes) => {
        const path = join(dir, `case-${run++}.mp4`);
        writeFileSync(path, bytes);
        const source = new VideoFileSource(path, { fps: 5 });
        try {
          const probe = await source.probe();
          let frames = 0;
          for await (const frame of source.frames()) {
            expect(frame.image?.rgb.length).toBe(frame.meta.width * frame.meta.height * 3);
            expect(frame.meta.seq).toBe(frames);
            frames++;
            expect(frames).toBeLessThan(100); // 1 s at 5 fps: no runaway stream
          }
          const end = source.end();
          expect(end.framesRead).toBe(frames);
          if (!end.completed) expect(end.reason).toBeTruthy();
          expect(probe.width > 0 && probe.height > 0).toBe(true);
        } catch (error) {
          if (!isRaqibError(error)) throw error;
          expect(error.message).toContain(path);
        }
      }),
      { numRuns: 8, seed: 100 },
    );
  });
});
