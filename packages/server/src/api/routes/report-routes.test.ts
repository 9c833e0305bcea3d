import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../../report/print-pdf.js';
import { recordDemoEvent } from '../../report/testing/record-demo-event.js';
import { openApiDocument } from '../openapi-document.js';
import { apiFixture, type ApiFixture } from '../testing/api-fixture.js';

const T0 = Date.UTC(2026, 5, 1, 18);
let fx: ApiFixture;
let alertId: string;

beforeAll(async () => {
  fx = await apiFixture();
  await recordDemoEvent(fx.store, { startMs: T0, seconds: 60 });
  const [alert] = await fx.store.listAlerts({ state: 'all', limit: 1 });
  alertId = alert!.id;
  await fx.app.ready();
}, 60_000);
afterAll(() => fx.close());

describe('GET /api/v1/events/:id/report', () => {
  it('returns the report page to a viewer, with the acknowledgement made through the API', async () => {
    const ack = await fx.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${encodeURIComponent(alertId)}/ack`,
      headers: fx.as.operator,
      payload: { note: 'stewards on their way' },
    });
    expect(ack.statusCode).toBe(200);
    const response = await fx.app.inject({ method: 'GET', url: '/api/v1/events/match/report', headers: fx.as.viewer });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(response.body).toContain('<html lang="en" dir="ltr">');
    expect(response.body).toContain('stewards on their way');
    expect(response.body).toMatch(/<bdi>token:[0-9A-Za-z]+<\/bdi>/);

    const arabic = await fx.app.inject({
      method: 'GET',
      url: '/api/v1/events/match/report?lang=ar',
      headers: fx.as.viewer,
    });
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">');
  });

  it('answers 404 naming the known events, and 400 for an unknown language or format', async () => {
    const missing = await fx.app.inject({ method: 'GET', url: '/api/v1/events/final/report', headers: fx.as.viewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'NOT_FOUND', message: "event 'final' does not exist; known events: match" },
    });
    for (const query of ['lang=de', 'format=docx']) {
      const bad = await fx.app.inject({
        method: 'GET',
        url: `/api/v1/events/match/report?${query}`,
        headers: fx.as.viewer,
      });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error.code).toBe('INPUT_INVALID');
    }
  });

  it('returns the PDF with format=pdf', async (context) => {
    if (!(await chromiumAvailable())) {
      expect(process.env.CI, 'Chromium must be installed in CI').not.toBe('true');
      context.skip();
    }
    const response = await fx.app.inject({
      method: 'GET',
      url: '/api/v1/events/match/report?format=pdf&lang=fr',
      headers: fx.as.viewer,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe('inline; filename="raqib-report-match-fr.pdf"');
    expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 90_000);

  it('is documented in OpenAPI as HTML or PDF for viewers', () => {
    const operation = (openApiDocument().paths as Record<string, Record<string, Record<string, unknown>>>)[
      '/api/v1/events/{id}/report'
    ]!.get!;
    expect(operation['x-raqib-role']).toBe('viewer');
    const ok = (operation.responses as Record<string, { content: Record<string, unknown> }>)['200']!;
    expect(Object.keys(ok.content)).toEqual(['text/html', 'application/pdf']);
    expect((operation.parameters as { name: string }[]).map((p) => p.name)).toEqual(['id', 'lang', 'format']);
  });
});
