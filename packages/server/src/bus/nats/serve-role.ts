import { hostname } from 'node:os';
import { RaqibError } from '@raqib/core';
import { moduleLogger } from '../../logging/logger.js';
import type { Store } from '../../storage/store.js';
import type { StreamLiveStatus } from '../../api/api-route.js';
import { BusLiveStatus } from './bus-live-status.js';
import { eventLeaseGate } from './event-lease-gate.js';
import { leaseStreamGate, type StreamGate } from './lease-stream-gate.js';
import type { NatsConfig } from './nats-config-schema.js';
import type { NatsBus } from './nats-bus.js';
import { recordsViaBusStore } from './records-via-bus-store.js';
import { StoreRecordPublisher } from './store-record-publisher.js';
import { StoreWriter } from './store-writer.js';
import { StreamLeases } from './stream-leases.js';

/** `raqib serve --role`: `all` = one process does everything (the default, with or without NATS). */
export const SERVE_ROLES = ['all', 'api', 'worker'] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

/** What a role changes in `startServer`'s composition. */
export interface ServeRoleParts {
  /** The Store the live streams write to (a worker's readings and alert events go through JetStream). */
  liveStore: Store;
  /** A worker runs only the streams it holds leases for. */
  streamGate?: StreamGate;
  /** Whether this process analyses streams (an API node does not). */
  runsStreams: boolean;
  /** Whether this process runs event aggregators (the event-wide picture and alerts; a worker does not). */
  runsEvents: boolean;
  /** An API node runs only the events whose lease it holds (one node per event in the cluster). */
  eventGate?: (eventIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /** An API node's view of the streams that workers run (GET /api/v1/streams); undefined: its own ServeLive's. */
  liveStatus?: (streamId: string) => StreamLiveStatus | undefined;
  /** Set by the caller once the live side exists: a lost lease stops its stream (or event) at once. */
  onLeaseLost: (handler: () => void) => void;
  close(): Promise<void>;
}

/**
 * The parts of a scale-out role (docs/scale.md, "Topology and subjects"):
 * - `worker`: leases per stream in JetStream KV (a fair share of the streams; a dead worker's move on
 *   after `nats.leaseTtlMs`); readings and alert events published to the records stream;
 * - `api`: no streams; the one idempotent store writer (several API nodes share its durable consumer);
 *   the event aggregators, one node per event by a lease in JetStream KV;
 * - `all`: nothing changes.
 */
export async function openServeRole(
  role: ServeRole,
  nats: { config: NatsConfig; bus: NatsBus } | undefined,
  store: Store,
): Promise<ServeRoleParts> {
  if (role === 'all')
    return {
      liveStore: store,
      runsStreams: true,
      runsEvents: true,
      onLeaseLost: () => undefined,
      close: async () => {},
    };
  if (!nats) {
    throw new RaqibError(
      'CONFIG_INVALID',
      `--role ${role} needs a nats: section in the config file (docs/scale.md); without NATS run --role all`,
    );
  }
  const log = moduleLogger('serve-role');
  let lost: () => void = () => undefined;
  const workerId = `${hostname()}:${process.pid}`;
  // A lost lease stops its stream (worker) or hands its event's aggregator over (API node) at once.
  const openLeases = (kind: 'streams' | 'events') =>
    StreamLeases.open(nats.bus.connection, {
      workerId,
      kind,
      ttlMs: nats.config.leaseTtlMs,
      site: nats.config.site,
      replicas: nats.config.replicas,
      onLost: (id, reason) => {
        log.warn({ id, kind, reason }, 'lease lost: stopping its work here');
        lost();
      },
      onError: (error, id) => log.warn({ err: error, id, kind }, 'lease not renewed (retried)'),
    });
  if (role === 'api') {
    const eventLeases = await openLeases('events');
    const writer = await StoreWriter.start(nats.bus, store, {
      onError: (error, topic) =>
        log.error({ err: error, topic }, 'store writer dropped a message that is not a record'),
    });
    log.info({ role }, 'store writer consuming the records stream');
    const status = new BusLiveStatus(nats.bus);
    return {
      liveStore: store,
      runsStreams: false,
      runsEvents: true,
      eventGate: eventLeaseGate(eventLeases),
      liveStatus: (streamId) => status.apiStatus(streamId),
      onLeaseLost: (handler) => (lost = handler),
      close: async () => {
        status.close();
        await eventLeases.close();
        await writer.stop();
      },
    };
  }
  const leases = await openLeases('streams');
  return {
    liveStore: recordsViaBusStore(store, new StoreRecordPublisher(nats.bus)),
    streamGate: leaseStreamGate(leases),
    runsStreams: true,
    // The API nodes fuse the events and raise the event zones' alerts.
    runsEvents: false,
    onLeaseLost: (handler) => (lost = handler),
    close: () => leases.close(),
  };
}
