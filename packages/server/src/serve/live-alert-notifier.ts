import { join, resolve } from 'node:path';
import type { AlertEvent } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import {
  combineNotifiers,
  createNotifiers,
  DeadLetterFile,
  type DeadLetterRecord,
  type DeadLetterSink,
  type Notifier,
} from '../notify/index.js';
import type { ServerConfig } from './server-config.js';

/** The dead-letter file of `raqib serve` when `notify.deadLetterFile` names none (in the data folder). */
export const SERVE_DEAD_LETTER_FILE = 'notify-dead-letter.jsonl';

export interface LiveAlertNotifierOptions {
  dataDir: string;
  /** Where secrets are read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** One line when a destination starts failing or delivers again. */
  onWarning?: (message: string) => void;
}

/** A stream's notification counters, for GET /api/v1/streams. */
export interface StreamNotificationCounts {
  /** Alert events handed to the notifiers. */
  sent: number;
  /** Dead letters (one per destination that could not get an event). */
  deadLettered: number;
}

const log = moduleLogger('notify');

/**
 * Live alerts to the notifiers of `raqib.yaml`'s `notify:` section (webhook, MQTT, e-mail, terminal;
 * the same notifiers and retry queues as `raqib analyze --notify`). `notify` only enqueues: a
 * destination that is down never holds up a stream or the API; its events are retried in the
 * background and end in the dead-letter file (`<dataDir>/notify-dead-letter.jsonl` by default).
 */
export class LiveAlertNotifier {
  readonly deadLetterPath: string;
  private readonly notifier: Notifier;
  private readonly counts = new Map<string, StreamNotificationCounts>();
  private closing: Promise<void> | null = null;

  /** Builds the notifiers; throws NOTIFY_INVALID (a missing secret, a destination not allowed). Connects to nothing. */
  constructor(
    private readonly config: NonNullable<ServerConfig['notify']>,
    options: LiveAlertNotifierOptions,
  ) {
    this.deadLetterPath = resolve(config.deadLetterFile ?? join(options.dataDir, SERVE_DEAD_LETTER_FILE));
    const file = new DeadLetterFile(this.deadLetterPath);
    const deadLetter: DeadLetterSink = {
      write: (record: DeadLetterRecord) => {
        const streamId = record.event.streamId;
        if (streamId !== undefined) this.countsOf(streamId).deadLettered++;
        log.warn(
          { streamId, notifier: record.notifier, alertId: record.event.id, reason: record.reason },
          `alert notification dead-lettered to ${this.deadLetterPath}: ${record.notifier}: ${record.reason}`,
        );
        return file.write(record);
      },
    };
    const notifiers = createNotifiers(config, {
      deadLetter,
      source: 'raqib.yaml notify',
      ...(options.env ? { env: options.env } : {}),
      onHealth: ({ notifier, state, error }) =>
        state === 'failing'
          ? options.onWarning?.(
              `notifications: ${notifier} is failing (${error ?? 'no answer'}); live alerts are retried in the background, and go to ${this.deadLetterPath} if it does not come back`,
            )
          : options.onWarning?.(`notifications: ${notifier} delivers again`),
    });
    this.notifier = combineNotifiers(notifiers);
    log.info(
      { notifiers: notifiers.map((n) => n.name), deadLetterFile: this.deadLetterPath },
      'live alert notifications on',
    );
  }

  /** Enqueues a stream's alert event (streams of other events than `notify.events` are left out). */
  notify(streamId: string, eventId: string, event: AlertEvent): void {
    if (this.closing) return;
    if (this.config.events && !this.config.events.includes(eventId)) return;
    this.countsOf(streamId).sent++;
    this.notifier.notify(event.streamId === undefined ? { ...event, streamId } : event);
  }

  /** A stream's counters (zeros before its first alert). */
  streamCounts(streamId: string): StreamNotificationCounts {
    return { ...(this.counts.get(streamId) ?? { sent: 0, deadLettered: 0 }) };
  }

  /** Waits at most `notify.flushTimeoutMs` for pending events (the rest are dead-lettered), then closes. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.notifier.flush(this.config.flushTimeoutMs);
      await this.notifier.close();
    })();
    return this.closing;
  }

  private countsOf(streamId: string): StreamNotificationCounts {
    let counts = this.counts.get(streamId);
    if (!counts) {
      counts = { sent: 0, deadLettered: 0 };
      this.counts.set(streamId, counts);
    }
    return counts;
  }
}
