import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStream } from '../pipeline/analyze-stream.js';
import { ffmpegLiveInput } from './ffmpeg-live-input.js';
import { LiveFrameSource } from './live-frame-source.js';
import { writeSyntheticClip } from './testing/synthetic-clip.js';

let dir: string;
let clip: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-live-'));
  clip = join(dir, 'clip.mp4');
  await writeSyntheticClip({ outPath: clip, widthPx: 320, heightPx: 180, fps: 10, durationS: 2 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LiveFrameSource over ffmpeg (a file played as live)', () => {
  it('delivers frames at the analysis rate in real time, scaled, then ends as completed', async () => {
    const source = new LiveFrameSource({
      streamId: 'drill',
      description: 'drill clip',
      input: ffmpegLiveInput({ url: clip, fps: 5, maxWidthPx: 160 }),
    });
    const metas = [];
    const startedMs = performance.now();
    for await (const frame of source.frames()) {
      metas.push(frame.meta);
      expect(frame.image!.rgb.length).toBe(160 * 90 * 3);
    }
    const elapsedMs = performance.now() - startedMs;
    // 2 s at 5 fps; -re paces it like a camera (not decoded as fast as possible)
    expect(metas.length).toBeGreaterThanOrEqual(9);
    expect(metas.length).toBeLessThanOrEqual(11);
    expect(elapsedMs).toBeGreaterThan(1_500);
    expect(metas.map((m) => m.seq)).toEqual(metas.map((_, i) => i));
    expect(metas.every((m) => m.width === 160 && m.height === 90 && m.streamId === 'drill')).toBe(true);
    expect(source.end()).toMatchObject({ completed: true, framesRead: metas.length });
    expect(source.stats()).toMatchObject({ state: 'ended', skippedFrames: 0, restarts: 0 });
  });

  it('never queues behind a slow consumer: the newest frame wins and skips are counted', async () => {
    const source = new LiveFrameSource({
      streamId: 'slow',
      description: 'drill clip',
      input: ffmpegLiveInput({ url: clip, fps: 10 }),
    });
    const lagsMs: number[] = [];
    for await (const frame of source.frames()) {
      lagsMs.push(Date.now() - frame.meta.capturedAtMs!);
      await new Promise((resolve) => setTimeout(resolve, 450)); // "inference" slower than the camera
    }
    const stats = source.stats();
    expect(stats.capturedFrames).toBeGreaterThanOrEqual(18);
    expect(stats.skippedFrames).toBeGreaterThan(10);
    expect(stats.processedFrames + stats.skippedFrames).toBe(stats.capturedFrames);
    // a frame handed over is at most about one consumer step (450 ms) old; a queue would have grown
    // to seconds (20 frames in 2 s, taken at one per 450 ms)
    expect(Math.max(...lagsMs)).toBeLessThan(700);
  });

  it('runs through analyzeStream and stops the input when the analysis is aborted', async () => {
    const source = new LiveFrameSource({
      streamId: 'loop',
      description: 'looping drill',
      input: ffmpegLiveInput({ url: clip, fps: 5, loop: true }),
    });
    const controller = new AbortController();
    let frames = 0;
    const summary = await analyzeStream(
      source,
      [
        {
          name: 'count-frames',
          process: async () => {
            if (++frames === 12) controller.abort(); // past the clip's end: the loop keeps it live
          },
        },
      ],
      [],
      { frameIntervalS: 0.2, signal: controller.signal },
    );
    expect(frames).toBe(12);
    expect(summary.source.completed).toBe(false);
    expect(source.stats().state).toBe('ended');
    expect(source.stats().restarts).toBe(0);
  });

  it('restarts a source that fails and reports why', async () => {
    const source = new LiveFrameSource({
      streamId: 'broken',
      description: 'missing file',
      input: ffmpegLiveInput({ url: join(dir, 'missing.mp4'), fps: 5 }),
      backoffInitialMs: 50,
      tickMs: 50,
    });
    const states: string[] = [];
    source.supervisor.onTransition((t) => {
      states.push(t.to);
      if (source.supervisor.health().restarts >= 2 && t.to === 'reconnecting') source.stop();
    });
    for await (const frame of source.frames()) expect(frame).toBeUndefined();
    expect(states.slice(0, 4)).toEqual(['starting', 'stalled', 'reconnecting', 'starting']);
    expect(source.supervisor.health().lastProblem).toMatch(/missing\.mp4.*No such file/);
    expect(source.end().completed).toBe(false);
  });
});
