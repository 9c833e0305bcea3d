import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Authenticator } from '../../auth/authenticator.js';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-admin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.RAQIB_PASSWORD;
});

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

describe('raqib users / token / audit', () => {
  it('adds the first admin, whose password then logs in; bad input is a usage error', async () => {
    const data = join(dir, 'users');
    process.env.RAQIB_PASSWORD = 'the first admin passphrase';
    expect(await raqib('users', 'add', 'sara', '--role', 'admin', '--data', data)).toMatchObject({
      code: 0,
      stdout: 'added sara (admin)\n',
    });
    const again = await raqib('users', 'add', 'sara', '--role', 'viewer', '--data', data);
    expect(again).toMatchObject({ code: 1, stderr: "raqib users: error CONFLICT: user 'sara' already exists\n" });
    process.env.RAQIB_PASSWORD = 'short';
    const short = await raqib('users', 'add', 'omar', '--role', 'viewer', '--data', data);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/a password needs 12-256 characters, got 5/);
    expect((await raqib('users', 'add', 'omar', '--data', data)).stderr).toMatch(/--role is required/);
    expect((await raqib('users', 'rename', 'omar', '--data', data)).code).toBe(2);
    expect((await raqib('users', 'set-role', 'sara', '--role', 'operator', '--data', data)).code).toBe(0);
    expect((await raqib('users', 'list', '--data', data)).stdout).toMatch(/^sara\s+operator\n$/);
    expect(await raqib('users', 'list', '--data', join(dir, 'typo'))).toMatchObject({
      code: 1,
      stderr: `raqib users: error INPUT_NOT_FOUND: ${join(dir, 'typo', 'raqib.db')}: no Raqib database there; check --data (default: data)\n`,
    });

    const store = SqliteStore.open({ path: join(data, 'raqib.db') });
    const login = await new Authenticator(store).login('sara', 'the first admin passphrase', '127.0.0.1');
    expect(login.principal.role).toBe('operator');
    await store.close();
  });

  it('creates a token that authenticates with its role, lists and revokes it', async () => {
    const data = join(dir, 'tokens');
    const created = await raqib('token', 'create', '--role', 'viewer', '--name', 'wall display', '--data', data);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^rqb_\w{12}_[\w-]{43}$/);
    expect(created.stderr).toMatch(/shown once/);
    const store = SqliteStore.open({ path: join(data, 'raqib.db') });
    const auth = new Authenticator(store);
    expect((await auth.fromBearer(token))?.role).toBe('viewer');
    const id = token.split('_')[1]!;
    expect((await raqib('token', 'list', '--data', data)).stdout).toMatch(
      new RegExp(`^${id}  viewer\\s+active\\s+wall display\\n$`),
    );
    expect((await raqib('token', 'revoke', id, '--data', data)).code).toBe(0);
    expect(await auth.fromBearer(token)).toBeUndefined();
    expect((await raqib('token', 'revoke', id, '--data', data)).code).toBe(1);
    await store.close();
  });

  it('verifies the audit chain, and exits 1 naming the row when one was tampered with', async () => {
    const data = join(dir, 'audit');
    process.env.RAQIB_PASSWORD = 'the first admin passphrase';
    await raqib('users', 'add', 'sara', '--role', 'admin', '--data', data);
    await raqib('token', 'create', '--data', data);
    await raqib('users', 'disable', 'sara', '--data', data);
    const ok = await raqib('audit', 'verify', '--data', data);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit log verified: 3 rows, last hash [0-9a-f]{64}\n$/);
    expect((await raqib('audit', 'list', '--data', data)).stdout.split('\n')[0]).toMatch(
      /^1\t\S+Z\tcli:\S+\tuser.create\tuser:sara\t\{"username":"sara","role":"admin"\}$/,
    );

    const raw = new BetterSqlite3(join(data, 'raqib.db'));
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET details = '{"username":"sara","role":"viewer"}' WHERE seq = 1`).run();
    raw.close();
    const broken = await raqib('audit', 'verify', '--data', data);
    expect(broken).toMatchObject({
      code: 1,
      stderr:
        'raqib audit: error AUDIT_CHAIN_BROKEN: row 1: hash does not match the row (row changed); 0 rows before it verify\n',
    });
  });
});
