import type { RgbImage, StreamState, StreamTransition } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import type { LiveInput, LiveInputEnd, LiveInputFactory } from './live-input.js';
import { systemClock, type SupervisorClock, type TimerHandle } from './supervisor-clock.js';

const log = moduleLogger('live');

// A stream's states and their changes are published on `streams/health`: defined with the live messages.
export type { StreamState, StreamTransition } from '@raqib/core';

export interface StreamSupervisorOptions {
  streamId: string;
  /** Starts one run of the input (one ffmpeg process). */
  input: LiveInputFactory;
  /** Where decoded frames go (the latest-frame mailbox). Called on the main loop. */
  onFrame: (image: RgbImage) => void;
  /** No frame for this long while live: stalled, the input is restarted. Default 20 s. */
  stallTimeoutMs?: number;
  /** After a (re)start, how long the first frame may take before the attempt counts as failed. Default 30 s. */
  startGraceMs?: number;
  /** How often the watchdog looks at the last frame's age (at most; it also wakes when a stall is due). Default 5 s. */
  tickMs?: number;
  /** Reconnect backoff: first wait, doubling per consecutive failure up to the maximum. Default 2 s .. 60 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Jitter as a share of the wait: the wait is spread uniformly over +-jitter. Default 0.2. */
  backoffJitter?: number;
  /** Live for this long without trouble: the backoff starts again from its first wait. Default 30 s. */
  backoffResetAfterMs?: number;
  /** When the input completes (a drill file that does not loop): end the stream (default) or restart it. */
  restartOnComplete?: boolean;
  clock?: SupervisorClock;
  /** Wall clock for transition records (Unix ms). Default Date.now. */
  wallClockMs?: () => number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 20_000;
export const DEFAULT_START_GRACE_MS = 30_000;
export const DEFAULT_TICK_MS = 5_000;
export const DEFAULT_BACKOFF_INITIAL_MS = 2_000;
export const DEFAULT_BACKOFF_MAX_MS = 60_000;

/** Health counters of a supervised stream. */
export interface StreamHealth {
  streamId: string;
  state: StreamState;
  restarts: number;
  /** Supervisor clock time of the last frame (ms), or null before the first. */
  lastFrameAtMs: number | null;
  /** Wall-clock time of the last frame (Unix ms), or null before the first. */
  lastFrameAt: number | null;
  /** Why the stream is not live (the last failure), or null. */
  lastProblem: string | null;
}

/**
 * Keeps one live stream running: starts its input, watches for frames, and on a stall or a lost
 * input restarts it after an exponential backoff with jitter. States:
 * `starting` (an input run without a first frame yet, inside its grace period) -> `live` (frames
 * arrive) -> `stalled` (no frame for `stallTimeoutMs`, the input ended, or no first frame within the
 * grace period; the input is stopped) -> `reconnecting` (waiting the backoff) -> `starting` ...;
 * `ended` once stopped (or a drill file completed). Every change goes to the transition listeners.
 * A supervisor owns only its own input and timers: one stream's failure never touches another.
 */
export class StreamSupervisor {
  readonly streamId: string;
  private readonly clock: SupervisorClock;
  private readonly wallClockMs: () => number;
  private readonly stallTimeoutMs: number;
  private readonly startGraceMs: number;
  private readonly tickMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly backoffJitter: number;
  private readonly backoffResetAfterMs: number;
  private readonly listeners = new Set<(transition: StreamTransition) => void>();

  private current: StreamState | null = null;
  private run: { id: number; input: LiveInput | null; startedAtMs: number } | null = null;
  private runIds = 0;
  private restartCount = 0;
  private consecutiveFailures = 0;
  private liveSinceMs: number | null = null;
  private lastFrameMs: number | null = null;
  private lastFrameWall: number | null = null;
  private problem: string | null = null;
  private inputCompleted = false;
  private watchdog: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;

