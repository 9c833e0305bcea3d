import { join } from 'node:path';
import type { AlertEvent } from '@raqib/core';
import { combineNotifiers, createNotifiers, loadNotifyFile, type Notifier } from '../notify/index.js';
import type { AlertListener } from '../pipeline/alert-stage.js';
import { JsonlWriter } from '../sinks/jsonl-file-sink.js';

/**
 * Where `raqib analyze` sends alert events: `alerts.jsonl` in the output directory (one event per line,
 * written as it happens) and, with `--notify FILE`, the configured notifiers (never blocking the
 * analysis; undeliverable events go to `notify-dead-letter.jsonl` in the output directory unless the
 * file names another).
 */
export class AlertOutputs {
  readonly listeners: AlertListener[];

  private constructor(
    private readonly file: JsonlWriter,
    private readonly notifier: Notifier | undefined,
    private readonly flushTimeoutMs: number,
  ) {
    this.listeners = [
      (event: AlertEvent) => this.file.append(event),
      ...(notifier ? [(event: AlertEvent) => notifier.notify(event)] : []),
    ];
  }

  /** Validates the notify file (if any) before anything runs; connects to nothing yet. */
  static async open(outDir: string, notifyPath: string | undefined): Promise<AlertOutputs> {
    let notifier: Notifier | undefined;
    let flushTimeoutMs = 0;
    if (notifyPath !== undefined) {
      const config = await loadNotifyFile(notifyPath);
      notifier = combineNotifiers(
        createNotifiers(config, { deadLetterPath: join(outDir, 'notify-dead-letter.jsonl'), source: notifyPath }),
      );
      flushTimeoutMs = config.flushTimeoutMs;
    }
    return new AlertOutputs(new JsonlWriter(join(outDir, 'alerts.jsonl')), notifier, flushTimeoutMs);
  }

  /** Closes alerts.jsonl, waits (bounded) for pending notifications and closes the notifiers. */
  async close(): Promise<void> {
    try {
      await this.file.close();
    } finally {
      if (this.notifier) {
        await this.notifier.flush(this.flushTimeoutMs);
        await this.notifier.close();
      }
    }
  }
}
