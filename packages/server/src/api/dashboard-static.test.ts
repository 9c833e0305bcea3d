import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from './dashboard-static.js';
import { apiFixture, type ApiFixture } from './testing/api-fixture.js';

describe('dashboard static files at / (public page, data only through the API)', () => {
  let fx: ApiFixture;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'raqib-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>Raqib</title><script src="/assets/app-abc.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-abc.js'), 'console.log(1)');
    fx = await apiFixture({}, { dashboardDir: dir });
    await fx.app.ready();
  });
  afterAll(async () => {
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / with the content security policy, revalidated on every load', async () => {
    const response = await fx.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('<title>Raqib</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets as immutable', async () => {
    const response = await fx.app.inject({ method: 'GET', url: '/assets/app-abc.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe('console.log(1)');
  });

  it('answers app routes with the page (SPA fallback), missing files with 404', async () => {
    for (const url of ['/live', '/alerts?lang=ar', '/charts/demo-drone']) {
      const response = await fx.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toContain('<title>Raqib</title>');
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
    expect((await fx.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('never shadows the API: unknown API paths stay JSON 404s, data routes still need credentials', async () => {
    const unknown = await fx.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ROUTE_NOT_FOUND');
    expect(unknown.headers['cache-control']).toBe('no-store');
    const streams = await fx.app.inject({ method: 'GET', url: '/api/v1/streams' });
    expect(streams.statusCode).toBe(401);
    expect(streams.headers['cache-control']).toBe('no-store');
    const ok = await fx.app.inject({ method: 'GET', url: '/api/v1/streams', headers: fx.as.viewer });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    // A POST to a page path is not a page.
    expect((await fx.app.inject({ method: 'POST', url: '/live' })).statusCode).toBe(404);
  });
});
