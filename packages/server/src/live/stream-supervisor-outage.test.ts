import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@raqib/core';
import type { LiveInputHandlers } from './live-input.js';
import {
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  StreamSupervisor,
  type StreamTransition,
} from './stream-supervisor.js';
import { FakeClock } from './testing/fake-clock.js';

// A 5-minute publisher outage on the supervisor's injected clock, with the default timings (20 s
// stall, backoff 2..60 s, 20 % jitter) and real jitter drawn from seeded generators: the restart
// count must stay bounded (no restart storm) whatever the jitter draws. `npm run drill:outage` runs
// the same outage for real through raqib serve.
const IMAGE: RgbImage = { width: 2, height: 1, rgb: new Uint8Array(6) };
const OUTAGE_MS = 5 * 60_000;
const JITTER = 0.2;

/** Park-Miller: deterministic uniform values in [0, 1) for one seed. */
function uniforms(seed: number, count: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 48_271) % 2_147_483_647;
    return (state - 1) / 2_147_483_646;
  });
}

/**
 * One outage: the stream is live, its publisher dies (the pull ends at once), every reconnect attempt
 * fails after `attemptMs` (connection refused: ~0.3 s; an attempt that hangs without a first frame
 * ends at the 30 s start grace), and the publisher is back after `OUTAGE_MS`.
 */
function outage(seed: number, attempt: 'refused' | 'hangs') {
  const clock = new FakeClock();
  clock.randomValues = uniforms(seed, 64);
  const runs: LiveInputHandlers[] = [];
  let publisherUp = true;
  const supervisor = new StreamSupervisor({
    streamId: 'drone-1',
    clock,
    onFrame: () => undefined,
    input: (handlers) => {
      runs.push(handlers);
      if (publisherUp) clock.setTimer(() => handlers.onFrame(IMAGE), 500);
      else if (attempt === 'refused')
        clock.setTimer(() => handlers.onEnd({ completed: false, reason: 'refused' }), 300);
      // 'hangs': neither a frame nor an end; the supervisor's start grace ends the attempt.
      return { stop: () => undefined };
    },
  });
  const transitions: StreamTransition[] = [];
  supervisor.onTransition((t) => transitions.push(t));
  supervisor.start();
  clock.advance(1_000);
  expect(supervisor.state).toBe('live');
  publisherUp = false;
  const outageStartMs = clock.nowMs();
  runs.at(-1)!.onEnd({ completed: false, reason: 'publisher gone' });
  clock.advance(OUTAGE_MS);
  const restarts = supervisor.health().restarts;
  const waits = transitions.filter((t) => t.to === 'reconnecting').map((t) => t.retryInMs!);
  // The drone publishes again: the ingest says so and the stream reconnects without waiting out the backoff.
  publisherUp = true;
  const backAtMs = clock.nowMs();
  supervisor.publisherAvailable();
  clock.advance(1_000);
  const live = transitions.filter((t) => t.to === 'live').at(-1)!;
  supervisor.stop();
  return { restarts, waits, outageStartMs, backAtMs, live, states: transitions.map((t) => t.to) };
}

describe('StreamSupervisor over a 5-minute outage (injected clock, real jitter)', () => {
  it('restarts at most ~12 times when every attempt is refused at once, for any jitter draw', () => {
    const counts: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const { restarts, waits, backAtMs, live } = outage(seed, 'refused');
      counts.push(restarts);
      // Each wait is the doubling base spread by +-20 %, never above the 60 s cap.
      waits.forEach((waitMs, failures) => {
        const base = Math.min(DEFAULT_BACKOFF_MAX_MS, DEFAULT_BACKOFF_INITIAL_MS * 2 ** failures);
        expect(waitMs).toBeGreaterThanOrEqual(Math.floor(base * (1 - JITTER)));
        expect(waitMs).toBeLessThanOrEqual(Math.min(DEFAULT_BACKOFF_MAX_MS, Math.ceil(base * (1 + JITTER))));
      });
      // Live again at the first frame of the new publisher (0.5 s here), not after a backoff wait.
      expect(live.atMs - backAtMs).toBe(500);
    }
    // Bounds of the schedule 2, 4, 8, 16, 32, 60, 60, ... s with +-20 %: 8 restarts at the longest
    // draws, 10 at the shortest.
    expect(Math.max(...counts)).toBeLessThanOrEqual(12);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(7);
    process.stderr.write(
      `supervisor outage: restarts in 5 min over 40 jitter draws: ${Math.min(...counts)}..${Math.max(...counts)}\n`,
    );
  });

  it('restarts even less when attempts hang until the 30 s start grace', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { restarts, states } = outage(seed, 'hangs');
      expect(restarts).toBeGreaterThanOrEqual(3);
      expect(restarts).toBeLessThanOrEqual(7);
      // The first stall, then one per attempt that waited out its grace (the last may still be in it).
      expect([restarts, restarts + 1]).toContain(states.filter((s) => s === 'stalled').length);
    }
  });
});
