import type { NotifyClock } from '../clock.js';

/**
 * A clock for tests whose time only moves when a delivery loop sleeps: `sleep(30_000)` advances it
 * by 30 s and resolves on the next turn of the event loop. "A receiver down for 60 s" then costs
 * milliseconds. Hooks run on every advance (and are awaited), e.g. to bring a server back at 20 s.
 */
export class VirtualClock implements NotifyClock {
  private currentMs: number;
  private readonly hooks: ((nowMs: number) => void | Promise<void>)[] = [];
  /** Every sleep requested, in order, milliseconds. */
  readonly sleepsMs: number[] = [];
  readonly startMs: number;

  constructor(startMs = Date.UTC(2025, 5, 1)) {
    this.currentMs = startMs;
    this.startMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  /** Milliseconds since the clock was made. */
  elapsedMs(): number {
    return this.currentMs - this.startMs;
  }

  onAdvance(hook: (nowMs: number) => void | Promise<void>): void {
    this.hooks.push(hook);
  }

  async sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.sleepsMs.push(delayMs);
    this.currentMs += Math.max(0, delayMs);
    for (const hook of this.hooks) await hook(this.currentMs);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A deterministic source of numbers in [0, 1) (mulberry32), for back-off jitter in tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
