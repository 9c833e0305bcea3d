import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RaqibError, type AlertEvent } from '@raqib/core';
import { combineNotifiers, createNotifiers, DeadLetterFile, loadNotifyFile, type Notifier } from '../notify/index.js';
import type { AlertListener } from '../pipeline/alert-stage.js';
import { JsonlWriter } from '../sinks/jsonl-file-sink.js';

/** The dead-letter file of `raqib analyze` when the notify file names none (in the output folder). */
export const DEAD_LETTER_FILE = 'notify-dead-letter.jsonl';

/** What became of the notifications of a run (summary.json `notifications`, the end-of-run table). */
export interface NotificationReport {
  /** Per destination: events sent to it, delivered, and dead-lettered. */
  destinations: { name: string; enqueued: number; delivered: number; deadLettered: number }[];
  deadLettered: number;
  /** The dead-letter file as the user should look for it (in the final output folder by default). */
  deadLetterFile: string;
  /** Dead letters that could not even be appended to the file (they are in the log only). */
  deadLetterWriteFailures: number;
}

export interface AlertOutputsOptions {
  /** The folder the user will find the outputs in, when `outDir` is a staging folder moved there at the end. */
  shownOutDir?: string;
  /** One line when a destination starts failing (e.g. `raqib analyze: warning: ...`). */
  onWarning?: (message: string) => void;
  /** One line when a failing destination delivers again. */
  onNote?: (message: string) => void;
}

/**
 * Where `raqib analyze` sends alert events: `alerts.jsonl` in the output directory (one event per line,
 * written as it happens) and, with `--notify FILE`, the configured notifiers (never blocking the
 * analysis; undeliverable events go to `notify-dead-letter.jsonl` in the output directory unless the
 * file names another).
 */
export class AlertOutputs {
  readonly listeners: AlertListener[];
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly file: JsonlWriter,
    private readonly notifiers: readonly Notifier[],
    private readonly deadLetter: DeadLetterFile | undefined,
    private readonly shownDeadLetterPath: string,
    private readonly flushTimeoutMs: number,
  ) {
    const notifier = notifiers.length > 0 ? combineNotifiers(notifiers) : undefined;
    this.listeners = [
      (event: AlertEvent) => this.file.append(event),
      ...(notifier ? [(event: AlertEvent) => notifier.notify(event)] : []),
    ];
  }

  /** Validates the notify file (if any) before anything runs; connects to nothing yet. */
  static async open(
    outDir: string,
    notifyPath: string | undefined,
    options: AlertOutputsOptions = {},
  ): Promise<AlertOutputs> {
    let notifiers: Notifier[] = [];
    let flushTimeoutMs = 0;
    let deadLetter: DeadLetterFile | undefined;
    let shownDeadLetterPath = join(options.shownOutDir ?? outDir, DEAD_LETTER_FILE);
    if (notifyPath !== undefined) {
      const config = await loadNotifyFile(notifyPath);
      if (config.deadLetterFile !== undefined) {
        shownDeadLetterPath = resolve(config.deadLetterFile);
        await checkDeadLetterFile(shownDeadLetterPath, notifyPath);
      }
      deadLetter = new DeadLetterFile(resolve(config.deadLetterFile ?? join(outDir, DEAD_LETTER_FILE)));
      const { onWarning, onNote } = options;
      notifiers = createNotifiers(config, {
        deadLetter,
        source: notifyPath,
        onHealth: ({ notifier, state, error }) =>
          state === 'failing'
            ? onWarning?.(
                `${notifier} is failing (${error ?? 'no answer'}); its alerts are retried in the background, and dead-lettered if it does not come back`,
              )
            : onNote?.(`${notifier} delivers again`),
      });
      flushTimeoutMs = config.flushTimeoutMs;
    }
    return new AlertOutputs(
      new JsonlWriter(join(outDir, 'alerts.jsonl')),
      notifiers,
      deadLetter,
      shownDeadLetterPath,
      flushTimeoutMs,
    );
  }

  /**
   * Closes alerts.jsonl, waits at most the notify file's `flushTimeoutMs` for pending notifications
   * (what is still pending then is dead-lettered) and closes the notifiers. Safe to call again.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  /** Counts so far (final after {@link close}). */
  report(): NotificationReport {
    const destinations = this.notifiers.map(({ name, stats }) => ({
      name,
      enqueued: stats.enqueued,
      delivered: stats.delivered,
      deadLettered: stats.deadLettered,
    }));
    return {
      destinations,
      deadLettered: destinations.reduce((sum, d) => sum + d.deadLettered, 0),
      deadLetterFile: this.shownDeadLetterPath,
      deadLetterWriteFailures: this.deadLetter?.counts.failed ?? 0,
    };
  }

  /**
   * One line on what could not be delivered, or null when everything was, e.g.
   * `12 alert notifications could not be delivered to webhook https://hooks.example.org/raqib; they are in
   * out/x/notify-dead-letter.jsonl`.
   */
  undeliveredText(): string | null {
    const report = this.report();
    if (report.deadLettered === 0) return null;
    const [first, ...others] = report.destinations.filter((d) => d.deadLettered > 0);
    if (!first) return null;
    const noun = first.deadLettered === 1 ? 'alert notification' : 'alert notifications';
    const lost = [`${first.deadLettered} ${noun} could not be delivered to ${first.name}`]
      .concat(others.map((d) => `${d.deadLettered} to ${d.name}`))
      .join(', ');
    const unwritten = report.deadLetterWriteFailures;
    const where = `they are in ${report.deadLetterFile}${unwritten > 0 ? `, except ${unwritten} that could not be written there (see the log)` : ''}`;
    return `${lost}; ${where}`;
  }

  private async closeOnce(): Promise<void> {
    try {
      await this.file.close();
    } finally {
      if (this.notifiers.length > 0) {
        const notifier = combineNotifiers(this.notifiers);
        await notifier.flush(this.flushTimeoutMs);
        await notifier.close();
      }
    }
  }
}

/**
 * The dead-letter file named in a notify file must be writable before the run starts: it is where
 * undeliverable alerts go, and finding out at the first dead letter would lose them to the log.
 */
async function checkDeadLetterFile(path: string, notifyPath: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const existing = await stat(path).catch(() => null);
    if (existing && !existing.isFile()) throw new Error('not a file');
    await access(existing ? path : dirname(path), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RaqibError(
      'NOTIFY_INVALID',
      `${notifyPath}: deadLetterFile: ${path} cannot be written (${code}); name a writable file, or leave it out to use the output folder`,
      { cause: error },
    );
  }
}
