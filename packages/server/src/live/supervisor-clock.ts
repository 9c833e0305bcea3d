/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Time and randomness for the stream supervisor, injectable so tests drive it with a fake clock. */
export interface SupervisorClock {
  /** Milliseconds, monotonic. */
  nowMs(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Uniform in [0, 1), for backoff jitter. */
  random(): number;
}

/** The real clock: performance.now and ordinary timers (a reconnect wait keeps the process up; stop() clears it). */
export const systemClock: SupervisorClock = {
  nowMs: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: () => Math.random(),
};
