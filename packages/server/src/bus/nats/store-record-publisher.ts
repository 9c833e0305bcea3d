import type { AlertEvent } from '@raqib/core';
import { RaqibError } from '@raqib/core';
import type { ReadingBucket } from '../../storage/store-records.js';
import type { NatsBus } from './nats-bus.js';

/** A reading bucket on `store/<streamId>/readings`. */
export interface ReadingRecordMessage {
  kind: 'reading';
  bucket: ReadingBucket;
}

/** An alert engine event at its wall time on `store/<streamId>/alerts`. */
export interface AlertRecordMessage {
  kind: 'alert';
  event: AlertEvent;
  atMs: number;
}

export type StoreRecordMessage = ReadingRecordMessage | AlertRecordMessage;

export interface StoreRecordPublisherOptions {
  /** How long a record is retried while NATS does not acknowledge it (restarting, unreachable); default 60 s. */
  retryForMs?: number;
  /** Wait between attempts; default 250 ms. */
  retryDelayMs?: number;
}

/**
 * The store writes of a worker, sent through JetStream (`store/...` topics of the records stream)
 * to the store writer instead of to a database: the two pipeline writes of the Store interface,
 * with the same idempotent keys. Each record carries a JetStream message id made of that key, so a
 * publish retried after a lost acknowledgement is stored once in the stream, and the writer's
 * idempotent Store writes make a redelivered one harmless.
 *
 * A call resolves when JetStream acknowledged every record (it is then durable: the worker may
 * forget it); it retries while NATS is away and throws BUS_UNAVAILABLE after `retryForMs`.
 */
export class StoreRecordPublisher {
  constructor(
    private readonly bus: NatsBus,
    private readonly options: StoreRecordPublisherOptions = {},
  ) {}

  /** Publishes reading buckets; resolves to how many were new to the stream (not duplicates). */
  async putReadings(buckets: readonly ReadingBucket[]): Promise<number> {
    let fresh = 0;
    for (const bucket of buckets) {
      const message: ReadingRecordMessage = { kind: 'reading', bucket };
      // `samples` is part of the id: a bucket re-sent with more samples (completed) is a new record.
      const id = `reading:${bucket.streamId}:${bucket.zoneId}:${bucket.resolution}:${bucket.bucketStartMs}:${bucket.samples}`;
      if (await this.send(`store/${bucket.streamId}/readings`, message, id)) fresh++;
    }
    return fresh;
  }

  /** Publishes an alert event at wall time `atMs`; false when JetStream already had it. */
  async recordAlertEvent(event: AlertEvent, atMs: number): Promise<boolean> {
    const message: AlertRecordMessage = { kind: 'alert', event, atMs };
    return this.send(
      `store/${event.streamId}/alerts`,
      message,
      `alert:${event.id}:${event.type === 'cleared' ? 1 : 0}`,
    );
  }

  private async send(topic: string, message: StoreRecordMessage, id: string): Promise<boolean> {
    const deadline = Date.now() + (this.options.retryForMs ?? 60_000);
    for (;;) {
      try {
        const ack = await this.bus.publishDurable(topic, message, id);
        return !ack.duplicate;
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new RaqibError(
            'BUS_UNAVAILABLE',
            `${topic}: record ${id} not acknowledged by JetStream for ${this.options.retryForMs ?? 60_000} ms (${(error as Error).message})`,
            { cause: error },
          );
        }
        await new Promise((done) => setTimeout(done, this.options.retryDelayMs ?? 250));
      }
    }
  }
}
