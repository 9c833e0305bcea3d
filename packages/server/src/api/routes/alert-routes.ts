import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import type { AlertAction } from '../../storage/store-records.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { idSchema, noteSchema } from '../api-schemas.js';

const alertSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  streamId: z.string(),
  zoneId: z.string(),
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'danger', 'critical']),
  value: z.number(),
  threshold: z.number(),
  raisedAtMs: z.number(),
  escalatedFromId: z.string().nullable(),
  condition: z.enum(['active', 'cleared']).describe('Whether the alert engine still sees the condition.'),
  clearedAtMs: z.number().nullable(),
  clearReason: z.string().nullable(),
  status: z.enum(['new', 'acknowledged', 'assigned', 'resolved']).describe('Where operators are with it.'),
  assignee: z.string().nullable(),
  updatedAtMs: z.number(),
  evidence: z.record(z.string(), z.unknown()).describe('The numbers behind the alert (see docs/alerts.md).'),
});

const historySchema = z.object({
  kind: z.enum(['raised', 'escalated', 'cleared', 'acknowledged', 'assigned', 'resolved', 'note']),
  atMs: z.number(),
  actor: z.string(),
  note: z.string().nullable(),
  assignee: z.string().nullable(),
});

// Alert ids hold ':' and '.', e.g. cam1:gate-3:density:danger:123400.
const alertParams = z.object({ id: z.string().min(1).max(300) }).strict();

function actionRoute(
  verb: 'ack' | 'assign' | 'resolve' | 'note',
  summary: string,
  body: z.ZodType,
  toAction: (body: Record<string, string | undefined>) => AlertAction,
): ApiRoute {
  return defineRoute({
    method: 'POST',
    url: `/api/v1/alerts/:id/${verb}`,
    summary,
    tag: 'alerts',
    access: 'operator',
    params: alertParams,
    body: body as z.ZodType<Record<string, string | undefined>>,
    response: alertSchema,
    handler: async ({ params, body, principal, deps }) =>
      deps.store.applyAlertAction(params.id, toAction(body ?? {}), principal!.actor),
  });
}

const optionalNote = z.object({ note: noteSchema.optional() }).strict();
const withNote = (body: Record<string, string | undefined>) => (body.note !== undefined ? { note: body.note } : {});

export const alertRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/alerts',
    summary: 'Lists alerts, newest first: `open` = not resolved (active or cleared), `all` = every stored alert.',
    tag: 'alerts',
    access: 'viewer',
    query: z
      .object({
        state: z.enum(['open', 'all']).default('open'),
        stream: idSchema.optional().describe('Only alerts of this stream.'),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.array(alertSchema),
    handler: async ({ query, deps }) =>
      deps.store.listAlerts({
        state: query.state,
        limit: query.limit,
        ...(query.stream !== undefined ? { streamId: query.stream } : {}),
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/alerts/:id',
    summary: 'One alert with its lifecycle history (who did what, when).',
    tag: 'alerts',
    access: 'viewer',
    params: alertParams,
    response: alertSchema.extend({ history: z.array(historySchema) }),
    handler: async ({ params, deps }) => {
      const alert = await deps.store.getAlert(params.id);
      if (!alert) throw new RaqibError('NOT_FOUND', `alert '${params.id}' does not exist`);
      const history = (await deps.store.alertHistory(params.id)).map(({ alertId: _alertId, ...entry }) => entry);
      return { ...alert, history };
    },
  }),
  actionRoute('ack', 'Acknowledges a new alert.', optionalNote, (body) => ({ kind: 'acknowledge', ...withNote(body) })),
  actionRoute(
    'assign',
    'Assigns an unresolved alert to someone (a user, a steward, a team).',
    z.object({ assignee: z.string().min(1).max(100), note: noteSchema.optional() }).strict(),
    (body) => ({ kind: 'assign', assignee: body.assignee!, ...withNote(body) }),
  ),
  actionRoute('resolve', 'Resolves an alert.', optionalNote, (body) => ({ kind: 'resolve', ...withNote(body) })),
  actionRoute(
    'note',
    'Adds a note to an alert (also after it is resolved).',
    z.object({ note: noteSchema }).strict(),
    (body) => ({
      kind: 'note',
      note: body.note!,
    }),
  ),
];
