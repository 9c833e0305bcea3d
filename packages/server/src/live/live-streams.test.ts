import { afterEach, describe, expect, it } from 'vitest';
import type { RgbImage } from '@raqib/core';
import type { LiveInputFactory } from './live-input.js';
import { LiveStreams, type LiveStreamSpec } from './live-streams.js';
import type { StreamTransition } from './stream-supervisor.js';

const IMAGE: RgbImage = { width: 2, height: 2, rgb: new Uint8Array(12) };

/** An input that decodes a frame every `everyMs` until stopped; counts its runs. */
function tickingInput(everyMs: number) {
  const counter = { runs: 0 };
  const factory: LiveInputFactory = (handlers) => {
    counter.runs++;
    const timer = setInterval(() => handlers.onFrame({ ...IMAGE, rgb: IMAGE.rgb.slice() }), everyMs);
    return {
      stop: () => {
        clearInterval(timer);
        handlers.onEnd({ completed: false, reason: 'stopped' });
      },
    };
  };
  return { factory, counter };
}

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));
let streams: LiveStreams | null = null;
afterEach(async () => {
  await streams?.stopAll();
  streams = null;
});

describe('LiveStreams', () => {
  it('restarts a stream whose analysis fails, without touching the other stream', async () => {
    const a = tickingInput(20);
    const b = tickingInput(20);
    let aFrames = 0;
    const failures: string[] = [];
    const transitions: StreamTransition[] = [];
    streams = new LiveStreams({
      analysisRestartMs: 50,
      // Single failed frames are skipped (see live-frame-skip.test.ts); three in a row fail the run.
      maxFailedFramesInARow: 2,
      onAnalysisFailed: (id, error) => failures.push(`${id}: ${error.message}`),
      onTransition: (t) => transitions.push(t),
      pipeline: (spec) => ({
        stages: [
          {
            name: 'flaky',
            process: async () => {
              if (spec.id === 'a' && ++aFrames >= 3 && aFrames <= 5) throw new Error('model exploded');
            },
          },
        ],
        sinks: [],
      }),
    });
    const spec = (id: string, factory: LiveInputFactory): LiveStreamSpec => ({
      id,
      fps: 50,
      input: { kind: 'custom', description: 'ticking', factory },
    });
    streams.add(spec('a', a.factory));
    streams.add(spec('b', b.factory));
    await wait(600);
    const [statusA, statusB] = [streams.get('a')!, streams.get('b')!];
    expect(failures).toEqual(['a: model exploded']);
    expect(statusA).toMatchObject({ state: 'live', analysisRestarts: 1 });
    expect(statusA.lastProblem).toBeNull();
    expect(a.counter.runs).toBe(2); // the input was restarted with the analysis
    expect(statusA.processedFrames).toBeGreaterThan(5);
    expect(statusB).toMatchObject({ state: 'live', analysisRestarts: 0, restarts: 0 });
    expect(b.counter.runs).toBe(1);
    expect(statusB.fps).toBeGreaterThan(5);
    expect(statusB.lastFrameAt).toBeGreaterThan(Date.now() - 1_000);
    expect(transitions.filter((t) => t.streamId === 'b').map((t) => t.to)).toEqual(['starting', 'live']);
    await streams.remove('a');
    expect(streams.list().map((s) => s.id)).toEqual(['b']);
    expect(a.counter.runs).toBe(2);
  });

  it('routes a publish notification to the stream with that key only', async () => {
    const pulled: string[] = [];
    streams = new LiveStreams({
      ingest: { pullUrl: (key) => `rtmp://127.0.0.1:1/live/${key}` },
      pipeline: () => ({ stages: [], sinks: [] }),
    });
    // Both pulls fail at once (nothing listens on port 1): the streams wait out their backoff.
    streams.add({ id: 'd1', fps: 2, input: { kind: 'rtmp-push', streamKey: 'key-one-0123456789abcdef' } });
    streams.add({ id: 'd2', fps: 2, input: { kind: 'rtmp-push', streamKey: 'key-two-0123456789abcdef' } });
    for (let i = 0; i < 100 && streams.list().some((s) => s.state !== 'reconnecting'); i++) await wait(50);
    expect(streams.list().map((s) => s.state)).toEqual(['reconnecting', 'reconnecting']);
    expect(streams.get('d1')!.lastProblem).toMatch(/rtmp:\/\/127\.0\.0\.1:1\/live\/\*\*\*/);
    expect(streams.get('d1')!.lastProblem).not.toContain('key-one');
    streams.publisherAvailable('key-two-0123456789abcdef');
    pulled.push(...streams.list().map((s) => `${s.id}:${s.state}`));
    expect(pulled).toEqual(['d1:reconnecting', 'd2:starting']);
  });

  it('refuses duplicate ids and keys, and push streams without an ingest', () => {
    streams = new LiveStreams({ pipeline: () => ({ stages: [], sinks: [] }) });
    expect(() => streams!.add({ id: 'x', fps: 2, input: { kind: 'rtmp-push', streamKey: 'k'.repeat(20) } })).toThrow(
      /RTMP push needs the RTMP ingest/,
    );
    const withIngest = new LiveStreams({
      ingest: { pullUrl: (key) => `rtmp://127.0.0.1:1/live/${key}` },
      pipeline: () => ({ stages: [], sinks: [] }),
    });
    const { factory } = tickingInput(1_000);
    withIngest.add({ id: 'x', fps: 2, input: { kind: 'custom', description: 't', factory } });
    expect(() => withIngest.add({ id: 'x', fps: 2, input: { kind: 'custom', description: 't', factory } })).toThrow(
      /already exists/,
    );
    withIngest.add({ id: 'y', fps: 2, input: { kind: 'rtmp-push', streamKey: 'k'.repeat(20) } });
    expect(() => withIngest.add({ id: 'z', fps: 2, input: { kind: 'rtmp-push', streamKey: 'k'.repeat(20) } })).toThrow(
      /stream key is already used/,
    );
    expect(() => withIngest.add({ id: 'w', fps: 0, input: { kind: 'custom', description: 't', factory } })).toThrow(
      /fps must be > 0/,
    );
    streams = withIngest;
  });
});
