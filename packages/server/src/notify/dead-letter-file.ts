import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { moduleLogger } from '../logging/logger.js';
import type { NotifyEvent } from './notify-event.js';

/** One event a notifier gave up on, with why: a line of the dead-letter JSONL file. */
export interface DeadLetterRecord {
  /** ISO time it was given up. */
  deadLetteredAt: string;
  notifier: string;
  /** Where it was going (no credentials). */
  destination: string;
  reason: string;
  attempts: number;
  lastError?: string;
  idempotencyKey: string;
  event: NotifyEvent;
}

/** Where undeliverable events go. `write` never rejects (a failure is logged as the last resort). */
export interface DeadLetterSink {
  write(record: DeadLetterRecord): Promise<void>;
}

const log = moduleLogger('notify');

/** Appends dead letters to a JSONL file (created with its folder on first use), one write at a time. */
export class DeadLetterFile implements DeadLetterSink {
  readonly path: string;
  /** Records appended, and records that could not be (they are only in the log). */
  readonly counts = { written: 0, failed: 0 };
  private chain: Promise<void> = Promise.resolve();
  private folderReady = false;

  constructor(path: string) {
    this.path = path;
  }

  write(record: DeadLetterRecord): Promise<void> {
    this.chain = this.chain.then(() => this.append(record));
    return this.chain;
  }

  private async append(record: DeadLetterRecord): Promise<void> {
    try {
      if (!this.folderReady) {
        await mkdir(dirname(this.path), { recursive: true });
        this.folderReady = true;
      }
      await appendFile(this.path, `${JSON.stringify(record)}\n`, 'utf8');
      this.counts.written += 1;
    } catch (error) {
      this.counts.failed += 1;
      // The dead-letter file is the last resort: keep the event in the log rather than lose it.
      log.error(
        { err: error, path: this.path, record },
        `${this.path}: cannot append to the notifications dead-letter file`,
      );
    }
  }
}
