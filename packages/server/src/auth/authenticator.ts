import { RaqibError } from '@raqib/core';
import type { Store } from '../storage/store.js';
import type { Actor, Role } from '../storage/store-records.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { parseApiToken, randomSecret, sameHash, secretHash } from './secret-token.js';

/** Who is calling, once authenticated. */
export interface Principal {
  actor: Actor;
  role: Role;
  via: 'session' | 'token';
  /** Sessions only: the CSRF token every unsafe request must echo in `x-csrf-token`. */
  csrfToken?: string;
  sessionIdHash?: string;
  username?: string;
}

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after login whatever its use. */
  absoluteMs: number;
}

/** Console sessions: idle 15 min, absolute 8 h (RELIABILITY-SECURITY.md). */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 15 * 60_000, absoluteMs: 8 * 3_600_000 };

export interface AuthenticatorOptions {
  nowMs?: () => number;
  session?: SessionPolicy;
  rateLimiter?: LoginRateLimiter;
}

/** Checks API tokens and browser sessions, and logs users in and out (every login audited). */
export class Authenticator {
  private readonly nowMs: () => number;
  readonly session: SessionPolicy;
  private readonly rateLimiter: LoginRateLimiter;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    options: AuthenticatorOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.session = options.session ?? DEFAULT_SESSION_POLICY;
    this.rateLimiter = options.rateLimiter ?? new LoginRateLimiter(undefined, this.nowMs);
  }

  /** The principal of an `Authorization: Bearer` token, or undefined when it is not a valid one. */
  async fromBearer(token: string): Promise<Principal | undefined> {
    const parsed = parseApiToken(token);
    if (!parsed) return undefined;
    const record = await this.store.getApiToken(parsed.id);
    const now = this.nowMs();
    if (!record || record.revokedAtMs !== null || (record.expiresAtMs !== null && record.expiresAtMs <= now)) {
      return undefined;
    }
    if (!sameHash(record.secretHash, secretHash(parsed.secret))) return undefined;
    // Last use is for the token list; a minute's precision spares a write per request.
    if (record.lastUsedAtMs === null || now - record.lastUsedAtMs > 60_000)
      await this.store.touchApiToken(record.id, now);
    return { actor: `token:${record.id}`, role: record.role, via: 'token' };
  }

  /** The principal of a session cookie value, or undefined when expired, revoked or unknown. */
  async fromSession(sessionId: string): Promise<Principal | undefined> {
    if (sessionId.length < 20 || sessionId.length > 100) return undefined;
    const idHash = secretHash(sessionId);
    const session = await this.store.getSession(idHash);
    const now = this.nowMs();
    if (!session || session.revokedAtMs !== null) return undefined;
    if (now >= session.expiresAtMs || now - session.lastSeenAtMs >= this.session.idleMs) return undefined;
    const user = await this.store.getUser(session.userId);
    if (!user || user.disabledAtMs !== null) return undefined;
    await this.store.touchSession(idHash, now);
    return {
      actor: `user:${user.username}`,
      role: user.role,
      via: 'session',
      csrfToken: session.csrfToken,
      sessionIdHash: idHash,
      username: user.username,
    };
  }

  /**
   * Whether a principal authenticated earlier still holds (for long-lived WebSockets): its token not
   * revoked or expired; its session not revoked, past its absolute limit, or its user disabled. A
   * socket's own traffic does not count as session use, so the idle limit is not applied here.
   */
  async stillValid(principal: Principal): Promise<boolean> {
    const now = this.nowMs();
    if (principal.via === 'token') {
      const record = await this.store.getApiToken(principal.actor.slice('token:'.length));
      return !!record && record.revokedAtMs === null && (record.expiresAtMs === null || record.expiresAtMs > now);
    }
    if (principal.sessionIdHash === undefined) return false;
    const session = await this.store.getSession(principal.sessionIdHash);
    if (!session || session.revokedAtMs !== null || now >= session.expiresAtMs) return false;
    const user = await this.store.getUser(session.userId);
    return !!user && user.disabledAtMs === null && user.role === principal.role;
  }

  /**
   * Checks a username and password; on success opens a session. Failures are rate-limited per user
   * and per address (RATE_LIMITED with the wait) and say nothing about which part was wrong.
   */
  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ sessionId: string; principal: Principal; expiresAtMs: number }> {
    const retryAfterS = this.rateLimiter.retryAfterS(username, address);
    if (retryAfterS > 0) {
      throw new RaqibError('RATE_LIMITED', `too many failed logins; try again in ${retryAfterS} s`);
    }
    const user = await this.store.getUserByName(username);
    // Verify against a dummy hash for unknown users so that timing does not tell which usernames exist.
    this.dummyHash ??= hashPassword(randomSecret(16));
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok || user.disabledAtMs !== null) {
      this.rateLimiter.recordFailure(username, address);
      await this.store.appendAudit({
        actor: `address:${address}`,
        action: 'login.failed',
        target: `user:${username.slice(0, 64)}`,
      });
      throw new RaqibError('UNAUTHENTICATED', 'wrong username or password');
    }
    this.rateLimiter.recordSuccess(username);
    const now = this.nowMs();
    const sessionId = randomSecret(32);
    const csrfToken = randomSecret(32);
    const expiresAtMs = now + this.session.absoluteMs;
    const idHash = secretHash(sessionId);
    await this.store.createSession({
      idHash,
      userId: user.id,
      csrfToken,
      createdAtMs: now,
      lastSeenAtMs: now,
      expiresAtMs,
      revokedAtMs: null,
    });
    await this.store.appendAudit({ actor: `user:${user.username}`, action: 'login', target: `user:${user.username}` });
    return {
      sessionId,
      expiresAtMs,
      principal: {
        actor: `user:${user.username}`,
        role: user.role,
        via: 'session',
        csrfToken,
        sessionIdHash: idHash,
        username: user.username,
      },
    };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionIdHash === undefined) return;
    await this.store.revokeSession(principal.sessionIdHash);
    await this.store.appendAudit({ actor: principal.actor, action: 'logout', target: principal.actor });
  }
}
