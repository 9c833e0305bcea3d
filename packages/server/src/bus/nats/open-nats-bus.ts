import { hostname } from 'node:os';
import { moduleLogger } from '../../logging/logger.js';
import { connectNats } from './connect-nats.js';
import type { NatsConfig } from './nats-config-schema.js';
import { NatsBus } from './nats-bus.js';

/** A NatsBus with the connection it owns. */
export interface OpenNatsBus {
  bus: NatsBus;
  /** Waits for pending publishes, stops consumers and subscriptions, then drains and closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects to the `nats:` section's servers and opens the bus on them (creating the JetStream
 * streams if needed). Throws BUS_AUTH_FAILED / BUS_UNAVAILABLE / BUS_FAILED with what to check.
 */
export async function openNatsBus(
  config: NatsConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  role = 'all',
): Promise<OpenNatsBus> {
  const log = moduleLogger('nats');
  const connection = await connectNats({ ...config, name: `raqib-${role}-${hostname()}-${process.pid}` }, env);
  const lastWarnedMs = new Map<string, number>();
  let bus: NatsBus;
  try {
    bus = await NatsBus.open(connection, {
      site: config.site,
      liveMaxAgeS: config.liveMaxAgeS,
      recordsMaxAgeS: config.recordsMaxAgeS,
      maxStreamBytes: config.maxStreamBytes,
      replicas: config.replicas,
      onError: (error, topic) => {
        // While NATS is away every publish fails: one line per topic family every 10 s, not one per message.
        const family = topic.replace(/^(streams|store)\/[^/]+\//, '$1/*/');
        const nowMs = Date.now();
        if (nowMs - (lastWarnedMs.get(family) ?? -Infinity) < 10_000) return;
        lastWarnedMs.set(family, nowMs);
        log.warn({ err: error, topic }, 'live bus message not delivered (further ones for 10 s not logged)');
      },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  // Disconnections are expected during a nats-server restart: one line each, the client reconnects.
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect')
        log.warn({ status: status.type }, 'NATS connection');
    }
  })().catch(() => undefined);
  log.info({ servers: config.servers, site: bus.site }, 'live bus on NATS JetStream');
  return {
    bus,
    async close() {
      await bus.close();
      await connection.drain().catch(() => connection.close());
    },
  };
}
