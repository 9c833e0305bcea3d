import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../serve/read-server-config.js';
import { startServer, type RunningServer } from '../../serve/start-server.js';
import { waitUntil } from '../../testing/wait-until.js';
import type { LiveMessage } from '../live-bus.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

// Issue 13's fault test at the server level: a worker process analysing a stream is killed with
// SIGKILL; the other worker takes the stream's lease once it expired and the stream resumes there,
// its readings still stored by the API node's writer. Lease TTL 3 s here (15 s by default).
const bin = natsServerForTests();
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-takeover-'));
const CHILD = join(dirname(fileURLToPath(import.meta.url)), '../testing/serve-worker-child.ts');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const TTL_MS = 3000;

describe.skipIf(!bin)(`a worker killed mid-stream${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  let observer: NatsConnection;
  let child: ChildProcess | undefined;
  const running: RunningServer[] = [];
  const configText = () =>
    [
      'server:\n  port: 0',
      'ingest:\n  enabled: false',
      `storage:\n  dataDir: ${join(dir, 'data')}`,
      `nats:\n  servers: [${server.url}]\n  site: takeover\n  leaseTtlMs: ${TTL_MS}`,
    ].join('\n');

  beforeAll(async () => {
    server = await startNatsServer(bin!);
    observer = await connectNats({ servers: [server.url], name: 'observer' });
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const node of running.reverse()) await node.close().catch(() => undefined);
    await observer?.close();
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the stream on the other worker within the lease TTL + 10 s, and its readings are still stored', async () => {
    const api = await startServer(parseServerConfig(configText(), 'raqib.yaml'), { role: 'api', dashboardDir: dir });
    running.push(api);
    const configPath = join(dir, 'raqib.yaml');
    writeFileSync(configPath, configText());
    child = spawn(process.execPath, ['--import', 'tsx', CHILD, configPath, dir], {
      cwd: REPO,
      env: { ...process.env, RAQIB_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntil(
      'the child worker running (or exited)',
      () => stdout.includes('running') || child!.exitCode !== null,
      30_000,
    ).catch(() => undefined);
    expect(stdout, stderr).toContain('running');

    // The survivor starts while the first worker holds the stream: it must not run it too.
    const survivor = await startServer(parseServerConfig(configText(), 'raqib.yaml'), {
      role: 'worker',
      demo: true,
      dashboardDir: dir,
    });
    running.push(survivor);
    await new Promise((done) => setTimeout(done, 2500));
    expect(survivor.live.list()).toEqual([]);

    const readings: Array<LiveMessage & { atMs: number }> = [];
    const bus = await NatsBus.open(observer, { site: 'takeover' });
    bus.subscribe('streams/demo-drone/readings', (message) => readings.push({ ...message, atMs: Date.now() }));
    await observer.flush();
    await waitUntil('readings from the first worker', () => readings.length > 0, 5000);

    const killedAtMs = Date.now();
    child.kill('SIGKILL');
    await new Promise((done) => child!.once('exit', done));
    // Readings already in flight from the dead worker may still arrive for a moment.
    await new Promise((done) => setTimeout(done, 300));
    const before = readings.length;
    await waitUntil('readings from the other worker', () => readings.length > before, TTL_MS + 10_000);
    const resumedMs = readings[before]!.atMs - killedAtMs;
    process.stderr.write(
      `serve takeover after SIGKILL: first reading from the other worker ${resumedMs} ms after the kill (lease TTL ${TTL_MS} ms)\n`,
    );
    expect(resumedMs).toBeLessThanOrEqual(TTL_MS + 10_000);
    expect(survivor.live.list().map((stream) => stream.id)).toEqual(['demo-drone']);

    // The resumed stream's readings reach the store through the records stream and the API's writer.
    const resumedAtMs = readings[before]!.atMs;
    await waitUntil(
      'the resumed readings in the store',
      async () =>
        (
          await api.store.listReadings({
            streamId: 'demo-drone',
            resolution: '1s',
            fromMs: resumedAtMs,
            toMs: resumedAtMs + 120_000,
            limit: 100,
          })
        ).length >= 2,
      10_000,
    );
    await bus.close();
  });
});
