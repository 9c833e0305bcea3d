import { isRaqibError, RaqibError } from '@raqib/core';

/**
 * `postgres://user@host:port/db` without the password (and without query parameters, which may
 * carry one): how logs and messages name the database.
 */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    const socketHost = parsed.searchParams.get('host');
    const host = parsed.host || (socketHost ? `[${socketHost}]` : 'localhost');
    return `${parsed.protocol}//${user}${host}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Socket errors and SQLSTATEs that mean "cannot reach the server now", not "this query is wrong". */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOENT', // a unix socket that is gone while the server is down
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '53300', // too_many_connections
]);
const TRANSIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|connection timeout/i;

/** Whether `error` (from pg) says the server is unreachable or restarting; such a write is worth retrying. */
export function isTransientPostgresError(error: unknown): boolean {
  if (isRaqibError(error, 'STORAGE_UNAVAILABLE')) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGES.test(message);
}

/**
 * Maps anything pg throws to RaqibError: unreachable -> STORAGE_UNAVAILABLE (the API answers 503,
 * pipeline writes are retried), anything else -> STORAGE_FAILED naming the database. RaqibErrors
 * (NOT_FOUND, CONFLICT, ...) pass through.
 */
export function toStorageError(error: unknown, label: string): RaqibError {
  if (isRaqibError(error)) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const reason = typeof code === 'string' && code ? code : String(message ?? error);
  if (isTransientPostgresError(error)) {
    return new RaqibError('STORAGE_UNAVAILABLE', `the database cannot be reached (${reason}); retry in a moment`, {
      cause: error,
    });
  }
  return new RaqibError('STORAGE_FAILED', `${label}: ${typeof message === 'string' ? message : reason}`, {
    cause: error,
  });
}
