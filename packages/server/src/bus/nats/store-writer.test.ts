import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaqibError, type AlertEvent } from '@raqib/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import type { ReadingBucket } from '../../storage/store-records.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';
import { StoreRecordPublisher } from './store-record-publisher.js';
import { StoreWriter } from './store-writer.js';

const bin = natsServerForTests();
const dir = mkdtempSync(join(tmpdir(), 'raqib-store-writer-'));
const T0_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const STREAMS = ['cam1', 'gate.north', 'drone:3'];

function alertEvent(index: number, type: 'raised' | 'cleared'): AlertEvent {
  const streamId = STREAMS[index % STREAMS.length]!;
  const id = `${streamId}:z${index % 4}:density:warning:${index}`;
  return {
    id,
    incidentId: id,
    type,
    severity: 'warning',
    rule: 'density',
    zoneId: `z${index % 4}`,
    streamId,
    timeS: index + (type === 'cleared' ? 30 : 0),
    value: type === 'cleared' ? 2.1 : 3.4 + (index % 7) / 10,
    threshold: type === 'cleared' ? 2.5 : 3,
    evidence: {
      zoneKind: 'standing',
      unit: 'persons/m2',
      comparison: '>=',
      raiseThreshold: 3,
      clearThreshold: 2.5,
      sustainS: 5,
      clearSustainS: 5,
      startedAtS: index,
      conditionSinceS: index,
      peakValue: 3.9,
      peakAtS: index + 3,
      history: [{ timeS: index, value: 3.4 }],
      ...(type === 'cleared' ? { clearReason: 'value-cleared' as const, durationS: 30 } : {}),
    },
  };
}

function readingBucket(index: number): ReadingBucket {
  return {
    streamId: STREAMS[index % STREAMS.length]!,
    zoneId: `z${index % 2}`,
    resolution: '1s',
    bucketStartMs: T0_MS + Math.floor(index / 6) * 1000,
    samples: 2,
    countMean: 10 + (index % 13),
    countMax: 12 + (index % 13),
    densityPerM2Mean: 1.5,
    peakLocalDensityPerM2Max: 2.5,
    inCount: null,
    outCount: null,
    meanSpeedMPerS: 0.8,
  };
}

/**
 * Counts, per idempotency key, the writes that changed the store (must end at exactly 1 each). While
 * `outage.down`, every write fails as an unreachable database does.
 */
