import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/authenticator.js';
import { roleAtLeast } from '../auth/roles.js';
import type { Access, ApiDeps } from './api-route.js';
import { HttpError } from './http-error.js';

/**
 * Session cookie name. Over TLS the `__Host-` prefix makes browsers refuse it unless it is Secure,
 * host-only and for `/`; plain HTTP (localhost) cannot use the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-raqib_session' : 'raqib_session';
}

/** `Set-Cookie` value for a session (or its removal when `sessionId` is empty). */
export function sessionCookie(sessionId: string, maxAgeS: number, secure: boolean): string {
  const parts = [
    `${sessionCookieName(secure)}=${sessionId}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${sessionId ? maxAgeS : 0}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Deny by default: resolves the caller from `Authorization: Bearer` or the session cookie and checks
 * the route's role; session requests that change something must carry the session's CSRF token in
 * `x-csrf-token` (API tokens are not sent by browsers on their own, so they need none).
 */
export async function authorize(
  request: FastifyRequest,
  access: Access,
  deps: ApiDeps,
): Promise<Principal | undefined> {
  if (access === 'public') return undefined;
  let principal: Principal | undefined;
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    principal = match ? await deps.auth.fromBearer(match[1]!) : undefined;
    if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'the API token is invalid, expired or revoked');
  } else {
    const sessionId = cookieValue(request.headers.cookie, sessionCookieName(deps.secureCookies));
    principal = sessionId ? await deps.auth.fromSession(sessionId) : undefined;
    if (!principal) {
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        sessionId
          ? 'the session has ended; log in again'
          : 'log in (POST /api/v1/auth/login) or send an API token as Authorization: Bearer',
      );
    }
    if (UNSAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameText(sent, principal.csrfToken)) {
        throw new HttpError(403, 'FORBIDDEN', 'missing or wrong x-csrf-token header (returned by the login)');
      }
    }
  }
  if (!roleAtLeast(principal.role, access)) {
    throw new HttpError(403, 'FORBIDDEN', `this needs the ${access} role; you are ${principal.role}`);
  }
  return principal;
}
