import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import { liveTelemetryBodySchema, telemetrySamplesOf } from '../../live/live-telemetry-sample.js';
import { refusedText } from '../../live/live-telemetry.js';
import { defineRoute } from '../api-route.js';
import { idParams } from '../api-schemas.js';
import { HttpError } from '../http-error.js';

/**
 * Live telemetry pushed by a ground station or the drone app's companion (DJI .SRT fields): the live
 * pipeline takes the latest sample at or before each frame for its GSD and geo zones. `operator`:
 * a ground station gets an operator API token (`raqib token create --role operator`).
 */
export const telemetryRoutes = [
  defineRoute({
    method: 'POST',
    url: '/api/v1/streams/:id/telemetry',
    summary:
      'Pushes live telemetry of a stream: one sample, or a batch in `samples`. A sample that jumps further than a drone can fly since the last accepted one is refused (400, naming the field).',
    tag: 'streams',
    access: 'operator',
    params: idParams,
    body: liveTelemetryBodySchema,
    response: z.object({
      accepted: z.number().describe('Samples kept for the live pipeline.'),
      skipped: z
        .number()
        .describe(
          'Samples not newer than the stream’s latest (e.g. a retried batch), or too old to apply to any frame.',
        ),
      reanchored: z
        .boolean()
        .describe(
          'Refused samples in a row that agreed with each other replaced a last accepted sample that was the glitch.',
        ),
    }),
    handler: async ({ params, body, deps }) => {
      if (!(await deps.store.getStream(params.id))) {
        throw new RaqibError('NOT_FOUND', `stream '${params.id}' does not exist`);
      }
      if (!deps.telemetry) throw new RaqibError('NOT_FOUND', 'live telemetry is not running on this server');
      const result = deps.telemetry.push(params.id, telemetrySamplesOf(body, deps.nowMs()), 'http');
      if (result.refused.length > 0) {
        throw new HttpError(400, 'INPUT_INVALID', refusedText(result, body.samples !== undefined, 'body'));
      }
      return { accepted: result.accepted, skipped: result.skipped, reanchored: result.reanchored };
    },
  }),
];
