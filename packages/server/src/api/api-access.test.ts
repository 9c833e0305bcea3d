import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast } from '../auth/roles.js';
import type { Role } from '../storage/store-records.js';
import { registeredRoutes } from './create-api-server.js';
import { LIVE_PATH } from './live-socket.js';
import { API_ROUTES } from './routes/index.js';
import { apiFixture, type ApiFixture } from './testing/api-fixture.js';

/** A concrete URL for a route path: every `:param` filled in. */
const concrete = (url: string) => url.replace(/:(\w+)/g, 'x1');

describe('API access control (deny by default)', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture();
    await fx.app.ready();
  });
  afterAll(() => fx.close());

  it('declares every registered route, and every route answers 401 without credentials unless public', async () => {
    const registered = registeredRoutes(fx.app);
    expect(registered.length).toBeGreaterThan(30);
    const publicRoutes: string[] = [];
    for (const { method, url } of registered) {
      if (url === LIVE_PATH) {
        // The WebSocket: authenticated before the upgrade like every route (topics: live-socket.test.ts).
        const response = await fx.app.inject({ method: method as 'GET', url });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        continue;
      }
      const declared = API_ROUTES.find(
        (r) => r.url === url && (r.method === method || (method === 'HEAD' && r.method === 'GET')),
      );
      expect(declared, `${method} ${url} is registered but not declared in API_ROUTES`).toBeDefined();
      if (declared!.access === 'public') {
        publicRoutes.push(`${method} ${url}`);
        continue;
      }
      const response = await fx.app.inject({ method: method as 'GET', url: concrete(url) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      if (method !== 'HEAD') expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect(publicRoutes.sort()).toEqual([
      'GET /api/v1/health',
      'GET /api/v1/ready',
      'HEAD /api/v1/health',
      'HEAD /api/v1/ready',
      'POST /api/v1/auth/login',
    ]);
  });

  it('answers 403 to every role below a route’s, and lets the route’s own role through', async () => {
    let checked = 0;
    for (const route of API_ROUTES) {
      if (route.access === 'public') continue;
      for (const role of ['viewer', 'operator', 'admin'] as Role[]) {
        const response = await fx.app.inject({ method: route.method, url: concrete(route.url), headers: fx.as[role] });
        if (roleAtLeast(role, route.access)) {
          expect([401, 403], `${role} on ${route.method} ${route.url}`).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, `${role} on ${route.method} ${route.url}`).toBe(403);
          expect(response.json().error).toEqual({
            code: 'FORBIDDEN',
            message: `this needs the ${route.access} role; you are ${role}`,
          });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('refuses a malformed, unknown or revoked token with 401', async () => {
    for (const authorization of ['Bearer nope', 'Basic abc', `${fx.as.admin.authorization}x`]) {
      const response = await fx.app.inject({ method: 'GET', url: '/api/v1/streams', headers: { authorization } });
      expect(response.statusCode).toBe(401);
    }
    const [token] = (await fx.store.listApiTokens()).filter((t) => t.role === 'viewer');
    await fx.store.revokeApiToken(token!.id, 'test');
    const response = await fx.app.inject({ method: 'GET', url: '/api/v1/streams', headers: fx.as.viewer });
    expect(response.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'the API token is invalid, expired or revoked' },
    });
  });
});
