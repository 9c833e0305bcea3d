import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import { BufferedStore } from '../storage/buffered-store.js';
import { redactPostgresUrl } from '../storage/postgres/postgres-errors.js';
import { PostgresStore } from '../storage/postgres/postgres-store.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { Store } from '../storage/store.js';
import type { ServerConfig } from './server-config.js';

export interface ServerStore {
  store: Store;
  /** Where the data is, for the operator: the SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  kind: 'sqlite' | 'postgres';
}

/**
 * The server's store: PostgreSQL when `storage.postgres` is configured or RAQIB_POSTGRES_URL is set
 * (the variable's URL, which may hold the password, wins over the file's), else SQLite in
 * `<dataDir>/raqib.db`. On PostgreSQL, pipeline writes are buffered through outages (BufferedStore).
 */
export async function openServerStore(
  storage: ServerConfig['storage'],
  env: { postgresUrl?: string | undefined } = {},
): Promise<ServerStore> {
  const postgresUrl = env.postgresUrl || storage.postgres?.url;
  if (!storage.postgres && !env.postgresUrl) {
    const path = join(storage.dataDir, 'raqib.db');
    return { store: SqliteStore.open({ path }), location: path, kind: 'sqlite' };
  }
  if (!postgresUrl) {
    throw new RaqibError(
      'CONFIG_INVALID',
      'storage.postgres.url: missing; give postgres://USER@HOST:PORT/DATABASE there or in RAQIB_POSTGRES_URL',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(postgresUrl)) {
    throw new RaqibError(
      'CONFIG_INVALID',
      `RAQIB_POSTGRES_URL: expected a postgres:// URL, got ${redactPostgresUrl(postgresUrl)}`,
    );
  }
  const options = storage.postgres;
  const postgres = await PostgresStore.open({
    url: postgresUrl,
    ...(options ? { poolSize: options.poolSize, connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  const store = new BufferedStore(postgres, {
    ...(options ? { maxBufferedReadings: options.maxBufferedReadings } : {}),
    log: moduleLogger('storage'),
  });
  return { store, location: postgres.location, kind: 'postgres' };
}
