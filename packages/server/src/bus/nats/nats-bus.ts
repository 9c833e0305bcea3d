import { RaqibError } from '@raqib/core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { LiveBus, LiveHandler, LiveMessage } from '../live-bus.js';
import { checkSite, subjectRoot, subjectToTopic, topicToSubject } from './nats-subjects.js';

export interface NatsBusOptions {
  /** Deployment name: subjects `raqib.<site>.*`, streams `RAQIB_<site>_LIVE` / `RAQIB_<site>_RECORDS`. */
  site?: string;
  /** Age limit of the live stream (per-frame readings, alerts, stream health). */
  liveMaxAgeS?: number;
  /** Age limit of the records stream (what the store writer has not written yet must outlive an outage). */
  recordsMaxAgeS?: number;
  /** Size bound of each of the two streams (default 1 GiB; the oldest messages go first). */
  maxStreamBytes?: number;
  /** Copies of each stream in a JetStream cluster (1, or 3 / 5 for a cluster that survives losing servers). */
  replicas?: number;
  /** A publish that failed, or a subscriber or consumer handler that threw. */
  onError?: (error: unknown, topic: string) => void;
}

/** Delivery facts of a durable message. */
export interface DeliveryInfo {
  /** Sequence of the message in its JetStream stream. */
  streamSeq: number;
  /** 1 on the first delivery; more when it was not acknowledged in time (a consumer died or failed). */
  deliveryCount: number;
}

export type DurableHandler = (message: LiveMessage, delivery: DeliveryInfo) => Promise<void>;

export interface DurableConsumerOptions {
  /** A message not acknowledged this long after delivery is delivered again (default 30 s). */
  ackWaitMs?: number;
  /** Wait before a message whose handler threw is delivered again (default 1 s). */
  retryDelayMs?: number;
}

/** A running durable consumer. */
export interface DurableConsumer {
  /** Stops taking messages (the unacknowledged ones are delivered again later); resolves when the loop ended. */
  stop(): Promise<void>;
}

/** Default size bound of one stream: hours of readings and alerts of an event's streams. */
const DEFAULT_MAX_STREAM_BYTES = 1024 ** 3;
/** Publishes with the same message id within this window are stored once (a publisher's retry). */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * The live bus on NATS JetStream, for scale-out (docs/scale.md). The same topics as the in-process
 * bus, one subject each (`nats-subjects.ts`):
 *
 * - durable, in the stream `RAQIB_<site>_LIVE`: `alerts`, `streams/health`, `streams/<id>/readings`
 *   (late API nodes and consumers catch up from it; kept `liveMaxAgeS`);
 * - durable, in `RAQIB_<site>_RECORDS`: `store/...`, what the store writer must write (reading
 *   buckets, alert events), kept `recordsMaxAgeS` so that a database outage loses nothing;
 * - plain NATS (not stored): `streams/<id>/analysis` and `streams/<id>/frames` (display rate; the
 *   next picture replaces a missed one, so storing them would only cost disk).
 *
 * `subscribe` is a plain NATS subscription (live messages from now on), which is what the WebSocket
 * needs; `consume` is a durable JetStream consumer that acknowledges after its handler succeeded.
 */
export class NatsBus implements LiveBus {
  readonly site: string;
  readonly liveStream: string;
  readonly recordsStream: string;
  private readonly js: JetStreamClient;
  private readonly replicas: number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly consumers = new Set<DurableConsumer>();
  private readonly onError: (error: unknown, topic: string) => void;

  private constructor(
    readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
    options: NatsBusOptions,
  ) {
    this.site = checkSite(options.site ?? 'main');
    this.liveStream = `RAQIB_${this.site}_LIVE`;
    this.recordsStream = `RAQIB_${this.site}_RECORDS`;
    this.js = jetstream(connection);
    this.replicas = options.replicas ?? 1;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Opens the bus on a connection, creating or updating its two JetStream streams. */
  static async open(connection: NatsConnection, options: NatsBusOptions = {}): Promise<NatsBus> {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(connection);
    } catch (error) {
      throw new RaqibError(
        'BUS_FAILED',
        `NATS ${connection.getServer()}: JetStream is not available (${(error as Error).message}); ` +
          'start nats-server with JetStream (-js, or a jetstream block in its config; with accounts, jetstream: enabled in the account)',
        { cause: error },
      );
    }
    const bus = new NatsBus(connection, jsm, options);
    const root = subjectRoot(bus.site);
    await bus.ensureStream({
      name: bus.liveStream,
      subjects: [`${root}.alerts`, `${root}.streams.health`, `${root}.streams.*.readings`],
      max_age: nanos((options.liveMaxAgeS ?? 3600) * 1000),
      max_bytes: options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES,
    });
    await bus.ensureStream({
      name: bus.recordsStream,
      subjects: [`${root}.store.>`],
      max_age: nanos((options.recordsMaxAgeS ?? 7 * 86_400) * 1000),
      max_bytes: options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES,
    });
    return bus;
  }

  private async ensureStream(config: Pick<StreamConfig, 'name' | 'subjects' | 'max_age' | 'max_bytes'>): Promise<void> {
    const full: Partial<StreamConfig> & { name: string } = {
      ...config,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: this.replicas,
    };
    try {
      await this.jsm.streams.add(full);
    } catch (addError) {
      // Another node created it first, or an older version with other limits: align it.
      try {
        await this.jsm.streams.update(config.name, full);
      } catch (error) {
        throw new RaqibError(
          'BUS_FAILED',
          `NATS ${this.connection.getServer()}: cannot create or update the JetStream stream ${config.name} ` +
            `(${(addError as Error).message}; ${(error as Error).message})` +
            (/insufficient storage/i.test((addError as Error).message)
              ? `: it needs ${config.max_bytes} bytes of the server's JetStream file store; lower nats.maxStreamBytes or raise max_file_store in the nats-server config`
              : ''),
          { cause: error },
        );
      }
    }
  }

