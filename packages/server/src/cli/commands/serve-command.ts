import { RaqibError } from '@raqib/core';
import { SERVE_ROLES, type ServeRole } from '../../bus/nats/serve-role.js';
import { readServerConfig } from '../../serve/read-server-config.js';
import { DEFAULT_SERVER_CONFIG } from '../../serve/server-config.js';
import { startServer, type RunningServer } from '../../serve/start-server.js';
import { defineCommand } from '../command-spec.js';
import { InterruptSignals } from '../interrupt-signals.js';

export const serveCommand = defineCommand({
  name: 'serve',
  summary:
    'Run the server: live drone streams (RTMP ingest, pull URLs), REST and WebSocket API, users and audit on an embedded SQLite store',
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
    'rtmp-port': {
      type: 'number',
      description: 'RTMP ingest port (overrides ingest.port; default 1935; 0 picks a free one)',
      valueName: 'N',
    },
    demo: {
      type: 'boolean',
      description:
        'Also run a synthetic drone (simulated crowd) on a demo event and stream: live readings, an alert within 2 minutes',
    },
    role: {
      type: 'string',
      description:
        'all (default): everything in this process; with a nats: section, api (REST, WebSocket, store writer) or worker (analyses the streams it leases) - see docs/scale.md',
      valueName: 'ROLE',
    },
  },
  examples: [
    'RAQIB_ADMIN_PASSWORD="a long passphrase" raqib serve',
    'RAQIB_ADMIN_PASSWORD="a long passphrase" raqib serve --demo',
    'raqib serve --config raqib.yaml',
    'raqib serve --host 0.0.0.0 --port 9000 --data /var/lib/raqib',
    'RAQIB_NATS_USER=worker RAQIB_NATS_PASSWORD=... raqib serve --config raqib.yaml --role worker',
  ],
  async run({ options, io }) {
    const base = options.config ? await readServerConfig(options.config) : DEFAULT_SERVER_CONFIG;
    if (
      options.port !== undefined &&
      !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65_535)
    ) {
      throw new RaqibError('USAGE', `raqib serve: --port must be an integer 0-65535, got ${options.port}`);
    }
    const role = options.role ?? 'all';
    if (!(SERVE_ROLES as readonly string[]).includes(role)) {
      throw new RaqibError('USAGE', `raqib serve: --role must be one of ${SERVE_ROLES.join(', ')}, got ${role}`);
    }
    const rtmpPort = options['rtmp-port'];
    if (rtmpPort !== undefined && !(Number.isInteger(rtmpPort) && rtmpPort >= 0 && rtmpPort <= 65_535)) {
      throw new RaqibError('USAGE', `raqib serve: --rtmp-port must be an integer 0-65535, got ${rtmpPort}`);
    }
    const config = {
      ...base,
      server: {
        ...base.server,
        ...(options.host ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
      },
      storage: { ...base.storage, ...(options.data ? { dataDir: options.data } : {}) },
      ingest: { ...base.ingest, ...(rtmpPort !== undefined ? { port: rtmpPort } : {}) },
    };
    // Handlers before anything starts (a signal with none kills at once, leaving nginx and ffmpeg behind);
    // a signal during the start stops the server as soon as it is up.
    // Stop on SIGINT/SIGTERM: the streams (ffmpeg) and nginx, then the API (in-flight requests finish), the retention job and the database.
    let signals: InterruptSignals | undefined;
    const stopped = new Promise<void>((resolve) => {
      signals = new InterruptSignals({
        onInterrupt: () => {
          signals?.dispose();
          resolve();
        },
      });
    });
    let server: RunningServer;
    try {
      server = await startServer(config, {
        adminPassword: process.env.RAQIB_ADMIN_PASSWORD,
        postgresUrl: process.env.RAQIB_POSTGRES_URL,
        demo: options.demo === true,
        role: role as ServeRole,
        onWarning: (message) => io.stderr.write(`raqib serve: warning: ${message}\n`),
      });
    } catch (error) {
      signals?.dispose();
      throw error;
    }
    if ((await server.store.listUsers()).length === 0) {
      io.stderr.write(
        "raqib serve: warning: no user yet; add one with 'raqib users add NAME --role admin' or set RAQIB_ADMIN_PASSWORD\n",
      );
    }
    io.stderr.write(`raqib serve: listening on ${server.url} (data in ${server.storeLocation})\n`);
    const ingestPort = server.live.rtmpPort;
    if (ingestPort !== null) {
      io.stderr.write(
        `raqib serve: RTMP ingest on rtmp://${config.ingest.host}:${ingestPort}/live/<streamKey> (POST /api/v1/streams/:id/publish-key makes a key)\n`,
      );
    }
    if (server.demo) {
      io.stderr.write(
        `raqib serve: demo: stream '${server.demo.streamId}' (simulated ${server.demo.crowd.scenario.name} crowd) is live; ` +
          `open the dashboard at ${server.url}/ and sign in (user admin with RAQIB_ADMIN_PASSWORD, or one from 'raqib users add'); ` +
          `API: GET ${server.url}/api/v1/streams/${server.demo.streamId}/readings, GET ${server.url}/api/v1/alerts or the WebSocket ${server.url.replace(/^http/, 'ws')}/api/v1/live (docs/server.md)\n`,
      );
    }
    await stopped;
    await server.close();
    io.stderr.write('raqib serve: stopped\n');
    return 0;
  },
});
