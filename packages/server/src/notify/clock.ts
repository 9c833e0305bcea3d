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

/**
 * Waits `delayMs` of wall-clock time, or until `signal` aborts.
 *
 * The timer keeps the process alive on purpose: a retry back-off or a flush bound that something
 * awaits must fire. An unreferenced timer let Node exit with code 13 ("unsettled top-level await")
 * while `raqib analyze` waited for a refused webhook, with no message and no dead letters.
 */
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

/**
 * Waits for `work` at most `timeoutMs` of wall-clock time: true when it settled (resolved or rejected)
 * in time, false otherwise. The bound's timer is cleared as soon as the race is decided, so a quick
 * `work` never holds the process for the rest of the bound.
 */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const bound = new AbortController();
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      wallSleep(timeoutMs, bound.signal).then(() => false),
    ]);
  } finally {
    bound.abort();
  }
}
