import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { natsServerForTests, startNatsCluster, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { raisedAlert } from '../testing/test-records.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';
import { StoreRecordPublisher } from './store-record-publisher.js';
import { StoreWriter } from './store-writer.js';
import { StreamLeases } from './stream-leases.js';

// `nats.replicas: 3` on a 3-server JetStream cluster (loopback): the records stream, its consumers and
// the lease bucket are replicated, so the server leading the store writer's consumer can crash mid-flow
// (SIGKILL) without losing a record JetStream acknowledged, and without stopping the writer or the leases.
const bin = natsServerForTests();
const T0_MS = Date.UTC(2026, 11, 3, 17);

describe.skipIf(!bin)(`replicated JetStream streams (R3)${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let cluster: NatsTestServer[];
  let connection: NatsConnection;
  beforeAll(async () => {
    cluster = await startNatsCluster(bin!, 3);
    connection = await connectNats({ servers: cluster.map((server) => server.url), name: 'r3' });
  }, 60_000);
  afterAll(async () => {
    await connection?.close();
    for (const server of cluster ?? []) await server.destroy();
  });

  it("keeps every acknowledged record when the server leading the writer's consumer is killed", async () => {
    // The cluster elects its JetStream meta leader a moment after the servers start.
    let bus: NatsBus | undefined;
    const deadline = Date.now() + 30_000;
    while (!bus) {
      bus = await NatsBus.open(connection, { site: 'r3', replicas: 3, maxStreamBytes: 16 * 1024 ** 2 }).catch(
        (error: unknown) => {
          if (Date.now() > deadline) throw error;
          return new Promise<undefined>((done) => setTimeout(() => done(undefined), 500));
        },
      );
    }
    const jsm = await jetstreamManager(connection);
    const info = await jsm.streams.info(bus.recordsStream);
    expect(info.config.num_replicas).toBe(3);
    const leaderName = info.cluster!.leader!;
    const leases = await StreamLeases.open(connection, { workerId: 'w1', ttlMs: 15_000, site: 'r3', replicas: 3 });
    expect(await leases.tryAcquire('cam1')).toBe(true);

    const store = SqliteStore.open({ path: ':memory:' });
    const writer = await StoreWriter.start(bus, store, { retryDelayMs: 200 });
    const publisher = new StoreRecordPublisher(bus);
    for (let index = 0; index < 100; index++)
      await publisher.recordAlertEvent(raisedAlert(index), T0_MS + index * 1000);

    // The server leading the writer's consumer dies (the consumer then has to move: the hard case for
    // the writer); when it also led the records stream, the other two elect a new stream leader too.
    const consumerLeader = (await jsm.consumers.info(bus.recordsStream, 'store-writer')).cluster!.leader!;
    const killed = cluster[Number(consumerLeader.slice(1)) - 1]!;
    await killed.stop('SIGKILL');
    const killedAtMs = Date.now();
    for (let index = 100; index < 200; index++)
      await publisher.recordAlertEvent(raisedAlert(index), T0_MS + index * 1000);
    const publishedMs = Date.now() - killedAtMs;
    const newLeader = (await jsm.streams.info(bus.recordsStream)).cluster!.leader;
    if (leaderName === consumerLeader) expect(newLeader).not.toBe(leaderName);
    // The lease is still held and renewed on the remaining two servers (TTL 15 s as by default, renewals every 5 s).
    await new Promise((done) => setTimeout(done, 1500));
    expect(leases.heldStreams()).toEqual(['cam1']);

    const stored = async () => (await store.listAlerts({ state: 'all', limit: 1000 })).length;
    const until = Date.now() + 30_000;
    while ((await stored()) < 200 && Date.now() < until) await new Promise((done) => setTimeout(done, 100));
    const storedMs = Date.now() - killedAtMs;
    await killed.start();
    process.stderr.write(
      `R3: ${consumerLeader} (leading the writer's consumer${leaderName === consumerLeader ? ' and the records stream' : ''}) killed; ` +
        `100 more records acknowledged within ${publishedMs} ms (stream leader ${newLeader}); ${await stored()} of 200 stored ${storedMs} ms after the kill\n`,
    );
    const alerts = await store.listAlerts({ state: 'all', limit: 1000 });
    expect(alerts).toHaveLength(200);
    expect(new Set(alerts.map((alert) => alert.id)).size).toBe(200);
    await writer.stop();
    await leases.close();
    await bus.close();
    await store.close();
  }, 90_000);
});
