import { RaqibError } from '@raqib/core';
import { readServerConfig } from '../../serve/read-server-config.js';
import { DEFAULT_SERVER_CONFIG } from '../../serve/server-config.js';
import { startServer } from '../../serve/start-server.js';
import { defineCommand } from '../command-spec.js';
import { InterruptSignals } from '../interrupt-signals.js';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Run the server: REST API, users and audit on an embedded SQLite store (no other service needed)',
  usage: '[--config raqib.yaml] [options]',
  options: {
    config: {
      type: 'string',
      description: 'Config file (YAML, see docs/server.md); default: built-in defaults',
      valueName: 'FILE',
    },
    host: {
      type: 'string',
      description: 'Listen address (overrides server.host; default 127.0.0.1)',
      valueName: 'ADDR',
    },
    port: { type: 'number', description: 'Listen port (overrides server.port; default 8080)', valueName: 'N' },
    data: { type: 'string', description: 'Data folder (overrides storage.dataDir; default data)', valueName: 'DIR' },
  },
  examples: [
    'RAQIB_ADMIN_PASSWORD="a long passphrase" raqib serve',
    'raqib serve --config raqib.yaml',
    'raqib serve --host 0.0.0.0 --port 9000 --data /var/lib/raqib',
  ],
  async run({ options, io }) {
    const base = options.config ? await readServerConfig(options.config) : DEFAULT_SERVER_CONFIG;
    if (
      options.port !== undefined &&
      !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65_535)
    ) {
      throw new RaqibError('USAGE', `raqib serve: --port must be an integer 0-65535, got ${options.port}`);
    }
    const config = {
      ...base,
      server: {
        ...base.server,
        ...(options.host ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
      },
      storage: { ...base.storage, ...(options.data ? { dataDir: options.data } : {}) },
    };
    const server = await startServer(config, { adminPassword: process.env.RAQIB_ADMIN_PASSWORD });
    if ((await server.store.listUsers()).length === 0) {
      io.stderr.write(
        "raqib serve: warning: no user yet; add one with 'raqib users add NAME --role admin' or set RAQIB_ADMIN_PASSWORD\n",
      );
    }
    io.stderr.write(`raqib serve: listening on ${server.url} (data in ${config.storage.dataDir})\n`);
    // Stop on SIGINT/SIGTERM: close the API (in-flight requests finish), the retention job and the database.
    const stopped = new Promise<void>((resolve) => {
      const signals = new InterruptSignals({
        onInterrupt: () => {
          signals.dispose();
          resolve();
        },
      });
    });
    await stopped;
    await server.close();
    io.stderr.write('raqib serve: stopped\n');
    return 0;
  },
});
