import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { moduleLogger } from '../logging/logger.js';
import { errorText } from './error-text.js';
import { payloadJson, type NotifyEvent } from './notify-event.js';
import {
  queuedNotifier,
  type DeliveryAttempt,
  type DeliveryOutcome,
  type DeliveryTransport,
  type QueuedDeliveryOptions,
  type QueuedNotifier,
} from './queued-notifier.js';

export interface MqttNotifierOptions extends QueuedDeliveryOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  /** Events go to `<topicPrefix>/<severity>`, e.g. `raqib/alerts/danger`. */
  topicPrefix: string;
  clientId?: string;
  username?: string;
  password?: string;
  connectTimeoutMs: number;
}

const log = moduleLogger('notify');

/**
 * Publishes each event's JSON (`{source, idempotencyKey, event}`) with QoS 1 (acknowledged by the
 * broker), retain off, to `<topicPrefix>/<severity>`. The connection is opened on demand; after any
 * failure it is dropped and reopened on the next attempt, so reconnection follows the notifier's
 * back-off and no message is resent behind its back.
 */
export function createMqttNotifier(options: MqttNotifierOptions): QueuedNotifier {
  const transport = new MqttTransport(options);
  return queuedNotifier('mqtt', transport, options);
}

/** The topic of an event. */
export function mqttTopic(topicPrefix: string, event: NotifyEvent): string {
  return `${topicPrefix.replace(/\/+$/, '')}/${event.severity}`;
}

class MqttTransport implements DeliveryTransport {
  readonly destination: string;
  private readonly options: MqttNotifierOptions;
  private readonly clientId: string;
  private client: MqttClient | null = null;

  constructor(options: MqttNotifierOptions) {
    this.options = options;
    const url = new URL(options.url);
    this.destination = `${url.protocol}//${url.host}/${options.topicPrefix}`;
    this.clientId = options.clientId ?? `raqib-${randomUUID().slice(0, 8)}`;
  }

  async deliver(event: NotifyEvent, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    try {
      const client = await this.connected(attempt.signal);
      await untilAborted(
        client.publishAsync(mqttTopic(this.options.topicPrefix, event), payloadJson(event), { qos: 1, retain: false }),
        attempt.signal,
        client,
      );
      return { ok: true };
    } catch (error) {
      this.drop();
      return { ok: false, retryable: true, error: errorText(error) };
    }
  }

  async close(): Promise<void> {
    this.drop();
  }

  private async connected(signal: AbortSignal): Promise<MqttClient> {
    if (this.client?.connected) return this.client;
    this.drop();
    const { username, password } = this.options;
    const client = connect(this.options.url, {
      clientId: this.clientId,
      clean: true,
      reconnectPeriod: 0, // reconnection is the notifier's retry, with back-off
      connectTimeout: this.options.connectTimeoutMs,
      queueQoSZero: false,
      resubscribe: false,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    });
    // An 'error' event without a listener would crash the process.
    client.on('error', (error) => log.debug({ err: error, destination: this.destination }, 'mqtt client error'));
    this.client = client;
    await untilAborted(
      new Promise<void>((resolve) => {
        if (client.connected) resolve();
        else client.once('connect', () => resolve());
      }),
      signal,
      client,
    );
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('connect');
      client.end(true);
    }
  }
}

/** Resolves with `work`, or rejects when the attempt aborts, the client errors or its connection closes. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, client: MqttClient): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      signal.removeEventListener('abort', onAbort);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('connection closed by the broker or the network'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    client.on('error', onError);
    client.on('close', onClose);
    work.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
