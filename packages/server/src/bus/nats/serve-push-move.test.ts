import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotatePublishKey } from '../../auth/publish-keys.js';
import { publishRtmp, type TestPublisher } from '../../live/testing/rtmp-publisher.js';
import { parseServerConfig } from '../../serve/read-server-config.js';
import { startServer, type RunningServer } from '../../serve/start-server.js';
import {
  POSTGRES_SKIP_REASON,
  postgresBinForTests,
  startPostgresServer,
  type PostgresTestServer,
} from '../../storage/testing/postgres-server.js';
import { waitUntil } from '../../testing/wait-until.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

// Push streams in a cluster: an RTMP push lands on the nginx of the worker the drone app reached, so
// that worker takes the stream's lease, whatever its share. When the drone goes to another worker
// (its app reconnects through a load balancer, or the first machine stopped), the first worker gives
// the stream up at the end of the publish, and the one that receives the new push takes it.
const natsBin = natsServerForTests();
const pgBin = postgresBinForTests();
const fixtureModel = new URL('../../../test-fixtures/fixture-density.onnx', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'raqib-push-move-'));
const TTL_MS = 3000;

const skip = !natsBin || !pgBin;
const reason = !natsBin ? ` (${NATS_SKIP_REASON})` : !pgBin ? ` (${POSTGRES_SKIP_REASON})` : '';

describe.skipIf(skip)(`push streams across workers${reason}`, () => {
  let nats: NatsTestServer;
  let postgres: PostgresTestServer;
  const nodes: RunningServer[] = [];
  const publishers: TestPublisher[] = [];

  beforeAll(async () => {
    [nats, postgres] = await Promise.all([startNatsServer(natsBin!), startPostgresServer(pgBin!)]);
  });
  afterAll(async () => {
    for (const publisher of publishers) publisher.kill();
    for (const node of nodes.reverse()) await node.close().catch(() => undefined);
    await nats?.destroy();
    await postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('runs a push stream on the worker its drone publishes to, and moves it with the drone', async () => {
    const url = await postgres.createDatabase();
    // Each node has its own data folder (its nginx), all share the database and NATS.
    const start = async (name: string, role: 'api' | 'worker') => {
      const config = parseServerConfig(
        [
          'server:\n  port: 0',
          role === 'worker' ? 'ingest:\n  port: 0' : 'ingest:\n  enabled: false',
          `live:\n  fps: 2\n  modelPath: ${fixtureModel}`,
          `storage:\n  dataDir: ${join(dir, name)}\n  postgres:\n    url: ${url}`,
          `nats:\n  servers: [${nats.url}]\n  site: push\n  leaseTtlMs: ${TTL_MS}\n  maxStreamBytes: 67108864`,
        ].join('\n'),
        'raqib.yaml',
      );
      const node = await startServer(config, { role, dashboardDir: dir, onWarning: () => undefined });
      nodes.push(node);
      return node;
    };
    const api = await start('api', 'api');
    const a = await start('a', 'worker');
    const b = await start('b', 'worker');
    await api.store.createEvent({ id: 'match', name: 'Match' }, 'system:test');
    // Two pull-less streams would be shared; this one has only a publish key: it runs where it is pushed.
    await api.store.createStream({ id: 'drone', eventId: 'match', name: 'Drone' }, 'system:test');
    const key = await rotatePublishKey(api.store, 'drone', 'system:test');

    const observer = await connectNats({ servers: [nats.url], name: 'push-observer' });
    const bus = await NatsBus.open(observer, { site: 'push' });
    const readingsAtMs: number[] = [];
    bus.subscribe('streams/drone/readings', () => readingsAtMs.push(Date.now()));
    await observer.flush();
    const runs = (node: RunningServer) => node.live.list().some((stream) => stream.id === 'drone');
    try {
      // The drone pushes to b: b runs it (a has no input for it).
      const toB = publishRtmp(`rtmp://127.0.0.1:${b.live.rtmpPort}/live/${key}`, {
        widthPx: 320,
        heightPx: 180,
        fps: 10,
      });
      publishers.push(toB);
      await waitUntil('readings from b', () => runs(b) && readingsAtMs.length > 0, 30_000);
      expect(runs(a)).toBe(false);

      // The drone's app reconnects to a (another address behind the load balancer).
      toB.kill();
      const movedAtMs = Date.now();
      const toA = publishRtmp(`rtmp://127.0.0.1:${a.live.rtmpPort}/live/${key}`, {
        widthPx: 320,
        heightPx: 180,
        fps: 10,
      });
      publishers.push(toA);
      await waitUntil('b giving the stream up', () => !runs(b), 15_000);
      const firstOnA = await waitUntil(
        'readings from a',
        () => runs(a) && readingsAtMs.find((t) => t > movedAtMs + 1000),
        TTL_MS + 45_000,
      );
      process.stderr.write(
        `push stream moved with its drone: readings from the new worker ${firstOnA - movedAtMs} ms after the switch\n`,
      );
      expect(runs(b)).toBe(false);

      // a stops (a machine taken out): the drone republishes to b, which takes the stream again.
      nodes.splice(nodes.indexOf(a), 1);
      await a.close();
      toA.kill();
      const stoppedAtMs = Date.now();
      publishers.push(
        publishRtmp(`rtmp://127.0.0.1:${b.live.rtmpPort}/live/${key}`, { widthPx: 320, heightPx: 180, fps: 10 }),
      );
      await waitUntil(
        'readings from b again',
        () => runs(b) && readingsAtMs.find((t) => t > stoppedAtMs + 1000),
        TTL_MS + 45_000,
      );
    } finally {
      await bus.close();
      await observer.close();
    }
  }, 240_000);
});
