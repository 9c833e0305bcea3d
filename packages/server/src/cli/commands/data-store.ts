import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';

/** The `--data DIR` option shared by the commands that use the server's store. */
export const dataOption = {
  type: 'string',
  description: 'Data folder of the server (SQLite database raqib.db inside)',
  default: 'data',
  valueName: 'DIR',
} as const;

/**
 * Opens the store of a data folder, migrating it when needed. Only commands that add something
 * create a missing database; the others refuse it, so a mistyped --data is not a silent empty store.
 */
export function openDataStore(dataDir: string, { create }: { create: boolean }): SqliteStore {
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
