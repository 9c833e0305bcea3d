import { z } from 'zod';
import { natsConfigSchema } from '../bus/nats/nats-config-schema.js';
import { notifyConfigSchema, notifyPolicyProblems } from '../notify/notify-config-schema.js';
import { postgresConfigSchema } from '../storage/postgres/postgres-config-schema.js';
import { DEFAULT_RETENTION } from '../storage/retention-policy.js';

const urlOf = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};
const envName = (what: string) =>
  z
    .string()
    .regex(/^RAQIB_[A-Z0-9_]+$/, 'expected the NAME of an environment variable starting with RAQIB_')
    .describe(`Name of the environment variable that holds ${what} (secrets never go in the file).`);

/** `telemetry:` live telemetry of the streams (pushed over HTTP, or read from an MQTT broker). */
const telemetrySection = z
  .object({
    maxAgeMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(5000)
      .describe('A frame whose latest telemetry sample is older than this gets no GSD (counted as stale).'),
    mqtt: z
      .object({
        url: z
          .string()
          .url('expected an absolute URL')
          .refine((text) => /^mqtts?:$/.test(urlOf(text)?.protocol ?? ''), 'expected an mqtt:// or mqtts:// URL')
          .refine((text) => !urlOf(text)?.username && !urlOf(text)?.password, 'credentials do not belong in the URL')
          .describe('The broker, e.g. mqtt://127.0.0.1:1883.'),
        topicPrefix: z
          .string()
          .min(1)
          .regex(/^[^#+]+$/, 'expected a topic without wildcards (+, #)')
          .default('raqib/streams')
          .describe('Telemetry of stream ID is read from <topicPrefix>/ID/telemetry.'),
        clientId: z.string().min(1).max(64).optional().describe('MQTT client id (default: raqib-telemetry-<random>).'),
        usernameEnv: envName('the broker user name').optional(),
        passwordEnv: envName('the broker password').optional(),
        connectTimeoutMs: z
          .number()
          .int()
          .min(100)
          .max(60_000)
          .default(5000)
          .describe('Bound of one connection attempt.'),
        reconnectMs: z
          .number()
          .int()
          .min(100)
          .max(600_000)
          .default(5000)
          .describe('Wait between reconnection attempts.'),
      })
      .strict()
      .optional()
      .describe('Subscribe to live telemetry on this MQTT broker.'),
  })
  .strict()
  .default({});

/**
 * `notify:` where live alerts go: the document of `raqib analyze --notify FILE` (notify-config-schema.ts,
 * docs/notifications.md), plus `events` to notify for some events only. Dead letters go to
 * `<dataDir>/notify-dead-letter.jsonl` unless `deadLetterFile` names another.
 */
const notifySection = notifyConfigSchema
  .extend({
    events: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Only alerts of streams in these events (ids); default every event.'),
  })
  .superRefine((notify, ctx) => {
    for (const problem of notifyPolicyProblems(notify)) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional();

const days = (what: string, fallback: number) =>
  z.number().positive().max(36_500).default(fallback).describe(`Days to keep ${what}.`);

/** `raqib.yaml`: every section strict (an unknown key is an error naming it), every field defaulted. */
export const serverConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 for every interface.'),
        port: z.number().int().min(0).max(65_535).default(8080).describe('TCP port of the API.'),
        tls: z
          .object({
            certFile: z.string().min(1).describe('PEM certificate chain.'),
            keyFile: z.string().min(1).describe('PEM private key.'),
          })
          .strict()
          .optional()
          .describe('Serve HTTPS (and WSS) directly; session cookies are then Secure with the __Host- prefix.'),
        secureCookies: z
          .boolean()
          .default(false)
          .describe(
            'Mark session cookies Secure (__Host- prefix) without tls here: set when a TLS proxy serves Raqib.',
          ),
        trustProxy: z
          .boolean()
          .default(false)
          .describe('Take the client address from X-Forwarded-For (only behind your own reverse proxy).'),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
      })
      .strict()
      .default({}),
    storage: z
      .object({
        dataDir: z
          .string()
          .min(1)
          .default('data')
          .describe('Folder of the SQLite database (raqib.db) and other server files.'),
        postgres: postgresConfigSchema
          .optional()
          .describe('Store in PostgreSQL instead of SQLite (also when RAQIB_POSTGRES_URL is set).'),
      })
      .strict()
      .default({}),
    ingest: z
      .object({
        enabled: z.boolean().default(true).describe('Run the RTMP ingest (nginx with the rtmp module) for drone apps.'),
        host: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('Address the RTMP ingest listens on; 0.0.0.0 for drones on the LAN.'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(1935)
          .describe('RTMP port (drone apps push rtmp://HOST:PORT/live/KEY).'),
      })
      .strict()
      .default({}),
    live: z
      .object({
        fps: z
          .number()
          .positive()
          .max(30)
          .default(2)
          .describe('Analysis rate of each live stream (frames per second).'),
        maxWidthPx: z
          .number()
          .int()
          .min(64)
          .max(7680)
          .default(1920)
          .describe('Wider frames are downscaled to this width first.'),
        modelPath: z.string().min(1).optional().describe('ONNX density model; default the bundled model.'),
        precision: z
          .enum(['auto', 'int8', 'fp32'])
          .default('auto')
          .describe(
            "Model precision: auto = the model's int8 variant (X.int8.onnx) when it was quantised from exactly this model, else fp32.",
          ),
        workers: z
          .number()
          .int()
          .min(1)
          .max(16)
          .default(1)
          .describe('Inference worker threads (one model session each).'),
        threads: z.number().int().min(1).max(64).default(2).describe('Threads of each inference session.'),
      })
      .strict()
      .default({}),
    retention: z
      .object({
        readings1sDays: days('per-second readings', DEFAULT_RETENTION.readings1sDays),
        readings1mDays: days('per-minute readings', DEFAULT_RETENTION.readings1mDays),
        alertsDays: days('resolved or cleared alerts', DEFAULT_RETENTION.alertsDays),
        streamStatesDays: days('stream state transitions', DEFAULT_RETENTION.streamStatesDays),
        sessionsDays: days('ended sessions', DEFAULT_RETENTION.sessionsDays),
      })
      .strict()
      .default({}),
    telemetry: telemetrySection,
    notify: notifySection,
    nats: natsConfigSchema
      .optional()
      .describe('NATS JetStream shared by scale-out nodes (docs/scale.md); absent: one process, no broker.'),
  })
  .strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;

/** The embedded defaults: `raqib serve` with no config file. */
export const DEFAULT_SERVER_CONFIG: ServerConfig = serverConfigSchema.parse({});
