import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi-document.js';
import { API_ROUTES } from './routes/index.js';

describe('openApiDocument', () => {
  const document = openApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };

  it('documents every route with its role, parameters and the error shape', () => {
    for (const route of API_ROUTES) {
      const operation = document.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      expect(operation!['x-raqib-role']).toBe(route.access);
    }
    const readings = document.paths['/api/v1/streams/{id}/readings']!.get!;
    const names = (readings.parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(['path:id', 'query:zone', 'query:from', 'query:to', 'query:resolution', 'query:limit']);
    const ack = document.paths['/api/v1/alerts/{id}/ack']!.post!.responses as Record<string, unknown>;
    expect(Object.keys(ack)).toEqual(['200', '400', '401', '403', '404', '409']);
  });

  it('matches the checked-in docs/openapi.json (run `npm run docs:openapi` after changing routes)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
