import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../auth/user-accounts.js';
import { parseServerConfig } from '../../serve/read-server-config.js';
import { startServer, type RunningServer } from '../../serve/start-server.js';
import { waitUntil } from '../../testing/wait-until.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';

// `raqib serve --role api` and `--role worker` in one test process, sharing one database (SQLite
// here, PostgreSQL in production) and one nats-server: the worker takes the demo stream's lease and
// analyses it, its readings reach the store only through JetStream and the API node's store writer.
const bin = natsServerForTests();
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-roles-'));

describe.skipIf(!bin)(`raqib serve --role api|worker${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  const running: RunningServer[] = [];
  const config = (withNats: boolean) =>
    parseServerConfig(
      [
        'server:\n  port: 0',
        'ingest:\n  enabled: false',
        `storage:\n  dataDir: ${join(dir, 'data')}`,
        ...(withNats ? [`nats:\n  servers: [${server.url}]\n  site: roles\n  leaseTtlMs: 3000`] : []),
      ].join('\n'),
      'raqib.yaml',
    );

  beforeAll(async () => {
    server = await startNatsServer(bin!);
  });
  afterAll(async () => {
    for (const node of running.reverse()) await node.close().catch(() => undefined);
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker analyses the stream it leased; the API node stores its readings from JetStream', async () => {
    const api = await startServer(config(true), { role: 'api', dashboardDir: dir });
    running.push(api);
    const worker = await startServer(config(true), { role: 'worker', demo: true, dashboardDir: dir });
    running.push(worker);
    expect(api.live.list()).toEqual([]);
    await waitUntil(
      'the worker running the demo stream',
      async () => worker.live.list().some((stream) => stream.id === 'demo-drone'),
      10_000,
      100,
    );

    const observer = await connectNats({ servers: [server.url], name: 'observer' });
    try {
      const kv = await new Kvm(observer).open('raqib_roles_leases');
      const lease = (await kv.get('demo-drone'))?.json<{ workerId: string }>();
      expect(lease?.workerId).toBe(`${hostname()}:${process.pid}`);
      // Readings buckets in the store, written by the API node's store writer (the worker has none).
      const fromMs = Date.now() - 60_000;
      await waitUntil(
        'readings buckets in the store',
        async () =>
          (
            await api.store.listReadings({
              streamId: 'demo-drone',
              resolution: '1s',
              fromMs,
              toMs: Date.now() + 60_000,
              limit: 100,
            })
          ).length >= 2,
        15_000,
        100,
      );
      // The API node lists the stream as live, with its analysed rate, from the worker's messages.
      const { token } = await createApiToken(api.store, { name: 'roles test', role: 'viewer' }, 'system');
      await waitUntil(
        'the API node listing the stream live',
        async () => {
          const response = await api.app.inject({
            url: '/api/v1/streams',
            headers: { authorization: `Bearer ${token}` },
          });
          const demo = (response.json() as Array<{ id: string; state: string; fps: number | null }>).find(
            (stream) => stream.id === 'demo-drone',
          );
          return demo?.state === 'live' && (demo.fps ?? 0) > 0;
        },
        10_000,
        100,
      );
      // ...that came through the records stream.
      const records = await (await jetstreamManager(observer)).streams.info('RAQIB_roles_RECORDS');
      expect(records.state.messages).toBeGreaterThanOrEqual(2);
    } finally {
      await observer.close();
    }
  });

  it('refuses --role worker without a nats: section', async () => {
    await expect(startServer(config(false), { role: 'worker', dashboardDir: dir })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('--role worker needs a nats: section') as unknown,
    });
  });
});
