import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import { defineRoute } from '../api-route.js';
import { idParams } from '../api-schemas.js';
import { HttpError } from '../http-error.js';
import {
  BASEMAP_MEDIA_TYPES,
  basemapStore,
  maxBasemapBytes,
  parseCorners,
  type BasemapMediaType,
} from './basemap-store.js';

const cornersText =
  'Four corners of the image as `lng,lat` pairs, all eight numbers comma-separated, in the order top-left, top-right, bottom-right, bottom-left (degrees, WGS 84).';

const metaSchema = z.object({
  eventId: z.string(),
  kind: z.enum(['image', 'pmtiles']),
  mediaType: z.string(),
  bytes: z.number(),
  corners: z
    .array(z.tuple([z.number(), z.number()]))
    .nullable()
    .describe('Image corners [lng, lat], top-left, top-right, bottom-right, bottom-left (images only).'),
  bounds: z
    .tuple([z.number(), z.number(), z.number(), z.number()])
    .nullable()
    .describe('[west, south, east, north] in degrees.'),
  tileType: z.string().nullable().describe('PMTiles only: mvt, png, jpeg, webp or avif.'),
  minZoom: z.number().nullable(),
  maxZoom: z.number().nullable(),
  uploadedAtMs: z.number(),
  uploadedBy: z.string(),
  url: z.string().describe('Where the file is served (GET, byte ranges supported).'),
});

function storeOf(dataDir: string | undefined) {
  if (dataDir === undefined) throw new RaqibError('NOT_FOUND', 'this server keeps no uploaded files (no data folder)');
  return basemapStore(dataDir);
}

async function requireEvent(deps: { store: { getEvent(id: string): Promise<unknown> } }, id: string): Promise<void> {
  if (!(await deps.store.getEvent(id))) throw new RaqibError('NOT_FOUND', `event '${id}' does not exist`);
}

/**
 * An event's base map for the dashboard's map page, stored under `<dataDir>/basemaps/<eventId>/`:
 * an orthophoto or site plan (PNG/JPEG with its four corner coordinates) or a PMTiles archive. Served
 * back through the API (byte ranges, as the PMTiles reader needs), so the map needs no internet.
 */
export const basemapRoutes = [
  defineRoute({
    method: 'PUT',
    url: '/api/v1/events/:id/basemap',
    summary:
      'Uploads the event’s base map (replacing any): a PNG or JPEG orthophoto/site plan with `corners`, or a PMTiles archive. The body is the file itself.',
    tag: 'events',
    access: 'operator',
    params: idParams,
    query: z
      .object({
        corners: z
          .string()
          .max(400)
          .optional()
          .describe(cornersText + ' Required for PNG and JPEG.'),
      })
      .strict(),
    consumes: {
      'image/png': `A PNG image, at most ${maxBasemapBytes('image/png') / 2 ** 20} MiB.`,
      'image/jpeg': `A JPEG image, at most ${maxBasemapBytes('image/jpeg') / 2 ** 20} MiB.`,
      'application/vnd.pmtiles': `A PMTiles v3 archive (raster or vector tiles), at most ${maxBasemapBytes('application/vnd.pmtiles') / 2 ** 20} MiB.`,
    },
    response: metaSchema,
    handler: async ({ params, query, deps, request, reply, principal }) => {
      const store = storeOf(deps.dataDir);
      await requireEvent(deps, params.id);
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!BASEMAP_MEDIA_TYPES.includes(mediaType as BasemapMediaType)) {
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `content-type '${mediaType || '(none)'}' is not a base map; send image/png or image/jpeg (with ?corners=) or application/vnd.pmtiles`,
        );
      }
      const type = mediaType as BasemapMediaType;
      const corners = type === 'application/vnd.pmtiles' ? null : parseCorners(query.corners);
      const lengthHeader = Number(request.headers['content-length']);
      if (Number.isFinite(lengthHeader) && lengthHeader > maxBasemapBytes(type)) {
        throw new HttpError(
          413,
          'PAYLOAD_TOO_LARGE',
          `the file has ${lengthHeader} bytes; a ${type} base map may have at most ${maxBasemapBytes(type)} (reduce its resolution, or tile it as PMTiles)`,
        );
      }
      const saved = await store
        .save(params.id, type, corners, request.raw, principal!.actor, deps.nowMs())
        .catch((error: unknown) => {
          // The rest of an oversized body is not read: the connection cannot be reused.
          if (error instanceof HttpError && error.status === 413) void reply.header('connection', 'close');
          throw error;
        });
      await deps.store.appendAudit({
        actor: principal!.actor,
        action: 'basemap.set',
        target: `event:${params.id}`,
        details: { mediaType: saved.mediaType, bytes: saved.bytes, corners: saved.corners, bounds: saved.bounds },
      });
      return saved;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/events/:id/basemap',
    summary: 'The event’s base map: kind, size, corners or bounds, and the URL of the file.',
    tag: 'events',
    access: 'viewer',
    params: idParams,
    response: metaSchema,
    handler: async ({ params, deps }) => {
      const meta = await storeOf(deps.dataDir).meta(params.id);
      if (!meta) throw new RaqibError('NOT_FOUND', `event '${params.id}' has no base map; upload one with PUT`);
      return meta;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/events/:id/basemap/file',
    summary: 'The base map file itself (image or PMTiles); honours one `Range: bytes=a-b`.',
    tag: 'events',
    access: 'viewer',
    params: idParams,
    produces: {
      'image/png': 'The uploaded PNG.',
      'image/jpeg': 'The uploaded JPEG.',
      'application/vnd.pmtiles': 'The PMTiles archive (206 with Content-Range for a range request).',
    },
    handler: async ({ params, deps, request, reply }) => {
      const store = storeOf(deps.dataDir);
      const meta = await store.meta(params.id);
      if (!meta) throw new RaqibError('NOT_FOUND', `event '${params.id}' has no base map; upload one with PUT`);
      const etag = `"${meta.uploadedAtMs.toString(36)}-${meta.bytes.toString(36)}"`;
      void reply
        .type(meta.mediaType)
        .header('etag', etag)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-cache');
      const range = parseRange(request.headers.range, meta.bytes);
      if (range === 'unsatisfiable') {
        void reply.header('content-range', `bytes */${meta.bytes}`);
        throw new HttpError(416, 'INPUT_INVALID', `the range is outside the file's ${meta.bytes} bytes`);
      }
      if (range) {
        void reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${meta.bytes}`)
          .header('content-length', String(range.end - range.start + 1));
        return store.read(params.id, meta, range.start, range.end);
      }
      void reply.header('content-length', String(meta.bytes));
      return store.read(params.id, meta, 0, meta.bytes - 1);
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/events/:id/basemap',
    summary: 'Removes the event’s base map.',
    tag: 'events',
    access: 'operator',
    params: idParams,
    handler: async ({ params, deps, principal }) => {
      await storeOf(deps.dataDir).remove(params.id);
      await deps.store.appendAudit({ actor: principal!.actor, action: 'basemap.delete', target: `event:${params.id}` });
      return undefined;
    },
  }),
];

/** One `bytes=a-b` (or `a-`, or `-n`) range; undefined for none or a form not handled (whole file). */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
