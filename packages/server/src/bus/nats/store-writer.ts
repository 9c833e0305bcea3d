import type { Store } from '../../storage/store.js';
import type { LiveMessage } from '../live-bus.js';
import type { DeliveryInfo, DurableConsumer, NatsBus } from './nats-bus.js';
import type { StoreRecordMessage } from './store-record-publisher.js';

export interface StoreWriterOptions {
  /** Durable consumer name (one per deployment: its position is shared by every writer instance). */
  name?: string;
  /** A record not acknowledged this long (a writer that died mid-write) is delivered again; default 30 s. */
  ackWaitMs?: number;
  /** Wait before a record whose write failed (database down) is tried again; default 1 s. */
  retryDelayMs?: number;
  /** A message that is not a record (dropped). Failed writes (retried) go to the bus's `onError`. */
  onError?: (error: unknown, topic: string) => void;
}

/** What a writer did so far. */
export interface StoreWriterCounts {
  /** Records that changed the store (a new bucket or a completed one; a new alert event). */
  written: number;
  /** Records the store already had (a redelivery, or a replay from a restarted worker). */
  alreadyStored: number;
  /** Deliveries after the first (acknowledgement lost or late, writer restarted, write failed). */
  redelivered: number;
  /** Records that are not records (wrong shape): acknowledged and dropped, never retried. */
  rejected: number;
  /** Writes that threw (database unreachable): the record stays unacknowledged and comes again. */
  failed: number;
}

const isRecord = (data: unknown): data is StoreRecordMessage => {
  const message = data as Partial<StoreRecordMessage> | null;
  if (!message || typeof message !== 'object') return false;
  if (message.kind === 'reading') return typeof message.bucket?.streamId === 'string';
  if (message.kind === 'alert') return typeof message.event?.id === 'string' && typeof message.atMs === 'number';
  return false;
};

/**
 * The one idempotent writer of a scale-out deployment: a durable JetStream consumer of the records
 * stream (`store/>`) that writes reading buckets and alert events to the Store and acknowledges each
 * record only after its write returned. A writer that dies, a database that fails or a nats-server
 * that restarts means a record is delivered again, never lost; the Store's writes are keyed
 * ((stream, zone, resolution, bucket), (alert id, event seq)), so a record delivered twice is stored
 * once. Several writer processes may share the durable name: JetStream gives each record to one.
 */
export class StoreWriter {
  readonly counts: StoreWriterCounts = { written: 0, alreadyStored: 0, redelivered: 0, rejected: 0, failed: 0 };

  private constructor(private consumer: DurableConsumer | undefined) {}

  static async start(bus: NatsBus, store: Store, options: StoreWriterOptions = {}): Promise<StoreWriter> {
    const writer = new StoreWriter(undefined);
    writer.consumer = await bus.consume(
      options.name ?? 'store-writer',
      'store/>',
      (message, delivery) => writer.write(store, message, delivery, options),
      { ackWaitMs: options.ackWaitMs, retryDelayMs: options.retryDelayMs },
    );
    return writer;
  }

  private async write(
    store: Store,
    message: LiveMessage,
    delivery: DeliveryInfo,
    options: StoreWriterOptions,
  ): Promise<void> {
    if (delivery.deliveryCount > 1) this.counts.redelivered++;
    const record = message.data;
    if (!isRecord(record)) {
      this.counts.rejected++;
      options.onError?.(new Error(`not a store record (stream seq ${delivery.streamSeq}); dropped`), message.topic);
      return;
    }
    let changed: boolean;
    try {
      changed =
        record.kind === 'reading'
          ? (await store.putReadings([record.bucket])) > 0
          : await store.recordAlertEvent(record.event, record.atMs);
    } catch (error) {
      // Leaves the record unacknowledged: it comes again.
      this.counts.failed++;
      throw error;
    }
    if (changed) this.counts.written++;
    else this.counts.alreadyStored++;
  }

  /** Stops consuming; a record being written is finished first (and acknowledged). */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
