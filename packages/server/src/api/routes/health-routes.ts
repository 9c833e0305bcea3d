import { z } from 'zod/v4';
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
];
