import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../testing/wait-until.js';
import type { LiveMessage } from '../live-bus.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

const bin = natsServerForTests();

describe.skipIf(!bin)(`NatsBus on nats-server${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  let connection: NatsConnection;
  let bus: NatsBus;

  beforeAll(async () => {
    server = await startNatsServer(bin!);
    connection = await connectNats({ servers: [server.url] });
    bus = await NatsBus.open(connection, { site: 'test', maxStreamBytes: 64 * 1024 ** 2 });
  });
  afterAll(async () => {
    await bus?.close();
    await connection?.close();
    await server?.destroy();
  });

  it('delivers every topic to subscribers as the in-process bus does, with the same topic names', async () => {
    const got: LiveMessage[] = [];
    const offReadings = bus.subscribe('streams/gate.north/readings', (message) => got.push(message));
    const offAnalysis = bus.subscribe('streams/gate.north/analysis', (message) => got.push(message));
    const offAlerts = bus.subscribe('alerts', (message) => got.push(message));
    await connection.flush();
    bus.publish('streams/gate.north/readings', { seq: 1, count: 12.5 });
    bus.publish('streams/gate.north/analysis', { seq: 1, points: [1, 2] });
    bus.publish('streams/other/readings', { seq: 9 });
    bus.publish('alerts', { streamId: 'gate.north', event: { id: 'a1' } });
    await bus.flush();
    await waitUntil('the three subscribed messages', () => got.length === 3, 5000, 20);
    expect(got).toEqual([
      { topic: 'streams/gate.north/readings', data: { seq: 1, count: 12.5 } },
      { topic: 'streams/gate.north/analysis', data: { seq: 1, points: [1, 2] } },
      { topic: 'alerts', data: { streamId: 'gate.north', event: { id: 'a1' } } },
    ]);
    offReadings();
    offAnalysis();
    offAlerts();
  });

  it('stores readings, alerts and health in the live stream, but not the display-rate analysis', async () => {
    const jsm = await jetstreamManager(connection);
    const before = (await jsm.streams.info(bus.liveStream)).state.messages;
    bus.publish('streams/cam1/readings', { seq: 2 });
    bus.publish('streams/health', { streamId: 'cam1', state: 'live' });
    bus.publish('streams/cam1/analysis', { seq: 2 });
    bus.publish('streams/cam1/frames', { seq: 2 });
    await bus.flush();
    const info = await jsm.streams.info(bus.liveStream);
    expect(info.state.messages - before).toBe(2);
    expect(info.config.storage).toBe('file');
    expect(info.config.subjects).toEqual([
      'raqib.test.alerts',
      'raqib.test.streams.health',
      'raqib.test.streams.*.readings',
    ]);
  });

  it('a durable consumer gets what was published before it started, acknowledges after its handler, and retries a failure', async () => {
    for (let seq = 0; seq < 5; seq++) await bus.publishDurable(`store/cam1/alerts`, { seq }, `cam1-${seq}`);
    // The same message id again (a publisher's retry) is stored once.
    const again = await bus.publishDurable(`store/cam1/alerts`, { seq: 4 }, 'cam1-4');
    expect(again.duplicate).toBe(true);

    const handled: Array<{ seq: number; deliveryCount: number }> = [];
    let failOnce = true;
    const consumer = await bus.consume(
      'writer-test',
      'store/>',
      async (message, delivery) => {
        const { seq } = message.data as { seq: number };
        if (seq === 2 && failOnce) {
          failOnce = false;
          throw new Error('database hiccup');
        }
        handled.push({ seq, deliveryCount: delivery.deliveryCount });
      },
      { retryDelayMs: 100 },
    );
    await waitUntil('all five durable messages handled', () => handled.length === 5, 5000, 20);
    await consumer.stop();
    expect(handled.map((entry) => entry.seq).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(handled.find((entry) => entry.seq === 2)?.deliveryCount).toBe(2);

    // Acknowledged messages are not delivered again to the same durable; new ones are.
    await bus.publishDurable('store/cam1/alerts', { seq: 5 }, 'cam1-5');
    const later: number[] = [];
    const resumed = await bus.consume('writer-test', 'store/>', async (message) => {
      later.push((message.data as { seq: number }).seq);
    });
    await waitUntil('the new message on the resumed durable', () => later.length >= 1, 5000, 20);
    await new Promise((done) => setTimeout(done, 300));
    await resumed.stop();
    expect(later).toEqual([5]);
  });

  it('refuses to publish durably on a topic that is not stored', async () => {
    await expect(bus.publishDurable('streams/cam1/analysis', {})).rejects.toThrow(/not stored in JetStream/);
  });
});
