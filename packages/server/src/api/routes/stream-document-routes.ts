import { parseRulesConfig, parseZones, RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import type { Role } from '../../storage/store-records.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { idParams } from '../api-schemas.js';

const documentSchema = z.object({
  streamId: z.string(),
  document: z.unknown(),
  updatedAtMs: z.number(),
  updatedBy: z.string(),
});

/**
 * GET/PUT/DELETE of a stream's zones or rules file. PUT validates exactly like the CLI's
 * `--zones`/`--rules` files (the same parsers, the same messages) and stores the document as sent.
 */
function documentRoutes(kind: 'zones' | 'rules', editRole: Role, describeBody: string): ApiRoute[] {
  const url = `/api/v1/streams/:id/${kind}`;
  const validate = (streamId: string, body: unknown) => {
    const source = `stream ${streamId} ${kind}`;
    if (kind === 'zones') parseZones(JSON.stringify(body), source);
    else parseRulesConfig(body, source);
  };
  return [
    defineRoute({
      method: 'GET',
      url,
      summary: `The stream’s ${kind} file.`,
      tag: kind,
      access: 'viewer',
      params: idParams,
      response: documentSchema,
      handler: async ({ params, deps }) => {
        const stored = kind === 'zones' ? await deps.store.getZones(params.id) : await deps.store.getRules(params.id);
        if (!stored) throw new RaqibError('NOT_FOUND', `stream '${params.id}' has no ${kind}`);
        return stored;
      },
    }),
    defineRoute({
      method: 'PUT',
      url,
      summary: `Replaces the stream’s ${kind} file (validated like the CLI’s --${kind} file).`,
      tag: kind,
      access: editRole,
      params: idParams,
      body: z.record(z.string(), z.unknown()).describe(describeBody),
      response: documentSchema,
      handler: async ({ params, body, principal, deps }) => {
        if (!(await deps.store.getStream(params.id))) {
          throw new RaqibError('NOT_FOUND', `stream '${params.id}' does not exist`);
        }
        validate(params.id, body);
        return kind === 'zones'
          ? deps.store.setZones(params.id, body, principal!.actor)
          : deps.store.setRules(params.id, body, principal!.actor);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url,
      summary: `Removes the stream’s ${kind} file.`,
      tag: kind,
      access: editRole,
      params: idParams,
      handler: async ({ params, principal, deps }) => {
        if (kind === 'zones') await deps.store.deleteZones(params.id, principal!.actor);
        else await deps.store.deleteRules(params.id, principal!.actor);
        return undefined;
      },
    }),
  ];
}

export const streamDocumentRoutes = [
  ...documentRoutes('zones', 'operator', 'A GeoJSON FeatureCollection of zones, as in docs/formats.md.'),
  ...documentRoutes('rules', 'admin', 'An alert rules document, as in docs/alerts.md (the YAML file as JSON).'),
];
