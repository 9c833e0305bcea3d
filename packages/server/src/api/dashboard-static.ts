import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The dashboard's page is static and public; all its data comes from the authenticated API. The
 * policy allows only this origin's scripts (no inline script, no eval), images from the picture
 * frames (data:/blob:), and connections back to this origin (the API and its WebSocket).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Vite names every built asset after its content hash: it can be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself is checked on every load, so that a new build is seen at once. */
const REVALIDATE = 'no-cache';

function pageHeaders(reply: { setHeader(name: string, value: string): unknown }): void {
  reply.setHeader('content-security-policy', DASHBOARD_CSP);
  reply.setHeader('x-frame-options', 'DENY');
  reply.setHeader('referrer-policy', 'no-referrer');
}

/**
 * Serves the built dashboard (`packages/web/dist`) at `/`: files as they are, and `index.html` for
 * any other GET of a page path (`/live`, `/alerts?lang=ar`: the app routes in the browser). Paths
 * under `/api/` are never answered with the page: an unknown API path stays a JSON 404. Returns
 * false (serving nothing) when `rootDir` has no index.html, i.e. the dashboard was not built.
 */
export function registerDashboard(app: FastifyInstance, rootDir: string): boolean {
  if (!existsSync(join(rootDir, 'index.html'))) return false;
  void app.register(fastifyStatic, {
    root: rootDir,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    etag: true,
    lastModified: true,
    dotfiles: 'ignore',
    setHeaders: (response, path) => {
      if (path.endsWith('.html')) {
        response.setHeader('cache-control', REVALIDATE);
        pageHeaders(response);
      } else {
        response.setHeader('cache-control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE);
      }
    },
  });
  return true;
}

/** Whether a request that matched no route should get the dashboard's page (an app route). */
export function wantsDashboardPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (path === '/api' || path.startsWith('/api/')) return false;
  // `/assets/missing.js` is a 404, not a page: only extension-less paths are app routes.
  const last = path.split('/').pop() ?? '';
  return !last.includes('.');
}

/** Sends the dashboard's page (SPA fallback). */
export function sendDashboardPage(reply: FastifyReply): FastifyReply {
  pageHeaders(reply.raw);
  reply.raw.setHeader('cache-control', REVALIDATE);
  return reply.type('text/html; charset=utf-8').sendFile('index.html');
}
