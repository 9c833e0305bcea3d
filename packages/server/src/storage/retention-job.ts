import type { Logger } from 'pino';
import type { RetentionPolicy, RetentionResult } from './retention-policy.js';
import type { Store } from './store.js';

export interface RetentionJobOptions {
  /** Time between passes; default one hour. */
  intervalMs?: number;
  nowMs?: () => number;
  log?: Pick<Logger, 'info' | 'error'>;
}

/**
 * Enforces the retention policy: one pass at start, then every `intervalMs`. A failed pass is logged
 * and retried at the next interval; it never stops the server.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionResult | undefined> | undefined;
  private readonly intervalMs: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly store: Store,
    private readonly policy: RetentionPolicy,
    private readonly options: RetentionJobOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 3_600_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** One pass now; resolves to what it deleted (undefined when it failed, after logging). */
  async runOnce(): Promise<RetentionResult | undefined> {
    this.running ??= (async () => {
      try {
        const result = await this.store.applyRetention(this.policy, this.nowMs());
        if (Object.values(result).some((n) => n > 0)) this.options.log?.info({ deleted: result }, 'retention pass');
        return result;
      } catch (error) {
        this.options.log?.error({ err: error }, 'retention pass failed; retrying at the next interval');
        return undefined;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
