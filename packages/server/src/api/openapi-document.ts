import { z } from 'zod/v4';
import type { ApiRoute } from './api-route.js';
import { errorResponseSchema } from './api-schemas.js';
import { API_ROUTES } from './routes/index.js';
import { LIVE_TOPICS } from '../bus/live-topics.js';
import { LIVE_PATH } from './live-socket.js';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

/** Query or path parameters from an object schema: one entry per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description !== undefined ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid input (INPUT_INVALID, ZONES_INVALID, RULES_INVALID).',
  '401': 'No valid credentials (UNAUTHENTICATED).',
  '403': 'Role too low, or missing CSRF token on a session request (FORBIDDEN).',
  '404': 'Not found (NOT_FOUND).',
  '409': 'Conflicts with the stored state (CONFLICT).',
};

/** The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas. */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES, version = '0.1.0'): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const errors = Object.fromEntries(
      Object.entries(ERROR_STATUSES)
        .filter(([status]) => route.access !== 'public' || !['401', '403'].includes(status))
        .map(([status, description]) => [
          status,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
    );
    const successStatus = String(route.status ?? (route.response || route.produces ? 200 : 204));
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      'x-raqib-role': route.access,
      security: route.access === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.consumes
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                Object.entries(route.consumes).map(([type, description]) => [
                  type,
                  { schema: { type: 'string', format: 'binary', description } },
                ]),
              ),
            },
          }
        : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [successStatus]: route.produces
          ? {
              description: 'OK',
              content: Object.fromEntries(
                Object.entries(route.produces).map(([type, description]) => [
                  type,
                  {
                    schema: { type: 'string', description, ...(type.startsWith('text/') ? {} : { format: 'binary' }) },
                  },
                ]),
              ),
            }
          : route.response
            ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
            : { description: 'Done (no content).' },
        ...errors,
      },
    };
  }
  const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  paths[LIVE_PATH] = {
    get: {
      summary:
        'WebSocket (upgrade). Send {"type":"subscribe","topics":[...]}; events arrive as {"type":"event","topic","data"}, ' +
        'refusals as {"type":"error","error":{"code","message"}}. A client that stops reading is dropped.',
      tags: ['live'],
      'x-raqib-role': 'viewer',
      'x-raqib-topics': LIVE_TOPICS.map((topic) => ({
        topic: topic.example,
        role: topic.role,
        summary: topic.summary,
      })),
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
      responses: {
        '101': { description: 'Switching protocols.' },
        '401': { description: ERROR_STATUSES['401'], ...errorRef },
        '403': { description: 'Role too low, or a session cookie sent from another origin (FORBIDDEN).', ...errorRef },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Raqib API',
      version,
      description:
        'Crowd-safety analytics from drone video. Roles: viewer (read), operator (alert workflow, zones), admin (events, streams, rules, users, tokens, audit). Generated from the route schemas: `npm run docs:openapi`.',
    },
    servers: [{ url: 'http://127.0.0.1:8080' }],
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from `raqib token create`.' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'raqib_session',
          description:
            'Browser session from POST /api/v1/auth/login (`__Host-raqib_session` over TLS). Changes also need the x-csrf-token header.',
        },
      },
      schemas: { Error: jsonSchema(errorResponseSchema, 'output') },
    },
    paths,
  };
}
