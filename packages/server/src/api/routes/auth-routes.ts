import { z } from 'zod/v4';
import { defineRoute } from '../api-route.js';
import { roleSchema } from '../api-schemas.js';
import { sessionCookie } from '../request-auth.js';

const principalSchema = z.object({
  actor: z.string().describe('How the audit log names you: user:NAME or token:ID.'),
  role: roleSchema,
  via: z.enum(['session', 'token']),
});

export const authRoutes = [
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary:
      'Logs in with username and password; sets the HttpOnly session cookie and returns the CSRF token to send as x-csrf-token on every change.',
    tag: 'auth',
    access: 'public',
    body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
    response: principalSchema.extend({ csrfToken: z.string(), expiresAtMs: z.number() }),
    handler: async ({ body, deps, request, reply }) => {
      const { sessionId, principal, expiresAtMs } = await deps.auth.login(body.username, body.password, request.ip);
      const maxAgeS = Math.floor(deps.auth.session.absoluteMs / 1000);
      reply.header('set-cookie', sessionCookie(sessionId, maxAgeS, deps.secureCookies));
      return {
        actor: principal.actor,
        role: principal.role,
        via: principal.via,
        csrfToken: principal.csrfToken,
        expiresAtMs,
      };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/logout',
    summary: 'Ends the current session and clears its cookie.',
    tag: 'auth',
    access: 'viewer',
    handler: async ({ principal, deps, reply }) => {
      await deps.auth.logout(principal!);
      reply.header('set-cookie', sessionCookie('', 0, deps.secureCookies));
      return undefined;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/auth/me',
    summary: 'Who the request is authenticated as.',
    tag: 'auth',
    access: 'viewer',
    response: principalSchema,
    handler: async ({ principal }) => ({ actor: principal!.actor, role: principal!.role, via: principal!.via }),
  }),
];
