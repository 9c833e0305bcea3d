import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../serve/read-server-config.js';
import { startServer } from '../../serve/start-server.js';
import { waitUntil } from '../../testing/wait-until.js';
import type { LiveMessage } from '../live-bus.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

// `raqib serve` with a `nats:` section: its live topics (here the demo drone's) go through NATS
// JetStream, where another node reads them; a wrong credential stops the start with what to check.
const bin = natsServerForTests();
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-nats-'));
const PASSWORD = 'serve nats passphrase 51c2';
const CREDENTIALS = { RAQIB_NATS_USER: 'raqib', RAQIB_NATS_PASSWORD: PASSWORD };

describe.skipIf(!bin)(`raqib serve with nats:${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  let observer: NatsConnection;
  const configText = () =>
    [
      'server:\n  port: 0',
      'ingest:\n  enabled: false',
      `storage:\n  dataDir: ${join(dir, 'data')}`,
      `nats:\n  servers: [${server.url}]\n  site: serve`,
    ].join('\n');

  beforeAll(async () => {
    server = await startNatsServer(bin!, { users: [{ user: 'raqib', password: PASSWORD }] });
    observer = await connectNats({ servers: [server.url], name: 'observer' }, CREDENTIALS);
  });
  afterAll(async () => {
    await observer?.close();
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the demo drone’s readings and analysis on NATS, readings stored in JetStream', async () => {
    const observerBus = await NatsBus.open(observer, { site: 'serve' });
    const got: LiveMessage[] = [];
    observerBus.subscribe('streams/demo-drone/readings', (message) => got.push(message));
    observerBus.subscribe('streams/demo-drone/analysis', (message) => got.push(message));
    await observer.flush();
    const running = await startServer(parseServerConfig(configText(), 'raqib.yaml'), {
      demo: true,
      natsEnv: CREDENTIALS,
      dashboardDir: dir,
    });
    try {
      expect(running.bus).toBeInstanceOf(NatsBus);
      await waitUntil(
        'two readings through NATS',
        () => got.filter((message) => message.topic.endsWith('/readings')).length >= 2,
        15_000,
      );
      expect(got.some((message) => message.topic === 'streams/demo-drone/analysis')).toBe(true);
      const reading = got.find((message) => message.topic.endsWith('/readings'))!.data as { streamId: string };
      expect(reading.streamId).toBe('demo-drone');
    } finally {
      await running.close();
    }
    const info = await (await jetstreamManager(observer)).streams.info('RAQIB_serve_LIVE');
    expect(info.state.messages).toBeGreaterThanOrEqual(2);
    await observerBus.close();
  });

  it('does not start with a wrong NATS password: BUS_AUTH_FAILED naming the server', async () => {
    await expect(
      startServer(parseServerConfig(configText(), 'raqib.yaml'), {
        natsEnv: { RAQIB_NATS_USER: 'raqib', RAQIB_NATS_PASSWORD: 'wrong' },
        dashboardDir: dir,
      }),
    ).rejects.toMatchObject({ code: 'BUS_AUTH_FAILED', message: expect.stringContaining(server.url) as unknown });
  });
});
