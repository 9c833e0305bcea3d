import { RaqibError } from '@raqib/core';
import { hashPassword, checkNewPassword } from '../../auth/password-hash.js';
import { addUser, parseRole } from '../../auth/user-accounts.js';
import { ROLES } from '../../storage/store-records.js';
import { defineCommand } from '../command-spec.js';
import { cliActor, dataOption, openDataStore } from './data-store.js';
import { readSecret } from './read-secret.js';

const ACTIONS = ['add', 'list', 'set-role', 'passwd', 'disable', 'enable'];

export const usersCommand = defineCommand({
  name: 'users',
  summary: 'Manage the server’s users (roles viewer, operator, admin); passwords from stdin or RAQIB_PASSWORD',
  usage: '<add|list|set-role|passwd|disable|enable> [USERNAME] [options]',
  positionals: { name: 'action', required: true },
  options: {
    role: { type: 'string', description: 'Role for add and set-role', choices: ROLES, valueName: 'ROLE' },
    data: dataOption,
  },
  examples: [
    'raqib users add admin --role admin          # asks for the password',
    'printf \'%s\\n\' "$PASS" | raqib users add omar --role operator',
    'raqib users list',
    'raqib users set-role omar --role viewer',
  ],
  async run({ positionals, options, io }) {
    const [action, username, ...extra] = positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new RaqibError('USAGE', `raqib users: unknown action '${action}'; use one of ${ACTIONS.join(', ')}`);
    }
    if (extra.length > 0) throw new RaqibError('USAGE', `raqib users ${action}: unexpected argument '${extra[0]}'`);
    if (action !== 'list' && !username) {
      throw new RaqibError('USAGE', `raqib users ${action}: missing USERNAME (raqib users ${action} NAME)`);
    }
    const store = await openDataStore(options.data, { create: action === 'add' });
    try {
      if (action === 'list') {
        for (const user of await store.listUsers()) {
          const state = user.disabledAtMs === null ? '' : '  (disabled)';
          io.stdout.write(`${user.username.padEnd(24)} ${user.role}${state}\n`);
        }
        return 0;
      }
      const actor = cliActor();
      if (action === 'add') {
        if (!options.role)
          throw new RaqibError('USAGE', 'raqib users add: --role is required (viewer, operator, admin)');
        const password = await readSecret(`Password for ${username}: `, io.stderr);
        const user = await addUser(
          store,
          { username: username!, role: parseRole(options.role, '--role'), password },
          actor,
        );
        io.stdout.write(`added ${user.username} (${user.role})\n`);
        return 0;
      }
      const user = await store.getUserByName(username!);
      if (!user) throw new RaqibError('NOT_FOUND', `user '${username}' does not exist; see 'raqib users list'`);
      if (action === 'set-role') {
        if (!options.role) throw new RaqibError('USAGE', 'raqib users set-role: --role is required');
        await store.updateUser(user.id, { role: parseRole(options.role, '--role') }, actor);
      } else if (action === 'passwd') {
        const password = await readSecret(`New password for ${user.username}: `, io.stderr);
        checkNewPassword(password, `user '${user.username}'`);
        await store.updateUser(user.id, { passwordHash: await hashPassword(password) }, actor);
      } else {
        await store.updateUser(user.id, { disabledAtMs: action === 'disable' ? Date.now() : null }, actor);
      }
      io.stdout.write(`${action}: ${user.username} done\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
