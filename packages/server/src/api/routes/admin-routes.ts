import { RaqibError } from '@raqib/core';
import { z } from 'zod/v4';
import { verifyAuditChain } from '../../audit/audit-chain.js';
import { checkNewPassword, hashPassword } from '../../auth/password-hash.js';
import { addUser, createApiToken } from '../../auth/user-accounts.js';
import type { ApiTokenRecord, UserRecord } from '../../storage/store-records.js';
import { defineRoute } from '../api-route.js';
import { roleSchema } from '../api-schemas.js';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  disabledAtMs: z.number().nullable(),
});
const userView = ({ passwordHash: _hash, ...user }: UserRecord) => user;

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAtMs: z.number(),
  createdBy: z.string(),
  expiresAtMs: z.number().nullable(),
  lastUsedAtMs: z.number().nullable(),
  revokedAtMs: z.number().nullable(),
});
const tokenView = ({ secretHash: _hash, ...token }: ApiTokenRecord) => token;

const userParams = z.object({ id: z.string().min(1).max(100) }).strict();

export const adminRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/users',
    summary: 'Lists users (never their password hashes).',
    tag: 'users',
    access: 'admin',
    response: z.array(userSchema),
    handler: async ({ deps }) => (await deps.store.listUsers()).map(userView),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/users',
    summary: 'Creates a user; the password (12-256 characters) is stored as an Argon2id hash.',
    tag: 'users',
    access: 'admin',
    body: z.object({ username: z.string().min(1).max(64), role: roleSchema, password: z.string().max(1024) }).strict(),
    response: userSchema,
    status: 201,
    handler: async ({ body, principal, deps }) => userView(await addUser(deps.store, body, principal!.actor)),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/v1/users/:id',
    summary: 'Changes a user’s role or password, or disables/enables the account (ends its sessions).',
    tag: 'users',
    access: 'admin',
    params: userParams,
    body: z
      .object({
        role: roleSchema.optional(),
        password: z.string().max(1024).optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    response: userSchema,
    handler: async ({ params, body, principal, deps }) => {
      if (principal!.actor === `user:${(await deps.store.getUser(params.id))?.username}` && body.disabled) {
        throw new RaqibError('CONFLICT', 'you cannot disable your own account');
      }
      if (body.password !== undefined) checkNewPassword(body.password, 'body.password');
      const patch = {
        ...(body.role !== undefined ? { role: body.role } : {}),
        ...(body.password !== undefined ? { passwordHash: await hashPassword(body.password) } : {}),
        ...(body.disabled !== undefined ? { disabledAtMs: body.disabled ? deps.nowMs() : null } : {}),
      };
      return userView(await deps.store.updateUser(params.id, patch, principal!.actor));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/tokens',
    summary: 'Lists API tokens (never their secrets).',
    tag: 'tokens',
    access: 'admin',
    response: z.array(tokenSchema),
    handler: async ({ deps }) => (await deps.store.listApiTokens()).map(tokenView),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/tokens',
    summary: 'Creates an API token; the response is the only time its text is shown.',
    tag: 'tokens',
    access: 'admin',
    body: z
      .object({
        name: z.string().min(1).max(64),
        role: roleSchema,
        expiresAtMs: z.number().int().positive().optional().describe('Unix milliseconds; default: never.'),
      })
      .strict(),
    response: tokenSchema.extend({ token: z.string().describe('Send as Authorization: Bearer TOKEN.') }),
    status: 201,
    handler: async ({ body, principal, deps }) => {
      const { token, record } = await createApiToken(deps.store, body, principal!.actor);
      return { ...tokenView(record), token };
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    summary: 'Revokes an API token.',
    tag: 'tokens',
    access: 'admin',
    params: userParams,
    handler: async ({ params, principal, deps }) => {
      await deps.store.revokeApiToken(params.id, principal!.actor);
      return undefined;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit',
    summary: 'Audit log rows in order, after a sequence number.',
    tag: 'audit',
    access: 'admin',
    query: z
      .object({
        after: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.array(
      z.object({
        seq: z.number(),
        atMs: z.number(),
        actor: z.string(),
        action: z.string(),
        target: z.string(),
        details: z.string().describe('JSON text, as hashed.'),
        prevHash: z.string(),
        hash: z.string(),
      }),
    ),
    handler: async ({ query, deps }) => deps.store.listAudit(query.after, query.limit),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit/verify',
    summary: 'Verifies the audit log’s hash chain; names the first row that does not verify.',
    tag: 'audit',
    access: 'admin',
    response: z.object({
      ok: z.boolean(),
      rows: z.number(),
      seq: z.number().optional(),
      problem: z.string().optional(),
      lastHash: z.string().optional(),
    }),
    handler: async ({ deps }) => verifyAuditChain((after) => deps.store.listAudit(after, 1000)),
  }),
];
