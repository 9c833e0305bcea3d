import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { isRaqibError } from '@raqib/core';
import { main } from '../cli/main.js';
import { PostgresStore } from '../storage/postgres/postgres-store.js';
import {
  POSTGRES_SKIP_REASON,
  postgresBinForTests,
  startPostgresServer,
  type PostgresTestServer,
} from '../storage/testing/postgres-server.js';
import { parseServerConfig } from './read-server-config.js';
import { startServer } from './start-server.js';

const bin = postgresBinForTests();
let server: PostgresTestServer;
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configText = (postgres: string) =>
  `server:\n  port: 0\ningest:\n  enabled: false\nstorage:\n  dataDir: ${join(dir, 'data')}\n${postgres}`;

async function raqib(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/api/v1/ready`)).status;
}

describe('raqib serve storage config', () => {
  it('refuses a password in the file, without echoing it, and pointing at RAQIB_POSTGRES_URL', () => {
    let message = '';
    try {
      parseServerConfig(configText('  postgres:\n    url: postgres://raqib:hunter2@db:5432/raqib\n'), 'raqib.yaml');
    } catch (error) {
      if (isRaqibError(error, 'CONFIG_INVALID')) message = error.message;
    }
    expect(message).toMatch(/^raqib\.yaml:\d+:\d+: storage\.postgres\.url: .*RAQIB_POSTGRES_URL/);
    expect(message).not.toContain('hunter2');
  });
});

describe.skipIf(!bin)(`raqib serve on PostgreSQL${bin ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  beforeAll(async () => {
    server = await startPostgresServer(bin!);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('stores in PostgreSQL from storage.postgres.url, and readiness follows PostgreSQL going down and back', async () => {
    const url = await server.createDatabase();
    const config = parseServerConfig(
      configText(`  postgres:\n    url: ${url}\n    connectTimeoutMs: 1000\n`),
      'raqib.yaml',
    );
    const running = await startServer(config, { adminPassword: 'a long passphrase for admin' });
    try {
      expect(running.storeLocation).toBe(url);
      expect((await running.store.listUsers()).map((user) => user.username)).toEqual(['admin']);
      expect(await readyStatus(running.url)).toBe(200);
      await server.stop('fast');
      expect(await readyStatus(running.url)).toBe(503);
      await server.start();
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) status = await readyStatus(running.url);
      expect(status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('takes the URL with its password from RAQIB_POSTGRES_URL and never shows the password', async () => {
    const url = (await server.createDatabase()).replace('raqib@', 'raqib:s3cret-pw@');
    const config = parseServerConfig(configText(''), 'raqib.yaml');
    const running = await startServer(config, { postgresUrl: url });
    try {
      expect(running.storeLocation).toBe(url.replace(':s3cret-pw', ''));
      await running.store.createEvent({ id: 'derby', name: 'Derby' }, 'system');
      expect(await readyStatus(running.url)).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('runs raqib users and raqib audit verify on the PostgreSQL of RAQIB_POSTGRES_URL', async () => {
    process.env.RAQIB_POSTGRES_URL = await server.createDatabase();
    process.env.RAQIB_PASSWORD = 'the first admin passphrase';
    try {
      expect(await raqib('users', 'add', 'sara', '--role', 'admin')).toMatchObject({ code: 0 });
      expect((await raqib('users', 'list')).stdout).toMatch(/^sara\s+admin\n$/);
      const verified = await raqib('audit', 'verify');
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^audit log verified: 1 rows, last hash [0-9a-f]{64}\n$/);
    } finally {
      delete process.env.RAQIB_POSTGRES_URL;
      delete process.env.RAQIB_PASSWORD;
    }
  });

  it('keeps the demo drone recording through a PostgreSQL outage: the outage’s seconds are stored once it is back', async () => {
    const url = await server.createDatabase();
    const config = parseServerConfig(
      configText(`  postgres:\n    url: ${url}\n    connectTimeoutMs: 1000\n`) + 'live:\n  fps: 2\n',
      'raqib.yaml',
    );
    const running = await startServer(config, { demo: true });
    const streamId = running.demo!.streamId;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const storedSeconds = async (store: PostgresStore, fromMs: number, toMs: number) => {
      const buckets = await store.listReadings({ streamId, resolution: '1s', fromMs, toMs, limit: 100_000 });
      return new Set(buckets.map((bucket) => bucket.bucketStartMs));
    };
    try {
      const before = await PostgresStore.open({ url });
      const firstDeadline = Date.now() + 30_000;
      while ((await storedSeconds(before, 0, Date.now() + 60_000)).size < 2 && Date.now() < firstDeadline) {
        await sleep(200);
      }
      await before.close();
      const downAtMs = Date.now();
      await server.stop('immediate');
      expect(await readyStatus(running.url)).toBe(503);
      await sleep(4000);
      const upAtMs = Date.now();
      await server.start();
      const after = await PostgresStore.open({ url });
      const resumeDeadline = Date.now() + 30_000;
      while ((await storedSeconds(after, upAtMs + 1000, upAtMs + 60_000)).size === 0 && Date.now() < resumeDeadline) {
        await sleep(200);
      }
      expect(await readyStatus(running.url)).toBe(200);
      // Seconds analysed while PostgreSQL was down reached it afterwards (the demo analyses every second).
      const outageSeconds = Math.floor((upAtMs - downAtMs) / 1000);
      const recovered = await storedSeconds(after, Math.ceil(downAtMs / 1000) * 1000, upAtMs - 1000);
      expect(recovered.size).toBeGreaterThanOrEqual(outageSeconds - 2);
      expect((await storedSeconds(after, upAtMs + 1000, upAtMs + 60_000)).size).toBeGreaterThan(0);
      await after.close();
    } finally {
      await running.close();
    }
  });
});
