import { userInfo } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';

/** The `--data DIR` option shared by the commands that use the server's store. */
export const dataOption = {
  type: 'string',
  description: 'Data folder of the server (SQLite database raqib.db inside)',
  default: 'data',
  valueName: 'DIR',
} as const;

/** Opens (creating and migrating when needed) the store of a data folder. */
export function openDataStore(dataDir: string): SqliteStore {
  return SqliteStore.open({ path: join(dataDir, 'raqib.db') });
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
