import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { verifyAuditChain } from '../../audit/audit-chain.js';
import { SQLITE_MIGRATIONS } from '../sqlite/sqlite-migrations.js';
import { describeStoreContract, rampAlertEvents } from '../store-contract.js';
import {
  POSTGRES_SKIP_REASON,
  postgresBinForTests,
  startPostgresServer,
  type PostgresTestServer,
} from '../testing/postgres-server.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresStore } from './postgres-store.js';

const bin = postgresBinForTests();
let server: PostgresTestServer;

describe.skipIf(!bin)(`PostgresStore${bin ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  beforeAll(async () => {
    server = await startPostgresServer(bin!);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  describeStoreContract('PostgresStore (PostgreSQL 15)', async ({ nowMs }) =>
    PostgresStore.open({ url: await server.createDatabase(), nowMs }),
  );

  async function raw<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  it('has the same migrations, by number and name, as SQLite', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(
      SQLITE_MIGRATIONS.map((m) => [m.version, m.name]),
    );
  });

  it('migrates once, keeps everything across a reopen, and upgrades an older schema keeping its data', async () => {
    const url = await server.createDatabase();
    await raw(url, async (client) => {
      const pool = { query: client.query.bind(client) } as unknown as pg.PoolClient;
      expect(await migratePostgres(pool, 'test', POSTGRES_MIGRATIONS.slice(0, 1))).toEqual([1]);
      await client.query("INSERT INTO events VALUES ('derby', 'Derby', NULL, NULL, 1, 1)");
      await client.query("INSERT INTO streams VALUES ('cam1', 'derby', 'North', NULL, 'live', 5, 1, 1)");
    });
    const store = await PostgresStore.open({ url });
    expect(await store.getStream('cam1')).toMatchObject({ state: 'live', hasPublishKey: false });
    await store.setStreamPublishKey('cam1', 'f'.repeat(64), 'user:admin');
    const events = rampAlertEvents();
    for (const event of events) await store.recordAlertEvent(event, 1000);
    await store.close();
    const again = await PostgresStore.open({ url });
    expect((await again.streamByPublishKey('f'.repeat(64)))?.id).toBe('cam1');
    for (const event of events) expect(await again.recordAlertEvent(event, 1000)).toBe(false);
    await again.close();
    const versions = await raw(url, async (client) =>
      (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version),
    );
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });

  it('migrates once when two nodes start together', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url })]);
    await Promise.all(stores.map((store) => store.close()));
    const rows = await raw(
      url,
      async (client) => (await client.query('SELECT COUNT(*)::int AS n FROM schema_migrations')).rows,
    );
    expect(rows).toEqual([{ n: POSTGRES_MIGRATIONS.length }]);
  });

  it('refuses a database from a newer Raqib, naming the database (never the password) and both versions', async () => {
    const url = await server.createDatabase();
    await (await PostgresStore.open({ url })).close();
    await raw(url, (client) => client.query("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)"));
    const withPassword = url.replace('raqib@', 'raqib:s3cret-pw@');
    let message = '';
    try {
      await PostgresStore.open({ url: withPassword });
    } catch (error) {
      if (isRaqibError(error, 'STORAGE_FAILED')) message = error.message;
    }
    expect(message).toContain(`postgres://raqib@127.0.0.1:${server.port}/`);
    expect(message).toContain(`version 99 is newer than this Raqib knows (${POSTGRES_MIGRATIONS.length})`);
    expect(message).not.toContain('s3cret-pw');
  });

  it('says the database cannot be reached, without the password, when nothing listens', async () => {
    let error: unknown;
    try {
      await PostgresStore.open({ url: 'postgres://raqib:s3cret-pw@127.0.0.1:1/raqib', connectTimeoutMs: 2000 });
    } catch (caught) {
      error = caught;
    }
    expect(isRaqibError(error, 'STORAGE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(
      /^postgres:\/\/raqib@127\.0\.0\.1:1\/raqib: cannot connect .*ECONNREFUSED/,
    );
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('refuses to change, delete or truncate audit rows, and detects a row tampered with behind its back', async () => {
    const url = await server.createDatabase();
    const store = await PostgresStore.open({ url });
    await store.createEvent({ id: 'derby', name: 'Derby' }, 'user:admin');
    await store.createStream({ id: 'cam1', eventId: 'derby', name: 'North' }, 'user:admin');
    await store.appendAudit({ actor: 'user:omar', action: 'alert.acknowledge', target: 'alert:a1' });
    await raw(url, async (client) => {
      await expect(client.query("UPDATE audit_log SET actor = 'user:eve' WHERE seq = 2")).rejects.toThrow(
        /append-only/,
      );
      await expect(client.query('DELETE FROM audit_log WHERE seq = 3')).rejects.toThrow(/append-only/);
      await expect(client.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    });
    const verify = () => verifyAuditChain((after) => store.listAudit(after, 100));
    expect(await verify()).toMatchObject({ ok: true, rows: 3 });
    // Someone with superuser rights drops the guard and rewrites who acknowledged.
    await raw(url, async (client) => {
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await client.query("UPDATE audit_log SET actor = 'user:eve' WHERE seq = 3");
    });
    expect(await verify()).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/row changed/) });
    await store.close();
  });

  it('keeps one audit chain when two nodes write at once (no fork, every row verifies)', async () => {
    const url = await server.createDatabase();
    const nodes = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url })]);
    await nodes[0]!.createEvent({ id: 'derby', name: 'Derby' }, 'user:admin');
    const perNode = 40;
    await Promise.all(
      nodes.map((node, n) =>
        Promise.all(
          Array.from({ length: perNode }, (_, i) =>
            i % 2 === 0
              ? node.appendAudit({ actor: `user:n${n}`, action: 'login', target: `user:n${n}` })
              : node.createStream({ id: `cam-${n}-${i}`, eventId: 'derby', name: `node ${n}` }, `user:n${n}`),
          ),
        ),
      ),
    );
    const verified = await verifyAuditChain((after) => nodes[1]!.listAudit(after, 25));
    expect(verified).toMatchObject({ ok: true, rows: 1 + 2 * perNode });
    expect(await nodes[0]!.listStreams('derby')).toHaveLength(perNode);
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('stores an alert event replayed by two nodes at once exactly once', async () => {
    const url = await server.createDatabase();
    const nodes = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url })]);
    const events = rampAlertEvents();
    const results = await Promise.all(
      nodes.map(async (node) => {
        const stored: boolean[] = [];
        for (const [i, event] of events.entries()) stored.push(await node.recordAlertEvent(event, 1000 + i));
        return stored;
      }),
    );
    // Each event is stored by exactly one of the two nodes.
    events.forEach((_, i) => expect(Number(results[0]![i]) + Number(results[1]![i])).toBe(1));
    const history = await Promise.all(
      events.filter((e) => e.type !== 'cleared').map((e) => nodes[0]!.alertHistory(e.id)),
    );
    expect(history.flat()).toHaveLength(events.length);
    await Promise.all(nodes.map((node) => node.close()));
  });
});
