export interface LoginRateLimit {
  /** Failed logins allowed per username and per client address within `windowMs`. */
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = {
  maxFailuresPerUser: 5,
  maxFailuresPerAddress: 20,
  windowMs: 15 * 60_000,
};

/**
 * Counts failed logins per username and per client address over a sliding window. A username is
 * limited on its own so that an attacker spreading over addresses still cannot guess a password;
 * an address is limited so that one client cannot try many usernames.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Seconds to wait before the next attempt, or 0 when one is allowed now. */
  retryAfterS(username: string, address: string): number {
    const now = this.nowMs();
    const waits = [
      this.wait(`u:${username.toLowerCase()}`, this.limit.maxFailuresPerUser, now),
      this.wait(`a:${address}`, this.limit.maxFailuresPerAddress, now),
    ];
    return Math.max(...waits);
  }

  recordFailure(username: string, address: string): void {
    const now = this.nowMs();
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
    // Bound memory under a spray of usernames: drop the oldest keys.
    if (this.failures.size > 10_000) {
      for (const key of [...this.failures.keys()].slice(0, 1000)) this.failures.delete(key);
    }
  }

  /** A successful login clears the username's failures (not the address's). */
  recordSuccess(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.limit.windowMs);
  }

  private wait(key: string, max: number, now: number): number {
    const times = this.recent(key, now);
    if (times.length < max) return 0;
    return Math.ceil((times[times.length - max]! + this.limit.windowMs - now) / 1000);
  }
}
