import { z } from 'zod';

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

/**
 * `nats:` the NATS JetStream cluster that scale-out nodes share (docs/scale.md). Credentials never go
 * in the file: a user and password from the environment (RAQIB_NATS_USER / RAQIB_NATS_PASSWORD by
 * default), or a `.creds` file (JWT + nkey seed) or an nkey seed file, readable by Raqib only.
 */
export const natsConfigSchema = z
  .object({
    servers: z
      .array(
        z
          .string()
          .refine((text) => /^(nats|tls):$/.test(urlOf(text)?.protocol ?? ''), 'expected a nats:// or tls:// URL')
          .refine(
            (text) => !urlOf(text)?.username && !urlOf(text)?.password,
            'credentials do not belong in the URL: use RAQIB_NATS_USER / RAQIB_NATS_PASSWORD or credsFile',
          ),
      )
      .min(1)
      .default(['nats://127.0.0.1:4222'])
      .describe('Seed servers of the cluster, e.g. nats://nats1.example:4222.'),
    site: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1-32 characters of A-Z, a-z, 0-9, _ or -')
      .default('main')
      .describe('Deployment name: subjects are raqib.<site>.*, streams RAQIB_<SITE>_*, so sites can share a cluster.'),
    userEnv: envName('the NATS user name').default('RAQIB_NATS_USER'),
    passwordEnv: envName('the NATS password').default('RAQIB_NATS_PASSWORD'),
    credsFile: z
      .string()
      .min(1)
      .optional()
      .describe('A NATS .creds file (user JWT and nkey seed), instead of a password.'),
    nkeySeedFile: z.string().min(1).optional().describe('A file holding an nkey seed (SU...), instead of a password.'),
    tls: z
      .object({
        caFile: z
          .string()
          .min(1)
          .optional()
          .describe("PEM file of the CA that signed the servers' certificates (default: the system's CAs)."),
        certFile: z
          .string()
          .min(1)
          .optional()
          .describe('PEM client certificate, for servers that verify clients (`tls { verify: true }`).'),
        keyFile: z.string().min(1).optional().describe('PEM private key of certFile, readable by Raqib only.'),
      })
      .strict()
      .refine((tls) => !tls.certFile === !tls.keyFile, 'give certFile and keyFile together')
      .optional()
      .describe('TLS to the servers (also implied by tls:// URLs); a client certificate when the servers ask for one.'),
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('Bound of the first connection; later disconnections are retried for ever.'),
    leaseTtlMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(15_000)
      .describe(
        'A stream whose worker stops renewing its lease is taken by another worker after this; renewed every third of it.',
      ),
    maxStreamBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(1024 ** 3)
      .describe(
        "Size bound of each JetStream stream (live, records); the oldest messages go first. Both must fit the server's max_file_store.",
      ),
    replicas: z
      .union([z.literal(1), z.literal(3), z.literal(5)])
      .default(1)
      .describe(
        'Copies of each JetStream stream and lease bucket: 1 for one server; 3 (or 5) on a JetStream cluster of at least as many servers, so that losing one (two) loses nothing acknowledged.',
      ),
    liveMaxAgeS: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(3600)
      .describe('Per-frame readings, alerts and stream health kept in JetStream for late consumers.'),
    recordsMaxAgeS: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(7 * 86_400)
      .describe(
        'Store records (reading buckets, alert events) kept for the store writer, e.g. while the database is down.',
      ),
  })
  .strict()
  .refine((nats) => !(nats.credsFile && nats.nkeySeedFile), 'give credsFile or nkeySeedFile, not both');

export type NatsConfig = z.infer<typeof natsConfigSchema>;
