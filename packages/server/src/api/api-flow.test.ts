import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRaqibError, parseZones } from '@raqib/core';
import { storePublishAuthorizer } from '../auth/publish-keys.js';
import { addUser } from '../auth/user-accounts.js';
import { rampAlertEvents } from '../storage/store-contract.js';
import { ReadingDownsampler } from '../storage/reading-downsampler.js';
import { apiFixture, type ApiFixture } from './testing/api-fixture.js';

const PASSWORD = 'a long enough passphrase';
const T0 = Date.UTC(2026, 5, 1, 18);

const zonesFile = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'plaza', kind: 'standing' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0.1, 0.1],
            [0.9, 0.1],
            [0.9, 0.9],
            [0.1, 0.1],
          ],
        ],
      },
    },
  ],
};

describe('API', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture();
  });
  afterAll(() => fx.close());

  it('answers health without credentials', async () => {
    const response = await fx.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers ready while the database answers, 503 without detail when it does not', async () => {
    expect((await fx.app.inject({ method: 'GET', url: '/api/v1/ready' })).json()).toEqual({ status: 'ready' });
    const closed = await apiFixture();
    await closed.store.close();
    const response = await closed.app.inject({ method: 'GET', url: '/api/v1/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: { code: 'STORAGE_FAILED', message: 'the database does not answer' } });
    await closed.close();
  });

  it('logs in with an HttpOnly SameSite=Strict cookie and needs the CSRF token to change anything', async () => {
    await addUser(fx.store, { username: 'sara', role: 'admin', password: PASSWORD }, 'system');
    const wrong = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'sara', password: 'not it at all' },
    });
    expect(wrong.statusCode).toBe(401);
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'sara', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^raqib_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const cookie = setCookie.split(';')[0]!;
    const { csrfToken, role } = login.json();
    expect(role).toBe('admin');
    const me = await fx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json()).toEqual({ actor: 'user:sara', role: 'admin', via: 'session' });
    const payload = { id: 'derby', name: 'Derby day' };
    const noCsrf = await fx.app.inject({ method: 'POST', url: '/api/v1/events', headers: { cookie }, payload });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.message).toMatch(/x-csrf-token/);
    const created = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload,
    });
    expect(created.statusCode).toBe(201);
    const logout = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect((await fx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('answers 429 RATE_LIMITED after repeated failed logins for one user', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'guessed', password: `guess number ${i}` },
      });
      statuses.push(response.statusCode);
      if (i === 5) expect(response.json().error.message).toMatch(/^too many failed logins; try again in \d+ s$/);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('marks the cookie Secure with the __Host- prefix when served over TLS', async () => {
    const tls = await apiFixture({ secureCookies: true });
    await addUser(tls.store, { username: 'sara', role: 'viewer', password: PASSWORD }, 'system');
    const login = await tls.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'sara', password: PASSWORD },
    });
    expect(String(login.headers['set-cookie'])).toMatch(/^__Host-raqib_session=.*; Secure$/);
    await tls.close();
  });

  it('manages streams and validates zones and rules exactly like the CLI files', async () => {
    const admin = fx.as.admin;
    const bad = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/streams',
      headers: admin,
      payload: { id: 'cam1', eventId: 'derby', name: 'North', sourceUrl: 'ftp://x', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INPUT_INVALID');
    expect(bad.json().error.message).toMatch(/body.sourceUrl: expected a URL/);
    const created = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/streams',
      headers: admin,
      payload: { id: 'cam1', eventId: 'derby', name: 'North', sourceUrl: 'rtsp://pilot:secret@10.0.0.5:554/live' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ state: 'idle', sourceUrl: 'rtsp://***@10.0.0.5:554/live', fps: null });

    await fx.store.recordStreamState({ streamId: 'cam1', state: 'live', atMs: Date.now() - 60_000, reason: null });
    await fx.store.recordStreamState({
      streamId: 'cam1',
      state: 'stalled',
      atMs: Date.now() - 1000,
      reason: 'no frame for 20 s',
    });
    const states = await fx.app.inject({ method: 'GET', url: '/api/v1/streams/cam1/states', headers: fx.as.viewer });
    expect(states.json().map((s: { state: string; reason: string | null }) => [s.state, s.reason])).toEqual([
      ['live', null],
      ['stalled', 'no frame for 20 s'],
    ]);

    const keyUrl = '/api/v1/streams/cam1/publish-key';
    const first = (await fx.app.inject({ method: 'POST', url: keyUrl, headers: admin })).json().publishKey;
    const second = await fx.app.inject({ method: 'POST', url: keyUrl, headers: admin });
    expect(second.statusCode).toBe(201);
    const authorize = storePublishAuthorizer(fx.store);
    expect(await authorize(second.json().publishKey)).toBe(true);
    expect(await authorize(first)).toBe(false);
    expect(await authorize('../../etc/passwd')).toBe(false);
    expect((await fx.app.inject({ method: 'GET', url: '/api/v1/streams/cam1', headers: admin })).json()).toMatchObject({
      hasPublishKey: true,
    });
    expect(JSON.stringify((await fx.store.listAudit(0, 1000)).map((row) => row.details))).not.toContain(first);

    const zonesUrl = '/api/v1/streams/cam1/zones';
    const bowtie = structuredClone(zonesFile);
    bowtie.features[0]!.geometry.coordinates[0] = [
      [0.1, 0.1],
      [0.9, 0.9],
      [0.9, 0.1],
      [0.1, 0.9],
      [0.1, 0.1],
    ];
    const crossing = await fx.app.inject({ method: 'PUT', url: zonesUrl, headers: fx.as.operator, payload: bowtie });
    expect(crossing.statusCode).toBe(400);
    let cliMessage = '';
    try {
      parseZones(JSON.stringify(bowtie), 'stream cam1 zones');
    } catch (error) {
      if (isRaqibError(error, 'ZONES_INVALID')) cliMessage = error.message;
    }
    expect(cliMessage).toMatch(/crosses itself/);
    expect(crossing.json().error).toEqual({ code: 'ZONES_INVALID', message: cliMessage });
    const good = zonesFile;
    const put = await fx.app.inject({ method: 'PUT', url: zonesUrl, headers: fx.as.operator, payload: good });
    expect(put.statusCode).toBe(200);
    expect((await fx.app.inject({ method: 'GET', url: zonesUrl, headers: fx.as.viewer })).json().document).toEqual(
      good,
    );

    const rules = await fx.app.inject({
      method: 'PUT',
      url: '/api/v1/streams/cam1/rules',
      headers: admin,
      payload: { zones: { plaza: { density: { warning: { raise: 'high' } } } } },
    });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error.code).toBe('RULES_INVALID');
    expect(rules.json().error.message).toMatch(/^stream cam1 rules: zones.plaza.density.warning.raise: .*got "high"/);
  });

  it('serves readings by zone and time range', async () => {
    const sampler = new ReadingDownsampler('cam1');
    const buckets = [];
    for (let frame = 0; frame < 100; frame++) {
      buckets.push(
        ...sampler.add(T0 + frame * 500, [{ zoneId: 'plaza', kind: 'area', count: frame, densityPerM2: 1 }]),
      );
    }
    await fx.store.putReadings(buckets);
    const response = await fx.app.inject({
      method: 'GET',
      url: `/api/v1/streams/cam1/readings?zone=plaza&from=${new Date(T0 + 10_000).toISOString()}&to=${T0 + 15_000}`,
      headers: fx.as.viewer,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(
      body.buckets.map((b: { bucketStartMs: number; countMean: number }) => [b.bucketStartMs - T0, b.countMean]),
    ).toEqual([
      [10_000, 20.5],
      [11_000, 22.5],
      [12_000, 24.5],
      [13_000, 26.5],
      [14_000, 28.5],
    ]);
    const badTime = await fx.app.inject({
      method: 'GET',
      url: '/api/v1/streams/cam1/readings?from=yesterday',
      headers: fx.as.viewer,
    });
    expect(badTime.json().error.message).toMatch(/query.from: expected Unix milliseconds or an ISO 8601 date-time/);
    const missing = await fx.app.inject({ method: 'GET', url: '/api/v1/streams/nope/readings', headers: fx.as.viewer });
    expect(missing.statusCode).toBe(404);
  });

  it("serves an event's fused readings (stored by its aggregator under event:<id>)", async () => {
    const sampler = new ReadingDownsampler('event:derby');
    const buckets = [];
    for (let step = 0; step < 10; step++) {
      buckets.push(...sampler.add(T0 + step * 500, [{ zoneId: 'event', kind: 'frame', count: 100 + step }]));
    }
    await fx.store.putReadings(buckets);
    const response = await fx.app.inject({
      method: 'GET',
      url: `/api/v1/events/derby/readings?zone=event&from=${T0}&to=${T0 + 3000}`,
      headers: fx.as.viewer,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ eventId: 'derby', streamId: 'event:derby' });
    expect(response.json().buckets.map((b: { countMean: number }) => b.countMean)).toEqual([100.5, 102.5, 104.5]);
    const missing = await fx.app.inject({ method: 'GET', url: '/api/v1/events/nope/readings', headers: fx.as.viewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe("event 'nope' does not exist");
  });

  it('runs the alert workflow: a viewer cannot acknowledge, an operator can, every action is audited', async () => {
    const events = rampAlertEvents('cam1');
    for (const event of events) await fx.store.recordAlertEvent(event, T0);
    const open = await fx.app.inject({ method: 'GET', url: '/api/v1/alerts?state=open', headers: fx.as.viewer });
    const alerts = open.json();
    expect(alerts.length).toBe(events.filter((e) => e.type !== 'cleared').length);
    const id = encodeURIComponent(alerts[0].id);
    const viewer = await fx.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/ack`, headers: fx.as.viewer });
    expect(viewer.statusCode).toBe(403);
    const ack = await fx.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/ack`,
      headers: fx.as.operator,
      payload: { note: 'on it' },
    });
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
    const assign = await fx.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/assign`,
      headers: fx.as.operator,
      payload: { assignee: 'steward-7' },
    });
    expect(assign.json()).toMatchObject({ status: 'assigned', assignee: 'steward-7' });
    const resolve = await fx.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/resolve`,
      headers: fx.as.operator,
    });
    expect(resolve.json()).toMatchObject({ status: 'resolved' });
    const again = await fx.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/resolve`, headers: fx.as.operator });
    expect(again.statusCode).toBe(409);
    const stillOpen = await fx.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: fx.as.viewer });
    expect(stillOpen.json()).toHaveLength(alerts.length - 1);
    const all = await fx.app.inject({ method: 'GET', url: '/api/v1/alerts?state=all', headers: fx.as.viewer });
    expect(all.json()).toHaveLength(alerts.length);
    const detail = await fx.app.inject({ method: 'GET', url: `/api/v1/alerts/${id}`, headers: fx.as.viewer });
    expect(
      detail
        .json()
        .history.slice(-3)
        .map((h: { kind: string; actor: string }) => h.kind),
    ).toEqual(['acknowledged', 'assigned', 'resolved']);
    const audit = await fx.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers: fx.as.admin });
    const actions = audit.json().map((row: { action: string }) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.acknowledge', 'alert.assign', 'alert.resolve']));
    const verify = await fx.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: fx.as.admin });
    expect(verify.json()).toMatchObject({ ok: true, rows: actions.length });
  });

  it('answers bad requests with {"error":{"code","message"}} and never a stack trace', async () => {
    const cases = [
      { payload: '{"id": ', headers: { 'content-type': 'application/json' }, status: 400, code: 'INPUT_INVALID' },
      { payload: 'id=1', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      {
        payload: JSON.stringify({ id: 'big', name: 'x'.repeat(2 * 1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        payload: '{"id":"p","name":"x","__proto__":{"admin":true}}',
        headers: { 'content-type': 'application/json' },
        status: 400,
        code: 'INPUT_INVALID',
      },
    ];
    for (const { payload, headers, status, code } of cases) {
      const response = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { ...fx.as.admin, ...headers },
        payload,
      });
      expect(response.statusCode, code).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(response.body).not.toMatch(/at .*\.js:\d+/);
    }
    const unknown = await fx.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: fx.as.admin });
    expect(unknown.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'no route GET /api/v1/nothing-here' },
    });
  });
});
