import { z } from 'zod/v4';
import { HttpError } from '../http-error.js';
import { defineRoute } from '../api-route.js';

export const healthRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/health',
    summary: 'Liveness: the process answers (no authentication, no dependency checks).',
    tag: 'health',
    access: 'public',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/ready',
    summary: 'Readiness: 200 when the database answers, 503 otherwise (no authentication, no detail).',
    tag: 'health',
    access: 'public',
    response: z.object({ status: z.literal('ready') }),
    handler: async ({ deps }) => {
      try {
        await deps.store.ping();
      } catch {
        throw new HttpError(503, 'STORAGE_FAILED', 'the database does not answer');
      }
      return { status: 'ready' };
    },
  }),
];
