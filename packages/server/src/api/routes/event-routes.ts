import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import { defineRoute } from '../api-route.js';
import { idParams, idSchema } from '../api-schemas.js';

const eventSchema = z.object({
  id: idSchema,
  name: z.string(),
  startsAtMs: z.number().nullable(),
  endsAtMs: z.number().nullable(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
const name = z.string().min(1).max(200).describe('Display name.');
const timeMs = z.number().int().nonnegative().nullable().describe('Unix milliseconds, or null.');

export const eventRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/events',
    summary: 'Lists events (operations such as a match day).',
    tag: 'events',
    access: 'viewer',
    response: z.array(eventSchema),
    handler: async ({ deps }) => deps.store.listEvents(),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/events/:id',
    summary: 'One event.',
    tag: 'events',
    access: 'viewer',
    params: idParams,
    response: eventSchema,
    handler: async ({ params, deps }) => {
      const event = await deps.store.getEvent(params.id);
      if (!event) throw new RaqibError('NOT_FOUND', `event '${params.id}' does not exist`);
      return event;
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/events',
    summary: 'Creates an event.',
    tag: 'events',
    access: 'admin',
    body: z.object({ id: idSchema, name, startsAtMs: timeMs.optional(), endsAtMs: timeMs.optional() }).strict(),
    response: eventSchema,
    status: 201,
    handler: async ({ body, principal, deps }) =>
      deps.store.createEvent(
        {
          id: body.id,
          name: body.name,
          ...(body.startsAtMs !== undefined ? { startsAtMs: body.startsAtMs } : {}),
          ...(body.endsAtMs !== undefined ? { endsAtMs: body.endsAtMs } : {}),
        },
        principal!.actor,
      ),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/v1/events/:id',
    summary: 'Changes an event’s name or times.',
    tag: 'events',
    access: 'admin',
    params: idParams,
    body: z.object({ name: name.optional(), startsAtMs: timeMs.optional(), endsAtMs: timeMs.optional() }).strict(),
    response: eventSchema,
    handler: async ({ params, body, principal, deps }) => {
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return deps.store.updateEvent(params.id, patch, principal!.actor);
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/events/:id',
    summary: 'Deletes an event that has no streams left.',
    tag: 'events',
    access: 'admin',
    params: idParams,
    handler: async ({ params, principal, deps }) => {
      await deps.store.deleteEvent(params.id, principal!.actor);
      return undefined;
    },
  }),
];
