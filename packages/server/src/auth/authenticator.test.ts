import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { Authenticator } from './authenticator.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { verifyPassword } from './password-hash.js';
import { addUser, createApiToken, ensureFirstAdmin } from './user-accounts.js';

const PASSWORD = 'correct horse battery staple';

describe('Authenticator', () => {
  let store: SqliteStore;
  let nowMs: number;
  let auth: Authenticator;

  beforeEach(() => {
    nowMs = Date.UTC(2026, 5, 1);
    store = SqliteStore.open({ path: ':memory:', nowMs: () => nowMs });
    auth = new Authenticator(store, { nowMs: () => nowMs });
  });
  afterEach(() => store.close());

  async function code(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'resolved';
    } catch (error) {
      return isRaqibError(error) ? error.code : String(error);
    }
  }

  it('hashes passwords with Argon2id at m=19 MiB, t=2, p=1 and refuses short ones', async () => {
    const user = await addUser(store, { username: 'omar', role: 'operator', password: PASSWORD }, 'system');
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(user.passwordHash, PASSWORD)).toBe(true);
    expect(await verifyPassword(user.passwordHash, `${PASSWORD}!`)).toBe(false);
    expect(await code(addUser(store, { username: 'sara', role: 'viewer', password: 'short' }, 'system'))).toBe('USAGE');
    expect(await code(addUser(store, { username: '-x', role: 'viewer', password: PASSWORD }, 'system'))).toBe('USAGE');
  });

  it('logs in with a session that ends when idle, at its absolute limit, and on logout', async () => {
    await addUser(store, { username: 'omar', role: 'operator', password: PASSWORD }, 'system');
    const { sessionId, principal } = await auth.login('Omar', PASSWORD, '10.0.0.1');
    expect(principal).toMatchObject({ actor: 'user:omar', role: 'operator', via: 'session' });
    expect((await auth.fromSession(sessionId))?.csrfToken).toBe(principal.csrfToken);
    nowMs += 14 * 60_000;
    expect(await auth.fromSession(sessionId)).toBeDefined();
    nowMs += 15 * 60_000;
    expect(await auth.fromSession(sessionId)).toBeUndefined();

    const second = await auth.login('omar', PASSWORD, '10.0.0.1');
    // Used every 14 min: alive until the absolute limit of 8 h (34 x 14 = 476 min), then over.
    for (let i = 0; i < 34; i++) {
      nowMs += 14 * 60_000;
      expect(await auth.fromSession(second.sessionId)).toBeDefined();
    }
    nowMs += 14 * 60_000;
    expect(await auth.fromSession(second.sessionId)).toBeUndefined();

    const third = await auth.login('omar', PASSWORD, '10.0.0.1');
    expect(await auth.stillValid(third.principal)).toBe(true);
    nowMs += 60 * 60_000; // idle does not end a WebSocket's session...
    expect(await auth.stillValid(third.principal)).toBe(true);
    await auth.logout(third.principal); // ...logout does
    expect(await auth.fromSession(third.sessionId)).toBeUndefined();
    expect(await auth.stillValid(third.principal)).toBe(false);
    const fourth = await auth.login('omar', PASSWORD, '10.0.0.1');
    const omar = (await store.getUserByName('omar'))!;
    await store.updateUser(omar.id, { role: 'viewer' }, 'user:admin');
    expect(await auth.stillValid(fourth.principal)).toBe(false);
    expect(await auth.fromSession('x'.repeat(43))).toBeUndefined();
    const actions = (await store.listAudit(0, 100)).map((r) => r.action);
    expect(actions.filter((a) => a === 'login')).toHaveLength(4);
    expect(actions).toContain('logout');
  });

  it('rate-limits failed logins per username, audits them, and does not say which part was wrong', async () => {
    await addUser(store, { username: 'omar', role: 'operator', password: PASSWORD }, 'system');
    const limited = new Authenticator(store, {
      nowMs: () => nowMs,
      rateLimiter: new LoginRateLimiter(undefined, () => nowMs),
    });
    const messages = new Set<string>();
    for (let i = 0; i < 5; i++) {
      try {
        await limited.login(i % 2 ? 'omar' : 'nobody-' + i, 'wrong password!!', `10.0.0.${i}`);
      } catch (error) {
        messages.add((error as Error).message);
      }
    }
    expect([...messages]).toEqual(['wrong username or password']);
    for (let i = 0; i < 3; i++) await code(limited.login('omar', 'wrong password!!', `10.0.1.${i}`));
    // Five failures for omar from different addresses: even the right password waits.
    expect(await code(limited.login('omar', PASSWORD, '10.0.2.1'))).toBe('RATE_LIMITED');
    nowMs += 15 * 60_000;
    expect(await code(limited.login('omar', PASSWORD, '10.0.2.1'))).toBe('resolved');
    expect((await store.listAudit(0, 100)).filter((r) => r.action === 'login.failed')).toHaveLength(8);
  });

  it('accepts API tokens until revoked or expired; a changed secret is refused', async () => {
    const { token, record } = await createApiToken(store, { name: 'wall display', role: 'viewer' }, 'user:admin');
    expect(token).toMatch(/^rqb_/);
    expect(JSON.stringify(record)).not.toContain(token.split('_')[2]);
    expect(await auth.fromBearer(token)).toMatchObject({ actor: `token:${record.id}`, role: 'viewer', via: 'token' });
    expect((await store.getApiToken(record.id))?.lastUsedAtMs).toBe(nowMs);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await auth.fromBearer(tampered)).toBeUndefined();
    expect(await auth.fromBearer('not a token')).toBeUndefined();
    await store.revokeApiToken(record.id, 'user:admin');
    expect(await auth.fromBearer(token)).toBeUndefined();
    const expiring = await createApiToken(store, { name: 'drill', role: 'operator', expiresAtMs: nowMs + 1000 }, 'u');
    expect(await auth.fromBearer(expiring.token)).toBeDefined();
    nowMs += 1000;
    expect(await auth.fromBearer(expiring.token)).toBeUndefined();
  });

  it('creates the first admin from RAQIB_ADMIN_PASSWORD only when there is no user', async () => {
    expect(await ensureFirstAdmin(store, undefined)).toBeUndefined();
    const admin = await ensureFirstAdmin(store, PASSWORD);
    expect(admin).toMatchObject({ username: 'admin', role: 'admin' });
    expect(await ensureFirstAdmin(store, 'another long password')).toBeUndefined();
    expect((await auth.login('admin', PASSWORD, '127.0.0.1')).principal.role).toBe('admin');
  });
});
