import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import type { StreamRecord } from '../../storage/store-records.js';
import { STREAM_STATES } from '../../storage/store-records.js';
import { rotatePublishKey } from '../../auth/publish-keys.js';
import { defineRoute, type ApiDeps } from '../api-route.js';
import { idParams, idSchema, timeQuery } from '../api-schemas.js';

const SOURCE_PROTOCOLS = ['rtsp:', 'rtsps:', 'srt:', 'http:', 'https:', 'rtmp:', 'rtmps:'];

const sourceUrl = z
  .string()
  .max(2000)
  .refine(
    (text) => {
      try {
        return SOURCE_PROTOCOLS.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL with one of ${SOURCE_PROTOCOLS.map((p) => p.slice(0, -1)).join(', ')}`,
  )
  .nullable()
  .describe('Where the server pulls the video from; null for RTMP push from the drone app.');

const streamSchema = z.object({
  id: idSchema,
  eventId: idSchema,
  name: z.string(),
  sourceUrl: z.string().nullable().describe('Credentials in the URL are shown as ***.'),
  state: z.enum(STREAM_STATES as [string, ...string[]]),
  stateSinceMs: z.number(),
  hasPublishKey: z.boolean().describe('Whether an RTMP publish key is set (POST .../publish-key makes one).'),
  fps: z.number().nullable().describe('Analysed frames per second now; null when not running.'),
  lastFrameAt: z.string().nullable().describe('ISO 8601 time of the last analysed frame.'),
  skippedFrames: z.number().describe('Frames dropped because analysis was busy (latest frame wins).'),
  failedFrames: z
    .number()
    .describe('Frames whose analysis failed (an inference error) and were skipped; 10 in a row restart the stream.'),
  telemetry: z
    .object({
      samples: z.number().describe('Live telemetry samples accepted (HTTP or MQTT).'),
      skippedSamples: z.number().describe('Samples not newer than the latest, or too old for any frame.'),
      refusedSamples: z.number().describe('Samples refused: impossible jumps, clock ahead, invalid MQTT messages.'),
      lastSampleAtMs: z.number().nullable(),
      lastChannel: z.enum(['http', 'mqtt']).nullable(),
      framesWithPose: z
        .number()
        .describe('Analysed frames that got a pose (and so a GSD when it has altitude and lens).'),
      framesStale: z.number().describe('Frames whose latest sample was older than telemetry.maxAgeMs: no GSD.'),
      framesWithoutTelemetry: z.number().describe('Frames analysed before any sample arrived.'),
    })
    .nullable()
    .describe('Live telemetry of the stream; null until it has analysed a frame or received a sample.'),
  notifications: z
    .object({
      sent: z.number().describe('Alert events handed to the notifiers (raqib.yaml notify).'),
      deadLettered: z.number().describe('Of those, undeliverable ones (in <dataDir>/notify-dead-letter.jsonl).'),
    })
    .nullable()
    .describe('Alert notifications of the stream; null when serve has no notify section.'),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});

/** A source URL fit to show: user and password replaced. */
function redactUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '***';
  }
}

function streamView(stream: StreamRecord, deps: ApiDeps) {
  const live = deps.liveStatus?.(stream.id);
  return {
    ...stream,
    state: live?.state ?? stream.state,
    sourceUrl: redactUrl(stream.sourceUrl),
    fps: live?.fps ?? null,
    lastFrameAt: live?.lastFrameAtMs != null ? new Date(live.lastFrameAtMs).toISOString() : null,
    skippedFrames: live?.skippedFrames ?? 0,
    failedFrames: live?.failedFrames ?? 0,
    telemetry: live?.telemetry ?? null,
    notifications: live?.notifications ?? null,
  };
}

const name = z.string().min(1).max(200).describe('Display name.');

export const streamRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/streams',
    summary: 'Lists streams with their supervisor state and live numbers.',
    tag: 'streams',
    access: 'viewer',
    query: z.object({ event: idSchema.optional().describe('Only the streams of this event.') }).strict(),
    response: z.array(streamSchema),
    handler: async ({ query, deps }) =>
      (await deps.store.listStreams(query.event)).map((stream) => streamView(stream, deps)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/streams/:id',
    summary: 'One stream.',
    tag: 'streams',
    access: 'viewer',
    params: idParams,
    response: streamSchema,
    handler: async ({ params, deps }) => {
      const stream = await deps.store.getStream(params.id);
      if (!stream) throw new RaqibError('NOT_FOUND', `stream '${params.id}' does not exist`);
      return streamView(stream, deps);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/streams',
    summary: 'Creates a stream in an event.',
    tag: 'streams',
    access: 'admin',
    body: z.object({ id: idSchema, eventId: idSchema, name, sourceUrl: sourceUrl.optional() }).strict(),
    response: streamSchema,
    status: 201,
    handler: async ({ body, principal, deps }) => {
      const input = { id: body.id, eventId: body.eventId, name: body.name, sourceUrl: body.sourceUrl ?? null };
      return streamView(await deps.store.createStream(input, principal!.actor), deps);
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/v1/streams/:id',
    summary: 'Changes a stream’s name or source URL.',
    tag: 'streams',
    access: 'admin',
    params: idParams,
    body: z.object({ name: name.optional(), sourceUrl: sourceUrl.optional() }).strict(),
    response: streamSchema,
    handler: async ({ params, body, principal, deps }) => {
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return streamView(await deps.store.updateStream(params.id, patch, principal!.actor), deps);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/streams/:id/states',
    summary: 'The stream’s supervisor state transitions over a time range (e.g. "offline since T").',
    tag: 'streams',
    access: 'viewer',
    params: idParams,
    query: z
      .object({
        from: timeQuery.optional().describe('Start (inclusive); default 24 h before `to`.'),
        to: timeQuery.optional().describe('End (exclusive); default now.'),
      })
      .strict(),
    response: z.array(
      z.object({
        state: z.enum(STREAM_STATES as [string, ...string[]]),
        atMs: z.number(),
        reason: z.string().nullable(),
      }),
    ),
    handler: async ({ params, query, deps }) => {
      if (!(await deps.store.getStream(params.id))) {
        throw new RaqibError('NOT_FOUND', `stream '${params.id}' does not exist`);
      }
      const toMs = query.to ?? deps.nowMs();
      const changes = await deps.store.listStreamStates(params.id, query.from ?? toMs - 86_400_000, toMs);
      return changes.map(({ streamId: _streamId, ...change }) => change);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/streams/:id/publish-key',
    summary:
      'Makes a new RTMP publish key for the stream (the old one stops working); the response is the only time it is shown.',
    tag: 'streams',
    access: 'admin',
    params: idParams,
    response: z.object({
      streamId: z.string(),
      publishKey: z.string().describe('The drone app publishes to rtmp://HOST:1935/live/<publishKey>.'),
    }),
    status: 201,
    handler: async ({ params, principal, deps }) => ({
      streamId: params.id,
      publishKey: await rotatePublishKey(deps.store, params.id, principal!.actor),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/streams/:id',
    summary: 'Deletes a stream with its zones and rules (readings and alerts age out by retention).',
    tag: 'streams',
    access: 'admin',
    params: idParams,
    handler: async ({ params, principal, deps }) => {
      await deps.store.deleteStream(params.id, principal!.actor);
      return undefined;
    },
  }),
];