  /** Whether `topic` is stored in JetStream (and which stream), or only sent to current subscribers. */
  streamOf(topic: string): string | undefined {
    if (topic.startsWith('store/')) return this.recordsStream;
    if (topic === 'alerts' || topic === 'streams/health' || /^streams\/[^/]+\/readings$/.test(topic)) {
      return this.liveStream;
    }
    return undefined;
  }

  subjectOf(topic: string): string {
    return topicToSubject(this.site, topic);
  }

  /**
   * LiveBus publish: durable topics go through JetStream (the server's acknowledgement is awaited in
   * the background; a failure goes to `onError`), the others are plain NATS messages.
   */
  publish(topic: string, data: unknown): void {
    if (this.streamOf(topic)) {
      const sent = this.publishDurable(topic, data).catch((error: unknown) => this.onError(error, topic));
      this.pending.add(sent);
      void sent.finally(() => this.pending.delete(sent));
      return;
    }
    try {
      this.connection.publish(this.subjectOf(topic), JSON.stringify(data));
    } catch (error) {
      this.onError(error, topic);
    }
  }

  /**
   * Publishes to JetStream and resolves once the server stored it. With `messageId`, a publish repeated
   * within two minutes (a retry after a lost acknowledgement) is stored once (`duplicate` in the ack).
   */
  async publishDurable(topic: string, data: unknown, messageId?: string): Promise<PubAck> {
    if (!this.streamOf(topic)) throw new RaqibError('INPUT_INVALID', `topic ${topic} is not stored in JetStream`);
    try {
      return await this.js.publish(this.subjectOf(topic), JSON.stringify(data), messageId ? { msgID: messageId } : {});
    } catch (error) {
      throw new RaqibError(
        'BUS_UNAVAILABLE',
        `NATS ${this.connection.getServer()}: ${topic} not acknowledged by JetStream (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  subscribe(topic: string, handler: LiveHandler): () => void {
    const subscription = this.connection.subscribe(this.subjectOf(topic), {
      callback: (error, message) => {
        if (error) {
          this.onError(error, topic);
          return;
        }
        try {
          handler({ topic: subjectToTopic(this.site, message.subject), data: message.json() });
        } catch (handlerError) {
          this.onError(handlerError, topic);
        }
      },
    });
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      subscription.unsubscribe();
    };
  }

  /**
   * A durable consumer `name` of the messages matching `filterTopic` (segments `*` = any one, `>` =
   * the rest, e.g. `store/>`), from the oldest one not yet acknowledged. Messages are handled one at
   * a time, in stream order; one is acknowledged only after `handler` resolved, so a consumer that
   * dies or fails gets it again (handlers must be idempotent).
   */
  async consume(
    name: string,
    filterTopic: string,
    handler: DurableHandler,
    options: DurableConsumerOptions = {},
  ): Promise<DurableConsumer> {
    const stream = this.streamOf(filterTopic.replace(/(^|\/)[*>](?=\/|$)/g, '$1x'));
    if (!stream) throw new RaqibError('INPUT_INVALID', `topic ${filterTopic} is not stored in JetStream`);
    const config: Partial<ConsumerConfig> = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subjectOf(filterTopic),
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: 1000,
    };
    try {
      await this.jsm.consumers.add(stream, config);
    } catch {
      await this.jsm.consumers.update(stream, name, config).catch((error: unknown) => {
        throw new RaqibError(
          'BUS_FAILED',
          `NATS ${this.connection.getServer()}: cannot create the durable consumer ${name} on ${stream} (${(error as Error).message})`,
          { cause: error },
        );
      });
    }
    const consumer = await this.js.consumers.get(stream, name);
    // Pulls that expire after 5 s (server heartbeats every 2.5 s): when the consumer's leader is lost (R3, a
    // server down) the client notices the missed heartbeats and pulls from the new leader within seconds;
    // with the default 30 s pulls the writer stood still for over 30 s (nats-replicas.test.ts).
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 256, expires: 5_000 });
    const retryDelayMs = options.retryDelayMs ?? 1000;
    const loop = (async () => {
      for await (const message of messages) {
        let delivered: LiveMessage;
        try {
          delivered = { topic: subjectToTopic(this.site, message.subject), data: message.json() };
        } catch (error) {
          // Not JSON: delivering it again would fail again.
          this.onError(error, message.subject);
          message.term('not JSON');
          continue;
        }
        try {
          await handler(delivered, { streamSeq: message.seq, deliveryCount: message.info.deliveryCount });
        } catch (error) {
          this.onError(error, delivered.topic);
          message.nak(retryDelayMs);
          // A failing handler (a database down) is tried once per retryDelayMs, not on every message
          // in flight in turn: no busy loop, one log line per attempt.
          await new Promise((done) => setTimeout(done, retryDelayMs));
          continue;
        }
        // Not waiting for the ack's own confirmation (ackAck): while a replicated consumer elects a new
        // leader that wait times out message after message and stalls the consumer (R3, a server lost);
        // a lost ack only means a redelivery after ack_wait, which the handler tolerates.
        message.ack();
      }
    })();
    const running: DurableConsumer = {
      stop: async () => {
        this.consumers.delete(running);
        messages.stop();
        await loop.catch((error: unknown) => this.onError(error, filterTopic));
      },
    };
    this.consumers.add(running);
    return running;
  }

  /** Resolves when every publish made so far was acknowledged or failed. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.connection.flush();
  }

  /** Stops the consumers and subscriptions and waits for pending publishes; the connection stays open. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.clear();
    await Promise.allSettled([...this.pending]);
  }
}
