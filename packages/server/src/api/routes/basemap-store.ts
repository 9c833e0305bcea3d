import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RaqibError } from '@raqib/core';
import { HttpError } from '../http-error.js';

export const BASEMAP_MEDIA_TYPES = ['image/png', 'image/jpeg', 'application/vnd.pmtiles'] as const;
export type BasemapMediaType = (typeof BASEMAP_MEDIA_TYPES)[number];

/**
 * An image is decoded whole by the browser and uploaded to the GPU as one texture: 32 MiB of PNG is
 * already ~8000 x 8000 px. PMTiles archives are read by ranges, so they may be far larger.
 */
export function maxBasemapBytes(type: BasemapMediaType): number {
  return type === 'application/vnd.pmtiles' ? 512 * 2 ** 20 : 32 * 2 ** 20;
}

const EXTENSION: Record<BasemapMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/vnd.pmtiles': 'pmtiles',
};

const PMTILES_TILE_TYPES = [null, 'mvt', 'png', 'jpeg', 'webp', 'avif'] as const;

export type LngLat = [number, number];

export interface BasemapMeta {
  eventId: string;
  kind: 'image' | 'pmtiles';
  mediaType: BasemapMediaType;
  bytes: number;
  corners: LngLat[] | null;
  bounds: [number, number, number, number] | null;
  tileType: string | null;
  minZoom: number | null;
  maxZoom: number | null;
  uploadedAtMs: number;
  uploadedBy: string;
  url: string;
}

/**
 * `corners=lng,lat,lng,lat,lng,lat,lng,lat` (top-left, top-right, bottom-right, bottom-left), checked
 * to be coordinates, distinct and not folded (the image would be drawn inside out).
 */
export function parseCorners(text: string | undefined): LngLat[] {
  const fix = 'give ?corners=lng,lat,lng,lat,lng,lat,lng,lat (top-left, top-right, bottom-right, bottom-left)';
  if (text === undefined) throw new HttpError(400, 'INPUT_INVALID', `query.corners: required for an image; ${fix}`);
  const numbers = text.split(',').map((part) => Number(part.trim()));
  if (numbers.length !== 8 || numbers.some((n) => !Number.isFinite(n))) {
    throw new HttpError(400, 'INPUT_INVALID', `query.corners: expected 8 numbers, got '${text.slice(0, 80)}'; ${fix}`);
  }
  const corners: LngLat[] = [0, 2, 4, 6].map((i) => [numbers[i]!, numbers[i + 1]!]);
  corners.forEach(([lng, lat], i) => {
    if (Math.abs(lng) > 180 || Math.abs(lat) > 85) {
      throw new HttpError(
        400,
        'INPUT_INVALID',
        `query.corners: corner ${i + 1} (${lng}, ${lat}) is not a longitude within ±180 and a latitude within ±85; ${fix}`,
      );
    }
  });
  // Shoelace area in degrees², sign by orientation: the TL, TR, BR, BL order runs clockwise on a map.
  let twiceArea = 0;
  for (let i = 0; i < 4; i++) {
    const [x0, y0] = corners[i]!;
    const [x1, y1] = corners[(i + 1) % 4]!;
    twiceArea += x0 * y1 - x1 * y0;
  }
  if (!(twiceArea < -1e-14)) {
    throw new HttpError(
      400,
      'INPUT_INVALID',
      'query.corners: the corners do not run top-left, top-right, bottom-right, bottom-left (clockwise seen from above) or enclose no area; ' +
        fix,
    );
  }
  return corners;
}

