import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { apiFixture, type ApiFixture } from '../../api/testing/api-fixture.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

// The WebSocket of an API node fed through NATS by a worker on another connection (another
// machine in production): the live socket code is unchanged, only its LiveBus is a NatsBus.
const bin = natsServerForTests();

function openSocket(url: string, headers: Record<string, string>) {
  return new Promise<{ socket: WebSocket; next(): Promise<Record<string, unknown>> }>((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const queue: Record<string, unknown>[] = [];
    const waiting: ((message: Record<string, unknown>) => void)[] = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else queue.push(message);
    });
    socket.on('open', () =>
      resolve({
        socket,
        next: () => new Promise((done) => (queue.length ? done(queue.shift()!) : waiting.push(done))),
      }),
    );
    socket.on('error', reject);
  });
}

describe.skipIf(!bin)(`WebSocket /api/v1/live over NatsBus${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  let apiConnection: NatsConnection;
  let workerConnection: NatsConnection;
  let fx: ApiFixture;
  let url: string;
  let worker: NatsBus;

  beforeAll(async () => {
    server = await startNatsServer(bin!);
    apiConnection = await connectNats({ servers: [server.url], name: 'api' });
    workerConnection = await connectNats({ servers: [server.url], name: 'worker' });
    const options = { site: 'ws', maxStreamBytes: 16 * 1024 ** 2 };
    const apiBus = await NatsBus.open(apiConnection, options);
    worker = await NatsBus.open(workerConnection, options);
    fx = await apiFixture({ bus: apiBus });
    const address = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/api/v1/live`;
  });
  afterAll(async () => {
    await fx?.close();
    await apiConnection?.close();
    await workerConnection?.close();
    await server?.destroy();
  });

  it('delivers what a worker publishes to the topics a viewer subscribed to, and nothing else', async () => {
    const client = await openSocket(url, fx.as.viewer);
    client.socket.send(
      JSON.stringify({
        type: 'subscribe',
        topics: ['alerts', 'streams/gate.north/readings', 'streams/gate.north/analysis'],
      }),
    );
    expect(await client.next()).toEqual({
      type: 'subscribed',
      topics: ['alerts', 'streams/gate.north/readings', 'streams/gate.north/analysis'],
    });
    // The API node's subscriptions have reached the server once a round trip has.
    await apiConnection.flush();
    worker.publish('streams/other/readings', { zones: [] });
    worker.publish('streams/gate.north/readings', { seq: 4, zones: [{ zoneId: 'plaza', count: 12 }] });
    worker.publish('streams/gate.north/analysis', { seq: 4, count: 12, points: [10.5, 20] });
    worker.publish('alerts', {
      streamId: 'gate.north',
      event: { id: 'gate.north:plaza:density:warning:1', type: 'raised' },
    });
    await worker.flush();
    const received = [await client.next(), await client.next(), await client.next()];
    // Durable topics go through JetStream, the analysis as plain NATS: their order may differ.
    expect(received.map((message) => message.topic).sort()).toEqual([
      'alerts',
      'streams/gate.north/analysis',
      'streams/gate.north/readings',
    ]);
    expect(received.find((message) => message.topic === 'streams/gate.north/readings')).toEqual({
      type: 'event',
      topic: 'streams/gate.north/readings',
      data: { seq: 4, zones: [{ zoneId: 'plaza', count: 12 }] },
    });
    expect(received.find((message) => message.topic === 'alerts')).toMatchObject({
      data: { streamId: 'gate.north', event: { type: 'raised' } },
    });
    client.socket.close();
  });
});