function countingStore(store: SqliteStore, insertions: Map<string, number>, outage = { down: false }): Store {
  const bump = (key: string) => insertions.set(key, (insertions.get(key) ?? 0) + 1);
  const unreachable = () => new RaqibError('STORAGE_UNAVAILABLE', 'database unreachable (simulated)');
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'putReadings') {
        return async (buckets: ReadingBucket[]) => {
          if (outage.down) throw unreachable();
          const changed = await target.putReadings(buckets);
          if (changed > 0) for (const b of buckets) bump(`reading:${b.streamId}:${b.zoneId}:${b.bucketStartMs}`);
          return changed;
        };
      }
      if (property === 'recordAlertEvent') {
        return async (event: AlertEvent, atMs: number) => {
          if (outage.down) throw unreachable();
          const changed = await target.recordAlertEvent(event, atMs);
          if (changed) bump(`alert:${event.id}:${event.type}`);
          return changed;
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe.skipIf(!bin)(`StoreWriter over nats-server restarts${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  let store: SqliteStore;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    server = await startNatsServer(bin!);
    store = SqliteStore.open({ path: join(dir, 'raqib.db') });
  });
  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await server?.destroy();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every acknowledged record exactly once across a clean restart and a SIGKILL of nats-server', async () => {
    const publisherConnection = await connectNats({ servers: [server.url], name: 'worker' });
    const writerConnection = await connectNats({ servers: [server.url], name: 'writer' });
    connections.push(publisherConnection, writerConnection);
    const options = { site: 'restart', maxStreamBytes: 64 * 1024 ** 2 };
    const publisherBus = await NatsBus.open(publisherConnection, options);
    const writerBus = await NatsBus.open(writerConnection, options);
    const publisher = new StoreRecordPublisher(publisherBus, { retryForMs: 30_000, retryDelayMs: 100 });
    const insertions = new Map<string, number>();
    const writer = await StoreWriter.start(writerBus, countingStore(store, insertions), {
      ackWaitMs: 2000,
      retryDelayMs: 200,
    });

    const ALERTS = 150;
    const BUCKETS = 450;
    // Interleaved as a worker sends them: a bucket or two, now and then an alert event.
    const plan: Array<() => Promise<unknown>> = [];
    for (let index = 0; index < BUCKETS; index++) {
      plan.push(() => publisher.putReadings([readingBucket(index)]));
      if (index % 3 === 0) {
        const alert = index / 3;
        plan.push(() => publisher.recordAlertEvent(alertEvent(alert, 'raised'), T0_MS + alert * 1000));
        plan.push(() => publisher.recordAlertEvent(alertEvent(alert, 'cleared'), T0_MS + alert * 1000 + 30_000));
      }
    }
    expect(plan).toHaveLength(BUCKETS + 2 * ALERTS);

    const restarts: Promise<void>[] = [];
    let acknowledged = 0;
    for (const [position, send] of plan.entries()) {
      if (position === Math.floor(plan.length / 3)) restarts.push(server.restart('SIGTERM'));
      if (position === Math.floor((2 * plan.length) / 3)) {
        await restarts[0];
        restarts.push(server.restart('SIGKILL'));
      }
      await send();
      acknowledged++;
      if (position % 10 === 0) await new Promise((done) => setTimeout(done, 20));
    }
    await Promise.all(restarts);
    expect(acknowledged).toBe(plan.length);

    const expected = BUCKETS + 2 * ALERTS;
    const deadline = Date.now() + 20_000;
    while (insertions.size < expected && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    await new Promise((done) => setTimeout(done, 500));
    await writer.stop();

    const duplicated = [...insertions.values()].filter((count) => count > 1).length;
    const lost = expected - insertions.size;
    process.stderr.write(
      `store writer over 2 nats-server restarts: ${expected} records acknowledged, ${lost} lost, ${duplicated} duplicated, ` +
        `${writer.counts.redelivered} redelivered, ${writer.counts.alreadyStored} already stored\n`,
    );
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(writer.counts.written).toBe(expected);

    // And the store holds exactly what was published, as read back through the Store interface.
    const alerts = await store.listAlerts({ state: 'all', limit: 10_000 });
    expect(alerts).toHaveLength(ALERTS);
    expect(alerts.every((alert) => alert.condition === 'cleared')).toBe(true);
    for (const alert of alerts.slice(0, 10)) {
      expect((await store.alertHistory(alert.id)).map((entry) => entry.kind)).toEqual(['raised', 'cleared']);
    }
    let buckets = 0;
    for (const streamId of STREAMS) {
      const rows = await store.listReadings({
        streamId,
        resolution: '1s',
        fromMs: T0_MS,
        toMs: T0_MS + 3_600_000,
        limit: 10_000,
      });
      buckets += rows.length;
      for (const row of rows) expect(row.samples).toBe(2);
    }
    expect(buckets).toBe(BUCKETS);
  });

  it('keeps records unacknowledged while the database is down, and stores each once when it is back', async () => {
    const connection = await connectNats({ servers: [server.url], name: 'outage' });
    connections.push(connection);
    const bus = await NatsBus.open(connection, { site: 'outage', maxStreamBytes: 16 * 1024 ** 2 });
    const publisher = new StoreRecordPublisher(bus);
    const insertions = new Map<string, number>();
    const outage = { down: true };
    const writer = await StoreWriter.start(bus, countingStore(store, insertions, outage), { retryDelayMs: 100 });
    const ALERTS = 20;
    for (let index = 1000; index < 1000 + ALERTS; index++) {
      await publisher.recordAlertEvent(alertEvent(index, 'raised'), T0_MS + index * 1000);
    }
    // Down for 2 s: every record is tried, fails, and waits.
    await new Promise((done) => setTimeout(done, 2000));
    expect(insertions.size).toBe(0);
    // Tried about once per retry delay, not in a busy loop.
    expect(writer.counts.failed).toBeGreaterThanOrEqual(5);
    expect(writer.counts.failed).toBeLessThanOrEqual(25);
    outage.down = false;
    const deadline = Date.now() + 10_000;
    while (insertions.size < ALERTS && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    await new Promise((done) => setTimeout(done, 300));
    await writer.stop();
    expect(insertions.size).toBe(ALERTS);
    expect([...insertions.values()].every((count) => count === 1)).toBe(true);
    expect(writer.counts.written).toBe(ALERTS);
  });
});
