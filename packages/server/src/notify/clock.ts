/**
 * Time as the delivery loops see it: retry back-off waits and event ages. Injected so tests can play
 * "the receiver is down for 60 s" in milliseconds of real time.
 */
export interface NotifyClock {
  /** Current time, Unix milliseconds. */
  nowMs(): number;
  /** Resolves after `delayMs`, or early (without rejecting) when `signal` aborts. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: NotifyClock = {
  nowMs: () => Date.now(),
  sleep: (delayMs, signal) => wallSleep(delayMs, signal),
};

/** Waits `delayMs` of wall-clock time, or until `signal` aborts. The timer never keeps the process alive. */
export function wallSleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, delayMs));
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): "full jitter" exponential
 * back-off, uniformly random in [0, min(maxDelayMs, initialDelayMs * 2^(attempt-1))).
 *
 * @param random a source of numbers in [0, 1) (injected for deterministic tests)
 */
export function backoffDelayMs(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceilingMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.floor(random() * ceilingMs);
}
