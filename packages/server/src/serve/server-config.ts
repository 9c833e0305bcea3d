import { z } from 'zod';
import { DEFAULT_RETENTION } from '../storage/retention-policy.js';

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
        dataDir: z.string().min(1).default('data').describe('Folder of the SQLite database (raqib.db).'),
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
  })
  .strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;

/** The embedded defaults: `raqib serve` with no config file. */
export const DEFAULT_SERVER_CONFIG: ServerConfig = serverConfigSchema.parse({});
