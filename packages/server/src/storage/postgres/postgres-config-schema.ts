import { z } from 'zod';

const urlOf = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};

/**
 * `storage.postgres:` use PostgreSQL instead of the embedded SQLite file. The password never goes
 * in the file: give it in RAQIB_POSTGRES_URL (which replaces `url`) or PGPASSWORD.
 */
export const postgresConfigSchema = z
  .object({
    url: z
      .string()
      .refine((text) => /^postgres(ql)?:$/.test(urlOf(text)?.protocol ?? ''), 'expected a postgres:// URL')
      .refine(
        (text) => !urlOf(text)?.password && !/password=/i.test(text),
        'a password does not belong in the file: give it in RAQIB_POSTGRES_URL or PGPASSWORD',
      )
      .optional()
      .describe('postgres://USER@HOST:5432/DATABASE (RAQIB_POSTGRES_URL, with the password, replaces it).'),
    poolSize: z.number().int().min(1).max(200).default(10).describe('Connections of this node to PostgreSQL.'),
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('How long a call waits for a connection before it fails as unreachable.'),
    maxBufferedReadings: z
      .number()
      .int()
      .min(0)
      .max(10_000_000)
      .default(200_000)
      .describe(
        'Reading buckets kept in memory while PostgreSQL is unreachable (about 200 bytes each); the oldest go first, alerts are always kept.',
      ),
  })
  .strict();

export type PostgresConfig = z.infer<typeof postgresConfigSchema>;
