import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { PostgresStore } from '../../storage/postgres/postgres-store.js';
import type { Store } from '../../storage/store.js';
import {
  POSTGRES_SKIP_REASON,
  postgresBinForTests,
  startPostgresServer,
  type PostgresTestServer,
} from '../../storage/testing/postgres-server.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { raisedAlert } from '../testing/test-records.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';
import { StoreRecordPublisher } from './store-record-publisher.js';
import { StoreWriter } from './store-writer.js';

// The scale-out write path with PostgreSQL crashed mid-flow: workers keep publishing to JetStream,
// the writer's records wait unacknowledged, and once PostgreSQL is back each is stored exactly once.
const natsBin = natsServerForTests();
const pgBin = postgresBinForTests();
/** Wall time without PostgreSQL; RAQIB_PG_OUTAGE_MS=60000 runs the full minute. */
const OUTAGE_MS = Number(process.env.RAQIB_PG_OUTAGE_MS ?? 3000);
const T0_MS = Date.UTC(2026, 11, 3, 15);

const skip = !natsBin || !pgBin;
const reason = !natsBin ? ` (${NATS_SKIP_REASON})` : !pgBin ? ` (${POSTGRES_SKIP_REASON})` : '';

describe.skipIf(skip)(`StoreWriter on PostgreSQL through an outage${reason}`, () => {
  let nats: NatsTestServer;
  let postgres: PostgresTestServer;
  let connection: NatsConnection;

  beforeAll(async () => {
    [nats, postgres] = await Promise.all([startNatsServer(natsBin!), startPostgresServer(pgBin!)]);
    connection = await connectNats({ servers: [nats.url], name: 'pg-outage' });
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.destroy();
    await postgres?.destroy();
  });

  it(
    'stores every record published during a PostgreSQL crash exactly once after the restart',
    { timeout: OUTAGE_MS + 60_000 },
    async () => {
      const store = await PostgresStore.open({ url: await postgres.createDatabase(), connectTimeoutMs: 1000 });
      const bus = await NatsBus.open(connection, { site: 'pg', maxStreamBytes: 16 * 1024 ** 2 });
      const publisher = new StoreRecordPublisher(bus);
      const writer = await StoreWriter.start(bus, store as Store, { retryDelayMs: 200 });
      const stored = async () => (await store.listAlerts({ state: 'all', limit: 10_000 })).length;
      const waitStored = async (count: number, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        while ((await stored().catch(() => -1)) < count) {
          if (Date.now() > deadline) throw new Error(`fewer than ${count} alerts stored after ${timeoutMs} ms`);
          await new Promise((done) => setTimeout(done, 100));
        }
      };

      for (let index = 0; index < 100; index++)
        await publisher.recordAlertEvent(raisedAlert(index), T0_MS + index * 1000);
      await waitStored(100, 10_000);

      await postgres.stop('immediate');
      const downAtMs = Date.now();
      // Workers carry on: JetStream acknowledges, the records wait for the writer.
      for (let index = 100; index < 300; index++)
        await publisher.recordAlertEvent(raisedAlert(index), T0_MS + index * 1000);
      await new Promise((done) => setTimeout(done, Math.max(0, OUTAGE_MS - (Date.now() - downAtMs))));
      const failedDuringOutage = writer.counts.failed;
      await postgres.start();
      const upAtMs = Date.now();
      await waitStored(300, 30_000);
      const catchUpMs = Date.now() - upAtMs;
      await new Promise((done) => setTimeout(done, 500));
      await writer.stop();

      const alerts = await store.listAlerts({ state: 'all', limit: 10_000 });
      const ids = new Set(alerts.map((alert) => alert.id));
      process.stderr.write(
        `store writer, PostgreSQL down ${OUTAGE_MS} ms: ${failedDuringOutage} failed attempts while down, ` +
          `300 alerts stored ${catchUpMs} ms after the restart, ${alerts.length - ids.size} duplicated\n`,
      );
      expect(alerts).toHaveLength(300);
      expect(ids.size).toBe(300);
      expect(failedDuringOutage).toBeGreaterThan(0);
      expect(writer.counts.written).toBe(300);
      for (const alert of alerts.slice(0, 20)) expect(await store.alertHistory(alert.id)).toHaveLength(1);
      await store.close();
    },
  );
});
