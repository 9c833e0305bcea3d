import { EXIT_CODE } from './exit-codes.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type InterruptSignal = (typeof SIGNALS)[number];

/** The exit code of a run stopped by `signal` (130 for SIGINT, 143 for SIGTERM). */
export function interruptExitCode(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? EXIT_CODE.interrupted : EXIT_CODE.terminated;
}

export interface InterruptSignalsOptions {
  /** The first signal: the run should stop reading input and finish its outputs. */
  onInterrupt(signal: InterruptSignal): void;
  /** A second signal: the user insists; tidy up synchronously, the process exits right after. */
  onForce?(signal: InterruptSignal): void;
}

/**
 * SIGINT/SIGTERM handling of a long command: the first signal aborts {@link signal} so the run can
 * finish cleanly (summary written, outputs moved into place); a second one exits at once with the
 * same code. The handlers replace Node's default (immediate exit) only while the command runs.
 */
export class InterruptSignals {
  received: InterruptSignal | null = null;
  private readonly controller = new AbortController();
  private readonly handler = (signal: InterruptSignal) => this.handle(signal);

  constructor(private readonly options: InterruptSignalsOptions) {
    for (const name of SIGNALS) process.on(name, this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Puts Node's default handling back. */
  dispose(): void {
    for (const name of SIGNALS) process.off(name, this.handler);
  }

  private handle(signal: InterruptSignal): void {
    if (this.received === null) {
      this.received = signal;
      this.controller.abort(new Error(`interrupted by ${signal}`));
      this.options.onInterrupt(signal);
      return;
    }
    try {
      this.options.onForce?.(signal);
    } finally {
      process.exit(interruptExitCode(signal));
    }
  }
}