  constructor(private readonly options: StreamSupervisorOptions) {
    this.streamId = options.streamId;
    this.clock = options.clock ?? systemClock;
    this.wallClockMs = options.wallClockMs ?? Date.now;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.startGraceMs = options.startGraceMs ?? DEFAULT_START_GRACE_MS;
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.backoffInitialMs = options.backoffInitialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
    this.backoffMaxMs = options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    this.backoffJitter = options.backoffJitter ?? 0.2;
    this.backoffResetAfterMs = options.backoffResetAfterMs ?? 30_000;
    for (const [name, value] of Object.entries({
      stallTimeoutMs: this.stallTimeoutMs,
      startGraceMs: this.startGraceMs,
      tickMs: this.tickMs,
      backoffInitialMs: this.backoffInitialMs,
      backoffMaxMs: this.backoffMaxMs,
    })) {
      if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be > 0, got ${value}`);
    }
    if (!(this.backoffJitter >= 0 && this.backoffJitter < 1)) {
      throw new RangeError(`backoffJitter must be in [0, 1), got ${this.backoffJitter}`);
    }
  }

  get state(): StreamState | null {
    return this.current;
  }

  /** True when the stream ended because its input completed (a drill file played to the end). */
  get completed(): boolean {
    return this.inputCompleted;
  }

  /** Listens to every state change; returns the function that stops listening. */
  onTransition(listener: (transition: StreamTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): StreamHealth {
    return {
      streamId: this.streamId,
      state: this.current ?? 'starting',
      restarts: this.restartCount,
      lastFrameAtMs: this.lastFrameMs,
      lastFrameAt: this.lastFrameWall,
      lastProblem: this.problem,
    };
  }

  /** Starts the stream (once). */
  start(): void {
    if (this.current !== null) return;
    this.startRun('started');
    this.scheduleWatchdog();
  }

  /**
   * A publisher has (re)connected (the RTMP ingest said so): waiting out a long backoff would leave
   * the room blind, so a pending reconnect happens now and the backoff starts again from its first wait.
   */
  publisherAvailable(): void {
    this.consecutiveFailures = 0;
    if (this.current !== 'reconnecting') return;
    this.clearRetry();
    this.restartCount++;
    this.startRun('publisher connected');
  }

  /** Stops the stream for good: the input is stopped, timers cleared, state `ended`. */
  stop(reason = 'stopped'): void {
    if (this.current === 'ended') return;
    this.clearRetry();
    if (this.watchdog !== null) this.clock.clearTimer(this.watchdog);
    this.watchdog = null;
    this.stopRun();
    this.transition('ended', reason);
  }

  private startRun(reason: string): void {
    const id = ++this.runIds;
    this.run = { id, input: null, startedAtMs: this.clock.nowMs() };
    this.transition('starting', reason);
    let input: LiveInput;
    try {
      input = this.options.input({
        onFrame: (image) => this.frameFrom(id, image),
        onEnd: (end) => this.endOf(id, end),
      });
    } catch (error) {
      // A factory that throws (bad URL, spawn failure) is one failed attempt like any other.
      this.endOf(id, { completed: false, reason: `input failed to start: ${(error as Error).message}` });
      return;
    }
    if (this.run?.id === id) this.run.input = input;
    else input.stop(); // it ended synchronously and a retry is already planned
  }

  private stopRun(): void {
    const run = this.run;
    this.run = null;
    run?.input?.stop();
  }

  private frameFrom(runId: number, image: RgbImage): void {
    if (this.run?.id !== runId || this.current === 'ended') return;
    this.lastFrameMs = this.clock.nowMs();
    this.lastFrameWall = this.wallClockMs();
    if (this.current !== 'live') {
      this.liveSinceMs = this.lastFrameMs;
      this.problem = null;
      this.transition('live', 'frames arriving');
    }
    try {
      this.options.onFrame(image);
    } catch (error) {
      log.error({ streamId: this.streamId, err: error }, 'frame consumer threw');
    }
  }

  private endOf(runId: number, end: LiveInputEnd): void {
    if (this.run?.id !== runId || this.current === 'ended') return;
    this.run = null;
    if (end.completed && !this.options.restartOnComplete) {
      this.inputCompleted = true;
      this.stop(`input completed: ${end.reason}`);
      return;
    }
    this.fail(`input ended: ${end.reason}`);
  }

  /** The current run failed (stall, lost input, no first frame): stalled, stop it, wait, retry. */
  private fail(reason: string): void {
    const now = this.clock.nowMs();
    if (this.current === 'live' && this.liveSinceMs !== null && now - this.liveSinceMs >= this.backoffResetAfterMs) {
      this.consecutiveFailures = 0;
    }
    this.liveSinceMs = null;
    this.problem = reason;
    this.transition('stalled', reason);
    this.stopRun();
    const waitMs = this.backoffMs(this.consecutiveFailures++);
    this.transition('reconnecting', `retry in ${(waitMs / 1000).toFixed(1)} s`, waitMs);
    this.retryTimer = this.clock.setTimer(() => {
      this.retryTimer = null;
      if (this.current !== 'reconnecting') return;
      this.restartCount++;
      this.startRun(`restart ${this.restartCount}`);
    }, waitMs);
  }

  /** Wait before retry number `failures` (0-based): initial * 2^failures, capped, with jitter, never above the cap. */
  backoffMs(failures: number): number {
    const base = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(failures, 30));
    const spread = 1 - this.backoffJitter + 2 * this.backoffJitter * this.clock.random();
    return Math.round(Math.min(this.backoffMaxMs, base * spread));
  }

  /**
   * The watchdog ticks every `tickMs`, but never later than the moment a stall or a missed grace
   * period would be due, so "no frame for 20 s" is declared at 20 s, not at the next tick after it.
   */
  private scheduleWatchdog(): void {
    const now = this.clock.nowMs();
    let delayMs = this.tickMs;
    if (this.current === 'live' && this.lastFrameMs !== null) {
      delayMs = Math.min(delayMs, this.lastFrameMs + this.stallTimeoutMs - now);
    } else if (this.current === 'starting' && this.run) {
      delayMs = Math.min(delayMs, this.run.startedAtMs + this.startGraceMs - now);
    }
    this.watchdog = this.clock.setTimer(
      () => {
        this.watchdog = null;
        if (this.current === 'ended') return;
        this.check();
        this.scheduleWatchdog();
      },
      Math.max(1, delayMs),
    );
  }

  /** The watchdog tick: a live stream without frames, or a start without a first frame, has stalled. */
  private check(): void {
    const now = this.clock.nowMs();
    if (this.current === 'live' && this.lastFrameMs !== null && now - this.lastFrameMs >= this.stallTimeoutMs) {
      this.fail(`no frame for ${((now - this.lastFrameMs) / 1000).toFixed(1)} s`);
    } else if (this.current === 'starting' && this.run && now - this.run.startedAtMs >= this.startGraceMs) {
      this.fail(`no first frame within ${(this.startGraceMs / 1000).toFixed(1)} s of the start`);
    }
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  private transition(to: StreamState, reason: string, retryInMs?: number): void {
    const from = this.current;
    this.current = to;
    const event: StreamTransition = {
      streamId: this.streamId,
      from,
      to,
      atMs: this.clock.nowMs(),
      at: this.wallClockMs(),
      reason,
      restarts: this.restartCount,
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    };
    log.info(event, 'stream state');
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error({ streamId: this.streamId, err: error }, 'stream transition listener threw');
      }
    }
  }
}
