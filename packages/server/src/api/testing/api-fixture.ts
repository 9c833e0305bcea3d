import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from '../../auth/authenticator.js';
import { createApiToken } from '../../auth/user-accounts.js';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { Role } from '../../storage/store-records.js';
import type { ApiDeps } from '../api-route.js';
import { createApiServer, type ApiServerOptions } from '../create-api-server.js';

export interface ApiFixture {
  app: FastifyInstance;
  store: SqliteStore;
  deps: ApiDeps;
  /** `Authorization` headers of an API token per role. */
  as: Record<Role, { authorization: string }>;
  close(): Promise<void>;
}

/** An API server on a real SQLite file in a temp folder, with one API token per role. */
export async function apiFixture(
  overrides: Partial<ApiDeps> = {},
  options: ApiServerOptions = {},
): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'raqib-api-'));
  const store = SqliteStore.open({ path: join(dir, 'raqib.db') });
  const deps: ApiDeps = { store, auth: new Authenticator(store), nowMs: Date.now, secureCookies: false, ...overrides };
  const app = createApiServer(deps, options);
  const as = {} as ApiFixture['as'];
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const { token } = await createApiToken(store, { name: `test ${role}`, role }, 'system');
    as[role] = { authorization: `Bearer ${token}` };
  }
  return {
    app,
    store,
    deps,
    as,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
