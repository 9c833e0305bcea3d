import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { moduleLogger } from '../logging/logger.js';

export interface MqttTelemetryOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  /** Messages on `<topicPrefix>/<streamId>/telemetry` are a stream's telemetry. */
  topicPrefix: string;
  clientId?: string;
  username?: string;
  password?: string;
  connectTimeoutMs: number;
  /** Wait between reconnection attempts. */
  reconnectMs: number;
  /** One message: the stream id from its topic, and the payload parsed as JSON (or the parse error). */
  onMessage(streamId: string, payload: { json: unknown } | { error: string }, topic: string): void;
  /** One line when the broker is lost or back (never blocks anything). */
  onWarning?: (message: string) => void;
}

const log = moduleLogger('telemetry-mqtt');
/** Larger messages are not telemetry (a batch of 1000 samples is ~300 KiB). */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Subscribes to live telemetry on an MQTT broker (`<topicPrefix>/+/telemetry`, QoS 0: a lost sample is
 * replaced by the next one). The client reconnects on its own every `reconnectMs`; a broker that is
 * down or goes away is one warning, and one note when it is back; nothing waits for it.
 */
export class MqttTelemetrySubscriber {
  private client: MqttClient | null = null;
  private connectedOnce = false;
  private down = false;
  private readonly prefix: string;

  constructor(private readonly options: MqttTelemetryOptions) {
    this.prefix = options.topicPrefix.replace(/\/+$/, '');
  }

  /** The topic filter subscribed to. */
  get topicFilter(): string {
    return `${this.prefix}/+/telemetry`;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { username, password } = this.options;
    const client = connect(this.options.url, {
      clientId: this.options.clientId ?? `raqib-telemetry-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: this.options.reconnectMs,
      connectTimeout: this.options.connectTimeoutMs,
      resubscribe: true,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    });
    this.client = client;
    client.on('connect', () => {
      client.subscribe(this.topicFilter, { qos: 0 }, (error) => {
        if (error)
          this.warn(`MQTT telemetry: cannot subscribe to ${this.topicFilter} on ${this.where()} (${error.message})`);
      });
      if (this.down || !this.connectedOnce)
        log.info({ broker: this.where(), topics: this.topicFilter }, 'MQTT telemetry: subscribed');
      if (this.down) this.options.onWarning?.(`MQTT telemetry: ${this.where()} is back`);
      this.connectedOnce = true;
      this.down = false;
    });
    const lost = (why: string) => {
      if (this.down || !this.client) return;
      this.down = true;
      this.warn(
        `MQTT telemetry: broker ${this.where()} ${this.connectedOnce ? 'lost' : 'not reachable'} (${why}); retrying every ${this.options.reconnectMs / 1000} s, live streams run without its telemetry meanwhile`,
      );
    };
    // An 'error' event without a listener would crash the process.
    client.on('error', (error) => lost(error.message));
    client.on('offline', () => lost('offline'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const rest = topic.startsWith(`${this.prefix}/`) ? topic.slice(this.prefix.length + 1) : '';
    const match = /^([^/]+)\/telemetry$/.exec(rest);
    if (!match) return;
    const streamId = match[1]!;
    if (payload.length > MAX_PAYLOAD_BYTES) {
      this.options.onMessage(
        streamId,
        { error: `the message is ${payload.length} bytes, over ${MAX_PAYLOAD_BYTES}` },
        topic,
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      this.options.onMessage(streamId, { error: `not JSON (${(error as Error).message})` }, topic);
      return;
    }
    this.options.onMessage(streamId, { json }, topic);
  }

  private where(): string {
    const url = new URL(this.options.url);
    return `${url.protocol}//${url.host}`;
  }

  private warn(message: string): void {
    log.warn(message);
    this.options.onWarning?.(message);
  }
}