/** What the first bytes must be for each type (the content type alone is the client's word). */
function checkMagic(type: BasemapMediaType, head: Buffer): string | undefined {
  if (
    type === 'image/png' &&
    !head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'the body is not a PNG file (no PNG signature)';
  if (type === 'image/jpeg' && !(head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff))
    return 'the body is not a JPEG file (no JPEG start marker)';
  if (type === 'application/vnd.pmtiles') {
    if (head.length < 127 || head.toString('latin1', 0, 7) !== 'PMTiles') return 'the body is not a PMTiles archive';
    if (head[7] !== 3) return `PMTiles version ${head[7]} is not supported; convert it with 'pmtiles convert' to v3`;
  }
  return undefined;
}

/** Bounds, zooms and tile type from a PMTiles v3 header (127 bytes, little-endian). */
function pmtilesHeader(head: Buffer): Pick<BasemapMeta, 'bounds' | 'tileType' | 'minZoom' | 'maxZoom'> {
  const e7 = (offset: number) => head.readInt32LE(offset) / 1e7;
  return {
    bounds: [e7(102), e7(106), e7(110), e7(114)],
    tileType: PMTILES_TILE_TYPES[head[99]!] ?? null,
    minZoom: head[100]!,
    maxZoom: head[101]!,
  };
}

/** Base maps on disk: `<dataDir>/basemaps/<eventId>/basemap.<ext>` and its `basemap.json`. */
export function basemapStore(dataDir: string) {
  // Event ids are checked by idSchema (letters, digits, "-", "_", ".", ":"; never "/" or "..").
  const folder = (eventId: string) => join(dataDir, 'basemaps', eventId.replaceAll(':', '_'));
  const metaPath = (eventId: string) => join(folder(eventId), 'basemap.json');
  const filePath = (eventId: string, meta: Pick<BasemapMeta, 'mediaType'>) =>
    join(folder(eventId), `basemap.${EXTENSION[meta.mediaType]}`);

  async function meta(eventId: string): Promise<BasemapMeta | undefined> {
    try {
      return JSON.parse(await readFile(metaPath(eventId), 'utf8')) as BasemapMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  return {
    meta,

    /** Streams the body to a temporary file (counting bytes), checks it, then replaces the old one. */
    async save(
      eventId: string,
      mediaType: BasemapMediaType,
      corners: LngLat[] | null,
      body: Readable,
      actor: string,
      nowMs: number,
    ): Promise<BasemapMeta> {
      const dir = folder(eventId);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `upload-${randomBytes(6).toString('hex')}.tmp`);
      const limit = maxBasemapBytes(mediaType);
      let bytes = 0;
      const head: Buffer[] = [];
      let headBytes = 0;
      try {
        await new Promise<void>((done, fail) => {
          const out = createWriteStream(tmp);
          out.on('error', fail);
          out.on('finish', () => done());
          body.on('error', fail);
          body.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (headBytes < 127) {
              head.push(chunk);
              headBytes += chunk.length;
            }
            if (bytes > limit) {
              // Stop reading (the rest is never buffered); the 413 goes out with `connection: close`.
              body.unpipe(out);
              body.pause();
              out.destroy();
              fail(
                new HttpError(
                  413,
                  'PAYLOAD_TOO_LARGE',
                  `a ${mediaType} base map may have at most ${limit} bytes (reduce its resolution, or tile it as PMTiles)`,
                ),
              );
            }
          });
          body.pipe(out);
        });
        const first = Buffer.concat(head).subarray(0, 127);
        if (bytes === 0) throw new HttpError(400, 'INPUT_INVALID', 'the body is empty; send the file itself');
        const wrong = checkMagic(mediaType, first);
        if (wrong) throw new HttpError(400, 'INPUT_INVALID', `${wrong}; send the file with its own content-type`);
        const tiles =
          mediaType === 'application/vnd.pmtiles'
            ? pmtilesHeader(first)
            : { bounds: boundsOf(corners!), tileType: null, minZoom: null, maxZoom: null };
        const record: BasemapMeta = {
          eventId,
          kind: mediaType === 'application/vnd.pmtiles' ? 'pmtiles' : 'image',
          mediaType,
          bytes,
          corners,
          ...tiles,
          uploadedAtMs: nowMs,
          uploadedBy: actor,
          url: `/api/v1/events/${encodeURIComponent(eventId)}/basemap/file`,
        };
        const previous = await meta(eventId);
        await rename(tmp, filePath(eventId, record));
        await writeFile(metaPath(eventId) + '.tmp', JSON.stringify(record));
        await rename(metaPath(eventId) + '.tmp', metaPath(eventId));
        if (previous && previous.mediaType !== mediaType) await rm(filePath(eventId, previous), { force: true });
        return record;
      } finally {
        await rm(tmp, { force: true });
      }
    },

    /** Bytes `start`..`end` (inclusive) of the stored file, as a stream (archives can be large). */
    read(eventId: string, record: BasemapMeta, start: number, end: number): ReadStream {
      return createReadStream(filePath(eventId, record), { start, end });
    },

    async remove(eventId: string): Promise<void> {
      const record = await meta(eventId);
      if (!record) throw new RaqibError('NOT_FOUND', `event '${eventId}' has no base map`);
      await rm(metaPath(eventId), { force: true });
      await rm(filePath(eventId, record), { force: true });
    },
  };
}

function boundsOf(corners: LngLat[]): [number, number, number, number] {
  const lngs = corners.map((c) => c[0]);
  const lats = corners.map((c) => c[1]);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}
