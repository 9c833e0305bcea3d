import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import type { Store } from '../../storage/store.js';
import { eventStreamId, RESOLUTION_MS } from '../../storage/store-records.js';
import { defineRoute } from '../api-route.js';
import { idParams, idSchema, timeQuery } from '../api-schemas.js';

const bucketSchema = z.object({
  zoneId: z.string(),
  resolution: z.enum(['1s', '1m']),
  bucketStartMs: z.number(),
  samples: z.number(),
  countMean: z.number(),
  countMax: z.number(),
  densityPerM2Mean: z.number().nullable(),
  peakLocalDensityPerM2Max: z.number().nullable(),
  inCount: z.number().nullable(),
  outCount: z.number().nullable(),
  meanSpeedMPerS: z.number().nullable(),
});

/** Most buckets one request returns (a day of minutes for 7 zones). */
const MAX_BUCKETS = 10_000;

const readingsQuery = z
  .object({
    zone: idSchema.optional().describe('Only this zone.'),
    from: timeQuery.optional().describe('Start (inclusive); default: 15 min (1s) or 24 h (1m) before `to`.'),
    to: timeQuery.optional().describe('End (exclusive); default: now.'),
    resolution: z.enum(['1s', '1m']).default('1s'),
    limit: z.coerce.number().int().min(1).max(MAX_BUCKETS).default(MAX_BUCKETS),
  })
  .strict();

/** The stored buckets of one (pseudo-)stream for a readings query. */
async function readBuckets(store: Store, streamId: string, query: z.infer<typeof readingsQuery>, nowMs: number) {
  const toMs = query.to ?? nowMs;
  const fromMs = query.from ?? toMs - (query.resolution === '1s' ? 15 * 60_000 : 86_400_000);
  if (fromMs >= toMs) throw new RaqibError('INPUT_INVALID', 'query.from: must be before query.to');
  const buckets = await store.listReadings({
    streamId,
    resolution: query.resolution,
    fromMs: Math.floor(fromMs / RESOLUTION_MS[query.resolution]) * RESOLUTION_MS[query.resolution],
    toMs,
    limit: query.limit,
    ...(query.zone !== undefined ? { zoneId: query.zone } : {}),
  });
  return { fromMs, toMs, buckets: buckets.map(({ streamId: _streamId, ...bucket }) => bucket) };
}

export const readingRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/streams/:id/readings',
    summary: 'Zone readings of a stream over a time range, per second or per minute.',
    tag: 'readings',
    access: 'viewer',
    params: idParams,
    query: readingsQuery,
    response: z.object({ streamId: z.string(), fromMs: z.number(), toMs: z.number(), buckets: z.array(bucketSchema) }),
    handler: async ({ params, query, deps }) => {
      if (!(await deps.store.getStream(params.id))) {
        throw new RaqibError('NOT_FOUND', `stream '${params.id}' does not exist`);
      }
      return { streamId: params.id, ...(await readBuckets(deps.store, params.id, query, deps.nowMs())) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/events/:id/readings',
    summary:
      'Event-wide readings over a time range, per second or per minute: zone `event` is the de-duplicated ' +
      'total of all drones (people counted once where footprints overlap), the others the `scope: event` geo zones.',
    tag: 'readings',
    access: 'viewer',
    params: idParams,
    query: readingsQuery,
    response: z.object({
      eventId: z.string(),
      streamId: z.string().describe('The pseudo-stream the event readings and alerts are stored under.'),
      fromMs: z.number(),
      toMs: z.number(),
      buckets: z.array(bucketSchema),
    }),
    handler: async ({ params, query, deps }) => {
      if (!(await deps.store.getEvent(params.id))) {
        throw new RaqibError('NOT_FOUND', `event '${params.id}' does not exist`);
      }
      const streamId = eventStreamId(params.id);
      return { eventId: params.id, streamId, ...(await readBuckets(deps.store, streamId, query, deps.nowMs())) };
    },
  }),
];
