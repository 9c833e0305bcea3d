import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../openapi-document.js';
import { apiFixture, type ApiFixture } from '../testing/api-fixture.js';
import { parseRange } from './basemap-routes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'raqib-basemap-'));
// A site plan's corners: 200 m x 120 m near Mina, north up (TL, TR, BR, BL).
const CORNERS = '39.8900,21.4140,39.8920,21.4140,39.8920,21.4129,39.8900,21.4129';
let fx: ApiFixture;
let png: Buffer;

/** A PMTiles v3 header (127 bytes) with these bounds, zooms and tile type, padded with zeros. */
function pmtiles(bounds: [number, number, number, number], tileType: number, totalBytes = 4096): Buffer {
  const buffer = Buffer.alloc(totalBytes);
  buffer.write('PMTiles', 0, 'latin1');
  buffer[7] = 3;
  buffer[99] = tileType;
  buffer[100] = 12;
  buffer[101] = 19;
  bounds.forEach((value, i) => buffer.writeInt32LE(Math.round(value * 1e7), 102 + 4 * i));
  return buffer;
}

beforeAll(async () => {
  fx = await apiFixture({ dataDir });
  await fx.store.createEvent({ id: 'hajj', name: 'Hajj day 1' }, 'system');
  png = await sharp({ create: { width: 64, height: 40, channels: 3, background: '#28508c' } })
    .png()
    .toBuffer();
  await fx.app.ready();
});
afterAll(async () => {
  await fx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const put = (body: Buffer, type: string, query = '', who: 'viewer' | 'operator' = 'operator') =>
  fx.app.inject({
    method: 'PUT',
    url: `/api/v1/events/hajj/basemap${query}`,
    headers: { ...fx.as[who], 'content-type': type },
    payload: body,
  });

describe('event base map upload', () => {
  it('stores a PNG with its corners, serves it back whole and by range, and audits it', async () => {
    const saved = await put(png, 'image/png', `?corners=${CORNERS}`);
    expect(saved.statusCode).toBe(200);
    const meta = saved.json();
    expect(meta).toMatchObject({
      eventId: 'hajj',
      kind: 'image',
      mediaType: 'image/png',
      bytes: png.length,
      corners: [
        [39.89, 21.414],
        [39.892, 21.414],
        [39.892, 21.4129],
        [39.89, 21.4129],
      ],
      bounds: [39.89, 21.4129, 39.892, 21.414],
      url: '/api/v1/events/hajj/basemap/file',
    });
    expect(meta.uploadedBy).toMatch(/^token:/);
    // Stored on disk under the data folder, no temporary file left.
    expect(readdirSync(join(dataDir, 'basemaps', 'hajj')).sort()).toEqual(['basemap.json', 'basemap.png']);

    const got = await fx.app.inject({ method: 'GET', url: '/api/v1/events/hajj/basemap', headers: fx.as.viewer });
    expect(got.json()).toEqual(meta);
    const file = await fx.app.inject({ method: 'GET', url: meta.url, headers: fx.as.viewer });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(png)).toBe(true);
    const part = await fx.app.inject({
      method: 'GET',
      url: meta.url,
      headers: { ...fx.as.viewer, range: 'bytes=1-3' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1-3/${png.length}`);
    expect(part.body).toBe('PNG');

    const audit = await fx.store.listAudit(0, 1000);
    expect(audit.at(-1)).toMatchObject({ action: 'basemap.set', target: 'event:hajj' });
  });

  it('replaces an image with a PMTiles archive and reads its bounds, zooms and tile type', async () => {
    const archive = pmtiles([39.88, 21.41, 39.9, 21.42], 2);
    const saved = await put(archive, 'application/vnd.pmtiles');
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      kind: 'pmtiles',
      bytes: 4096,
      corners: null,
      bounds: [39.88, 21.41, 39.9, 21.42],
      tileType: 'png',
      minZoom: 12,
      maxZoom: 19,
    });
    expect(existsSync(join(dataDir, 'basemaps', 'hajj', 'basemap.png'))).toBe(false);
    const tail = await fx.app.inject({
      method: 'GET',
      url: '/api/v1/events/hajj/basemap/file',
      headers: { ...fx.as.viewer, range: 'bytes=-96' },
    });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.length).toBe(96);
  });

  it('refuses what is not a base map, with what to do', async () => {
    const cases: [Awaited<ReturnType<typeof put>>, number, RegExp][] = [
      [await put(png, 'image/png'), 400, /^query\.corners: required for an image; give \?corners=/],
      [await put(png, 'image/png', '?corners=1,2,3'), 400, /expected 8 numbers/],
      // Counter-clockwise: the image would be drawn mirrored.
      [
        await put(png, 'image/png', '?corners=39.89,21.4129,39.892,21.4129,39.892,21.414,39.89,21.414'),
        400,
        /do not run top-left, top-right, bottom-right, bottom-left/,
      ],
      [await put(Buffer.from('GIF89a....'), 'image/gif', ''), 415, /^content-type 'image\/gif' is not a base map/],
      [await put(Buffer.from('not a png at all'), 'image/png', `?corners=${CORNERS}`), 400, /not a PNG file/],
      [await put(png, 'application/vnd.pmtiles'), 400, /not a PMTiles archive/],
      [await put(Buffer.alloc(33 * 2 ** 20, 1), 'image/jpeg', `?corners=${CORNERS}`), 413, /at most 33554432/],
    ];
    for (const [response, status, message] of cases) {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error.message).toMatch(message);
    }
    // Without a content-length (chunked), the limit is enforced while streaming to disk.
    const chunked = await fx.app.inject({
      method: 'PUT',
      url: `/api/v1/events/hajj/basemap?corners=${CORNERS}`,
      headers: { ...fx.as.operator, 'content-type': 'image/png' },
      payload: Readable.from(
        (function* () {
          yield png;
          for (let i = 0; i < 33; i++) yield Buffer.alloc(2 ** 20, 7);
        })(),
      ),
    });
    expect(chunked.statusCode).toBe(413);
    expect(chunked.headers['connection']).toBe('close');
    expect(chunked.json().error.message).toMatch(/may have at most 33554432 bytes/);
    expect(readdirSync(join(dataDir, 'basemaps', 'hajj')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // A viewer may look, not upload; an unknown event is named.
    expect((await put(png, 'image/png', `?corners=${CORNERS}`, 'viewer')).statusCode).toBe(403);
    const unknown = await fx.app.inject({
      method: 'PUT',
      url: `/api/v1/events/final/basemap?corners=${CORNERS}`,
      headers: { ...fx.as.operator, 'content-type': 'image/png' },
      payload: png,
    });
    expect(unknown.json().error).toEqual({ code: 'NOT_FOUND', message: "event 'final' does not exist" });
  });

  it('is removed by DELETE, then answers 404', async () => {
    const removed = await fx.app.inject({
      method: 'DELETE',
      url: '/api/v1/events/hajj/basemap',
      headers: fx.as.operator,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await fx.app.inject({ method: 'GET', url: '/api/v1/events/hajj/basemap', headers: fx.as.viewer });
    expect(gone.statusCode).toBe(404);
  });

  it('documents the upload body types in OpenAPI', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: object } }>> };
    expect(Object.keys(doc.paths['/api/v1/events/{id}/basemap']!['put']!.requestBody!.content)).toEqual([
      'image/png',
      'image/jpeg',
      'application/vnd.pmtiles',
    ]);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 100, undefined],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=50-500', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, undefined],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
