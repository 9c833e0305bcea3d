import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod/v4';
import type { ApiDeps, ApiRoute } from './api-route.js';
import { registerDashboard, sendDashboardPage, wantsDashboardPage } from './dashboard-static.js';
import { HttpError, toHttpError } from './http-error.js';
import { registerLiveSocket, type LiveSocketOptions } from './live-socket.js';
import { authorize } from './request-auth.js';
import { InProcessBus } from '../bus/live-bus.js';
import { API_ROUTES } from './routes/index.js';

export interface ApiServerOptions {
  /** Largest request body accepted; default 1 MiB (a zones file of 256 zones fits easily). */
  bodyLimitBytes?: number;
  logger?: Logger;
  /** Take the client address from X-Forwarded-For (only behind the operator's own reverse proxy). */
  trustProxy?: boolean;
  routes?: readonly ApiRoute[];
  live?: LiveSocketOptions;
  /** Serve HTTPS with this PEM certificate and key. */
  https?: { cert: Buffer; key: Buffer };
  /** Serve the built dashboard from this folder at `/` (public static files; see dashboard-static.ts). */
  dashboardDir?: string;
}

const registered = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every method and path registered on an API server (including Fastify's automatic HEAD routes). */
export function registeredRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return registered.get(app) ?? [];
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length ? `${where}.${issue.path.join('.')}` : where;
    return `${path}: ${issue.message}`;
  });
  throw new HttpError(400, 'INPUT_INVALID', problems.join('; '));
}

/**
 * The REST API as a Fastify instance (not listening; call `listen` or use `inject` in tests).
 * Every route goes through `authorize` first (deny by default), then zod validation of params,
 * query and body, then its handler; every error leaves as `{"error":{"code","message"}}`.
 */
export function createApiServer(deps: ApiDeps, options: ApiServerOptions = {}): FastifyInstance {
  // With `https` Fastify returns an instance typed for https.Server; the routes do not care which.
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    trustProxy: options.trustProxy ?? false,
    // Refuse `__proto__` and `constructor.prototype` keys in bodies outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  }) as unknown as FastifyInstance;

  // JSON only: Fastify's default text/plain parser would hand strings to the body schemas.
  app.removeContentTypeParser('text/plain');

  const routes: { method: string; url: string }[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    // API answers are never cached; the dashboard's static files set their own policy.
    if (!reply.hasHeader('cache-control') && !reply.raw.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    void reply.code(httpError.status).send({ error: { code: httpError.code, message: httpError.message } });
  });

  const dashboard = options.dashboardDir !== undefined && registerDashboard(app, options.dashboardDir);
  app.setNotFoundHandler((request, reply) => {
    if (dashboard && wantsDashboardPage(request)) return sendDashboardPage(reply);
    void reply
      .code(404)
      .send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  registerLiveSocket(app, deps.bus ? deps : { ...deps, bus: new InProcessBus() }, options.live);

  const addRoute = (scope: FastifyInstance, route: ApiRoute) =>
    scope.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const principal = await authorize(request, route.access, deps);
        const params = parsePart(route.params, request.params, 'params');
        const query = parsePart(route.query, request.query, 'query');
        const body = parsePart(route.body, request.body, 'body');
        const result = await route.handler({ params, query, body, principal, deps, request, reply });
        if (result === undefined) return reply.code(route.status ?? 204).send();
        // A handler may set its own success status (e.g. 206 for a byte range).
        return reply.code(route.status ?? reply.statusCode).send(result);
      },
    });
  for (const route of options.routes ?? API_ROUTES) {
    if (!route.consumes) {
      addRoute(app, route);
      continue;
    }
    // Uploads: the body stays an unread stream (in this route's own scope only), so that nobody's
    // bytes are read before the access check and a large file goes to disk, never into memory.
    void app.register(async (scope) => {
      // Any type but JSON: the handler checks it against `consumes` (and names the ones it takes).
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      addRoute(scope, route);
    });
  }
  return app;
}
