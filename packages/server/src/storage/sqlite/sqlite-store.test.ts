import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { verifyAuditChain } from '../../audit/audit-chain.js';
import { describeStoreContract, rampAlertEvents } from '../store-contract.js';
import { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-sqlite-'));
let n = 0;
const freshPath = () => join(dir, `store-${++n}`, 'raqib.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('SqliteStore (file, WAL)', async ({ nowMs }) => SqliteStore.open({ path: freshPath(), nowMs }));

describe('SqliteStore', () => {
  it('opens in WAL mode, migrates once, and keeps everything across a reopen', async () => {
    const path = freshPath();
    const store = SqliteStore.open({ path });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.createEvent({ id: 'derby', name: 'Derby' }, 'user:admin');
    const events = rampAlertEvents();
    for (const event of events) await store.recordAlertEvent(event, 1000);
    await store.close();
    const again = SqliteStore.open({ path });
    expect((await again.listEvents()).map((e) => e.id)).toEqual(['derby']);
    for (const event of events) expect(await again.recordAlertEvent(event, 1000)).toBe(false);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({
      n: SQLITE_MIGRATIONS.length,
    });
    await again.close();
  });

  it('upgrades a database written by an older Raqib, keeping its data', async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const old = new BetterSqlite3(path);
    expect(migrateSqlite(old, path, SQLITE_MIGRATIONS.slice(0, 1))).toEqual([1]);
    old.prepare("INSERT INTO events VALUES ('derby', 'Derby', NULL, NULL, 1, 1)").run();
    old.prepare("INSERT INTO streams VALUES ('cam1', 'derby', 'North', NULL, 'live', 5, 1, 1)").run();
    old.close();
    const store = SqliteStore.open({ path });
    expect(await store.getStream('cam1')).toMatchObject({ state: 'live', hasPublishKey: false });
    await store.setStreamPublishKey('cam1', 'f'.repeat(64), 'user:admin');
    expect((await store.streamByPublishKey('f'.repeat(64)))?.id).toBe('cam1');
    await store.close();
  });

  it('refuses a database from a newer Raqib, naming the file and both versions', () => {
    const path = freshPath();
    SqliteStore.open({ path }).db.close();
    const raw = new BetterSqlite3(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (99, ?, 0)').run('from the future');
    raw.close();
    let message = '';
    try {
      SqliteStore.open({ path });
    } catch (error) {
      if (isRaqibError(error, 'STORAGE_FAILED')) message = error.message;
    }
    expect(message).toContain(path);
    expect(message).toContain(`version 99 is newer than this Raqib knows (${SQLITE_MIGRATIONS.length})`);
  });

  it('refuses to change or delete audit rows, and detects a row tampered with behind its back', async () => {
    const path = freshPath();
    const store = SqliteStore.open({ path });
    await store.createEvent({ id: 'derby', name: 'Derby' }, 'user:admin');
    await store.createStream({ id: 'cam1', eventId: 'derby', name: 'North' }, 'user:admin');
    await store.appendAudit({ actor: 'user:omar', action: 'alert.acknowledge', target: 'alert:a1' });
    expect(() => store.db.prepare("UPDATE audit_log SET actor = 'user:eve' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);
    const verify = () => verifyAuditChain((after) => store.listAudit(after, 100));
    expect(await verify()).toMatchObject({ ok: true, rows: 3 });

    // Someone with the file drops the trigger and rewrites who acknowledged.
    store.db.exec('DROP TRIGGER audit_log_no_update');
    store.db.prepare("UPDATE audit_log SET actor = 'user:eve' WHERE seq = 3").run();
    expect(await verify()).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/row changed/) });

    // ... or deletes a row and re-chains nothing.
    store.db.prepare("UPDATE audit_log SET actor = 'user:omar' WHERE seq = 3").run();
    expect(await verify()).toMatchObject({ ok: true });
    store.db.exec('DROP TRIGGER audit_log_no_delete');
    store.db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(await verify()).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/rows removed/) });
    await store.close();
  });

  it('names the path when the database cannot be opened', () => {
    const blocker = join(dir, 'a-file');
    SqliteStore.open({ path: blocker }).db.close();
    expect(() => SqliteStore.open({ path: join(blocker, 'raqib.db') })).toThrow(/a-file\/raqib.db/);
  });
});
