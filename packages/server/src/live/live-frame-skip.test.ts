import { afterEach, describe, expect, it } from 'vitest';
import type { FrameAnalysis, FrameMeta, RgbImage } from '@raqib/core';
import type { FrameSource, SourceFrame } from '../ingest/frame-source.js';
import { analyzeStream } from '../pipeline/analyze-stream.js';
import { DensityStage } from '../pipeline/density-stage.js';
import type { Stage } from '../pipeline/stage.js';
import type { Sink } from '../sinks/sink.js';
import type { LiveInputFactory } from './live-input.js';
import { LiveStreams } from './live-streams.js';
import { createWorkerDensityEstimator, type WorkerDensityEstimator } from './worker-density-estimator.js';

// One failing frame (an inference error, a crashed worker) costs a live stream that frame, not a
// restart of the whole stream; the offline CLI keeps failing the run on the first error.
const FAULTY = new URL('./testing/faulty-density-worker.ts', import.meta.url);
const image = (width: number): RgbImage => ({ width, height: 4, rgb: new Uint8Array(width * 12) });

/** A file-like source of `count` frames. */
function frames(count: number): FrameSource {
  return {
    description: 'test frames',
    async *frames(): AsyncGenerator<SourceFrame> {
      for (let seq = 0; seq < count; seq++) {
        yield { meta: { streamId: 's', seq, ptsMs: seq * 500, width: 8, height: 4 }, image: image(8) };
      }
    },
    end: () => ({ completed: true, framesRead: count, lastPtsMs: (count - 1) * 500 }),
  };
}

/** A stage that throws on the frames whose seq is listed. */
const failingOn = (...seqs: number[]): Stage => ({
  name: 'flaky',
  process: async (context) => {
    if (seqs.includes(context.analysis.frame.seq)) throw new Error(`inference failed on ${context.analysis.frame.seq}`);
  },
});

class Collect implements Sink {
  seqs: number[] = [];
  closed = false;
  async write(analysis: FrameAnalysis): Promise<void> {
    this.seqs.push(analysis.frame.seq);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('analyzeStream skipFailedFrames', () => {
  it('skips a frame whose stages throw, reports it, and goes on', async () => {
    const sink = new Collect();
    const skipped: string[] = [];
    const onSkip = (error: Error, frame: FrameMeta) => skipped.push(`${frame.seq}: ${error.message}`);
    const summary = await analyzeStream(frames(6), [failingOn(2, 4)], [sink], {
      frameIntervalS: 0.5,
      skipFailedFrames: { maxConsecutive: 1, onSkip },
    });
    expect(sink.seqs).toEqual([0, 1, 3, 5]);
    expect(skipped).toEqual(['2: inference failed on 2', '4: inference failed on 4']);
    expect(summary).toMatchObject({ frames: 4, source: { completed: true } });
  });

  it('fails the run after more failed frames in a row than allowed, and without the option on the first', async () => {
    const sink = new Collect();
    await expect(
      analyzeStream(frames(6), [failingOn(2, 3)], [sink], {
        frameIntervalS: 0.5,
        skipFailedFrames: { maxConsecutive: 1, onSkip: () => undefined },
      }),
    ).rejects.toThrow('inference failed on 3');
    expect(sink.seqs).toEqual([0, 1]);
    expect(sink.closed).toBe(true);
    // The offline CLI's behaviour: no option, the first failure ends the run.
    const offline = new Collect();
    await expect(analyzeStream(frames(6), [failingOn(2)], [offline], { frameIntervalS: 0.5 })).rejects.toThrow(
      'inference failed on 2',
    );
    expect(offline.seqs).toEqual([0, 1]);
  });
});

describe('LiveStreams with a density worker that crashes on one frame', () => {
  let streams: LiveStreams | null = null;
  let pool: WorkerDensityEstimator | null = null;
  afterEach(async () => {
    await streams?.stopAll();
    await pool?.close();
  });

  it('skips that frame (counted in the stream status) instead of restarting the stream', async () => {
    // The stand-in worker answers count = width; a 17 px wide frame kills it (process.exit).
    pool = await createWorkerDensityEstimator({ workers: 1, callTimeoutMs: 2_000, workerUrl: FAULTY });
    let delivered = 0;
    let runs = 0;
    const counts: number[] = [];
    const input: LiveInputFactory = (handlers) => {
      runs++;
      const timer = setInterval(() => handlers.onFrame(image(++delivered === 6 ? 17 : 16)), 40);
      return {
        stop: () => {
          clearInterval(timer);
          handlers.onEnd({ completed: false, reason: 'stopped' });
        },
      };
    };
    const density = new DensityStage(pool);
    const failures: string[] = [];
    streams = new LiveStreams({
      onAnalysisFailed: (id, error) => failures.push(`${id}: ${error.message}`),
      pipeline: () => ({
        stages: [density],
        sinks: [
          {
            write: async (analysis) => void counts.push(analysis.count),
            close: async () => undefined,
          },
        ],
      }),
    });
    streams.add({ id: 'drone', fps: 25, input: { kind: 'custom', description: 'frames', factory: input } });
    for (let i = 0; i < 100 && !(pool.stats().restarts >= 1 && counts.length >= 12); i++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const status = streams.get('drone')!;
    expect(status).toMatchObject({ state: 'live', failedFrames: 1, analysisRestarts: 0, restarts: 0 });
    expect(failures).toEqual([]);
    expect(runs).toBe(1); // the input was never restarted
    expect(pool.stats().restarts).toBe(1); // the crashed worker was replaced
    // Frames analysed before and after the failed one (the crash frame itself never reached a sink).
    expect(counts.length).toBeGreaterThanOrEqual(12);
    expect(new Set(counts)).toEqual(new Set([16]));
  });
});
