import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { openServerStore } from '../../serve/open-server-store.js';
import type { PostgresConfig } from '../../storage/postgres/postgres-config-schema.js';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { Store } from '../../storage/store.js';

/** The `--data DIR` option shared by the commands that use the server's store. */
export const dataOption = {
  type: 'string',
  description: 'Data folder of the server (SQLite database raqib.db inside)',
  default: 'data',
  valueName: 'DIR',
} as const;

/**
 * Opens the server's store, migrating it when needed: PostgreSQL when RAQIB_POSTGRES_URL is set or
 * `postgres` (a config's storage.postgres) is given, as `raqib serve` does; else the SQLite file of
 * the data folder. Only commands that add something create a missing SQLite database; the others
 * refuse it, so a mistyped --data is not a silent empty store.
 */
export async function openDataStore(
  dataDir: string,
  { create, postgres }: { create: boolean; postgres?: PostgresConfig | undefined },
): Promise<Store> {
  const postgresUrl = process.env.RAQIB_POSTGRES_URL;
  if (postgresUrl || postgres) {
    return (await openServerStore({ dataDir, ...(postgres ? { postgres } : {}) }, { postgresUrl })).store;
  }
  const path = join(dataDir, 'raqib.db');
  if (!create && !existsSync(path)) {
    throw new RaqibError('INPUT_NOT_FOUND', `${path}: no Raqib database there; check --data (default: data)`);
  }
  return SqliteStore.open({ path });
}

/** How the audit log names a change made from the command line: `cli:<OS user>`. */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep 'unknown'.
  }
  return `cli:${name}`;
}
