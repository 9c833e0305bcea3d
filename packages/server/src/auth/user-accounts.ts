import { RaqibError } from '@raqib/core';
import type { Store } from '../storage/store.js';
import { ROLES, type Actor, type ApiTokenRecord, type Role, type UserRecord } from '../storage/store-records.js';
import { newId } from '../storage/sqlite/sqlite-store.js';
import { checkNewPassword, hashPassword } from './password-hash.js';
import { newApiToken } from './secret-token.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

/** Throws USAGE unless `role` is one of viewer, operator, admin. */
export function parseRole(role: string, where: string): Role {
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  throw new RaqibError('USAGE', `${where}: unknown role '${role}'; use one of ${ROLES.join(', ')}`);
}

/** Creates a user with an Argon2id-hashed password (12-256 characters). */
export async function addUser(
  store: Store,
  input: { username: string; role: Role; password: string },
  actor: Actor,
): Promise<UserRecord> {
  if (!USERNAME.test(input.username)) {
    throw new RaqibError(
      'USAGE',
      `username '${input.username}': use 2-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  checkNewPassword(input.password, `user '${input.username}'`);
  const passwordHash = await hashPassword(input.password);
  return store.createUser({ id: newId(), username: input.username, role: input.role, passwordHash }, actor);
}

/**
 * The first admin from `RAQIB_ADMIN_PASSWORD`: creates user `admin` when the store has no user yet;
 * does nothing otherwise (the variable never overwrites a password).
 * @returns the user created, if any
 */
export async function ensureFirstAdmin(store: Store, password: string | undefined): Promise<UserRecord | undefined> {
  if (password === undefined || password === '') return undefined;
  if ((await store.listUsers()).length > 0) return undefined;
  return addUser(store, { username: 'admin', role: 'admin', password }, 'system:RAQIB_ADMIN_PASSWORD');
}

/** Creates an API token; the token text is returned once and only its hash is stored. */
export async function createApiToken(
  store: Store,
  input: { name: string; role: Role; expiresAtMs?: number },
  actor: Actor,
): Promise<{ token: string; record: ApiTokenRecord }> {
  if (!/^[\w .:-]{1,64}$/.test(input.name)) {
    throw new RaqibError('USAGE', `token name '${input.name}': use 1-64 letters, digits, spaces, '.', ':', '_' or '-'`);
  }
  const { id, token, secretHash } = newApiToken();
  const record = await store.createApiToken(
    {
      id,
      name: input.name,
      role: input.role,
      secretHash,
      ...(input.expiresAtMs ? { expiresAtMs: input.expiresAtMs } : {}),
    },
    actor,
  );
  return { token, record };
}
