import { RaqibError } from '@raqib/core';
import { verifyAuditChain } from '../../audit/audit-chain.js';
import { defineCommand } from '../command-spec.js';
import { dataOption, openDataStore } from './data-store.js';

export const auditCommand = defineCommand({
  name: 'audit',
  summary: 'Verify the hash chain of the audit log (exit 1 when a row was changed or removed), or list it',
  usage: '<verify|list> [options]',
  positionals: { name: 'action', required: true },
  options: {
    data: dataOption,
    after: { type: 'number', description: 'list: rows after this sequence number', default: 0, valueName: 'SEQ' },
    limit: { type: 'number', description: 'list: at most this many rows', default: 100, valueName: 'N' },
  },
  examples: ['raqib audit verify', 'raqib audit list --after 1200 --limit 50'],
  async run({ positionals, options, io }) {
    const [action] = positionals;
    if (action !== 'verify' && action !== 'list') {
      throw new RaqibError('USAGE', `raqib audit: unknown action '${action}'; use verify or list`);
    }
    const store = await openDataStore(options.data, { create: false });
    try {
      if (action === 'list') {
        for (const row of await store.listAudit(options.after, options.limit)) {
          const at = new Date(row.atMs).toISOString();
          io.stdout.write(`${row.seq}\t${at}\t${row.actor}\t${row.action}\t${row.target}\t${row.details}\n`);
        }
        return 0;
      }
      const result = await verifyAuditChain((after) => store.listAudit(after, 1000));
      if (result.ok) {
        io.stdout.write(`audit log verified: ${result.rows} rows, last hash ${result.lastHash}\n`);
        return 0;
      }
      io.stderr.write(
        `raqib audit: error AUDIT_CHAIN_BROKEN: row ${result.seq}: ${result.problem}; ${result.rows} rows before it verify\n`,
      );
      return 1;
    } finally {
      await store.close();
    }
  },
});
