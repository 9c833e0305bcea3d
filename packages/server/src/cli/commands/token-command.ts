import { RaqibError } from '@raqib/core';
import { createApiToken, parseRole } from '../../auth/user-accounts.js';
import { ROLES } from '../../storage/store-records.js';
import { defineCommand } from '../command-spec.js';
import { cliActor, dataOption, openDataStore } from './data-store.js';

const ACTIONS = ['create', 'list', 'revoke'];

export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'Create, list and revoke API tokens (sent as Authorization: Bearer TOKEN)',
  usage: '<create|list|revoke> [ID] [options]',
  positionals: { name: 'action', required: true },
  options: {
    role: { type: 'string', description: 'Role of a new token', choices: ROLES, default: 'viewer', valueName: 'ROLE' },
    name: {
      type: 'string',
      description: 'What the token is for (shown in lists and the audit log)',
      valueName: 'TEXT',
    },
    'expires-days': { type: 'number', description: 'Days until the token expires (default: never)', valueName: 'N' },
    data: dataOption,
  },
  examples: [
    'raqib token create --role viewer --name "wall display"',
    'raqib token list',
    'raqib token revoke Ab3dEf6hIj9k',
  ],
  async run({ positionals, options, io }) {
    const [action, id, ...extra] = positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new RaqibError('USAGE', `raqib token: unknown action '${action}'; use one of ${ACTIONS.join(', ')}`);
    }
    if (extra.length > 0) throw new RaqibError('USAGE', `raqib token ${action}: unexpected argument '${extra[0]}'`);
    const days = options['expires-days'];
    if (days !== undefined && !(days > 0)) {
      throw new RaqibError('USAGE', `raqib token: --expires-days must be a positive number, got ${days}`);
    }
    const store = await openDataStore(options.data, { create: action === 'create' });
    try {
      if (action === 'create') {
        const role = parseRole(options.role, '--role');
        const { token, record } = await createApiToken(
          store,
          {
            name: options.name ?? `${role} token`,
            role,
            ...(days !== undefined ? { expiresAtMs: Date.now() + days * 86_400_000 } : {}),
          },
          cliActor(),
        );
        io.stderr.write(`created token ${record.id} (${record.role}); it is shown once, store it now:\n`);
        io.stdout.write(`${token}\n`);
        return 0;
      }
      if (action === 'list') {
        for (const token of await store.listApiTokens()) {
          const state =
            token.revokedAtMs !== null
              ? 'revoked'
              : token.expiresAtMs !== null && token.expiresAtMs <= Date.now()
                ? 'expired'
                : 'active';
          io.stdout.write(`${token.id}  ${token.role.padEnd(8)} ${state.padEnd(8)} ${token.name}\n`);
        }
        return 0;
      }
      if (!id) throw new RaqibError('USAGE', 'raqib token revoke: missing ID (see raqib token list)');
      await store.revokeApiToken(id, cliActor());
      io.stdout.write(`revoked ${id}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
