import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { RaqibError } from '@raqib/core';
import { createApiServer } from '../api/create-api-server.js';
import { Authenticator } from '../auth/authenticator.js';
import { InProcessBus, type LiveBus } from '../bus/live-bus.js';
import { openNatsBus, type OpenNatsBus } from '../bus/nats/open-nats-bus.js';
import { openServeRole, type ServeRole, type ServeRoleParts } from '../bus/nats/serve-role.js';
import { ensureFirstAdmin } from '../auth/user-accounts.js';
import { moduleLogger } from '../logging/logger.js';
import { RetentionJob } from '../storage/retention-job.js';
import type { Store } from '../storage/store.js';
import { DemoCrowd } from './demo-crowd.js';
import { ensureDemoStream } from './ensure-demo-stream.js';
import { openServerStore } from './open-server-store.js';
import { eventStreamId } from '../storage/store-records.js';
import { EventAggregators } from './event-aggregators.js';
import { LiveAlertNotifier } from './live-alert-notifier.js';
import { TelemetryRelay } from '../live/telemetry-relay.js';
import { ServeLive } from './serve-live.js';
import type { ServerConfig } from './server-config.js';

export interface RunningServer {
  /** `http://host:port` actually bound (port 0 resolved). */
  url: string;
  app: FastifyInstance;
  store: Store;
  /** Where the data is: the SQLite file, or the PostgreSQL URL without its password. */
  storeLocation: string;
  /** Where live sources publish analysis, readings, alerts and stream health for the WebSocket. */
  bus: LiveBus;
  /** The live streams and the RTMP ingest. */
  live: ServeLive;
  /** The event aggregators this process runs (none on a worker; on an API node those of its leased events). */
  events?: EventAggregators;
  /** The demo stream's id and its drone's settings (with `demo: true`). */
  demo?: { eventId: string; streamId: string; crowd: DemoCrowd };
  close(): Promise<void>;
}

/** The built dashboard (`npm run build` builds packages/web into it), next to this package. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export interface StartServerEnv {
  adminPassword?: string | undefined;
  /** RAQIB_POSTGRES_URL: store in this PostgreSQL database (replaces storage.postgres.url). */
  postgresUrl?: string | undefined;
  /** Also run the synthetic demo drone on a demo event and stream (created once). */
  demo?: boolean;
  /** One-line warnings for the operator (the CLI prints them on stderr). */
  onWarning?: (message: string) => void;
  /** Where the built dashboard is; default {@link DASHBOARD_DIR}. */
  dashboardDir?: string;
  /** Where the `nats:` credentials (RAQIB_NATS_USER / RAQIB_NATS_PASSWORD by default) are read; default process.env. */
  natsEnv?: Readonly<Record<string, string | undefined>>;
  /** `raqib serve --role`: `all` (default) runs everything; `api` and `worker` need `nats:` (docs/scale.md). */
  role?: ServeRole;
}

/**
 * The composition root of `raqib serve`: store, first admin, retention job, the API listening, then
 * the live side (RTMP ingest and one supervised analysis per stream, see serve-live.ts). A failure
 * of the live side (no nginx, no model) is a warning: the API keeps serving.
 */
export async function startServer(config: ServerConfig, env: StartServerEnv = {}): Promise<RunningServer> {
  const log = moduleLogger('serve');
  const https = config.server.tls && {
    cert: readPem(config.server.tls.certFile, 'server.tls.certFile'),
    key: readPem(config.server.tls.keyFile, 'server.tls.keyFile'),
  };
  const { store, location: storeLocation } = await openServerStore(config.storage, { postgresUrl: env.postgresUrl });
  let nats: OpenNatsBus | undefined;
  let role: ServeRoleParts | undefined;
  let notifier: LiveAlertNotifier | undefined;
  try {
    const admin = await ensureFirstAdmin(store, env.adminPassword);
    if (admin) log.info({ username: admin.username }, 'first admin created from RAQIB_ADMIN_PASSWORD');
    const retention = new RetentionJob(store, config.retention, { log: moduleLogger('retention') });
    // With `nats:`, the live topics go through NATS JetStream (docs/scale.md): other API nodes serve them too.
    nats = config.nats ? await openNatsBus(config.nats, env.natsEnv ?? process.env) : undefined;
    const bus: LiveBus =
      nats?.bus ?? new InProcessBus((error, topic) => log.error({ err: error, topic }, 'live bus subscriber failed'));
    role = await openServeRole(
      env.role ?? 'all',
      nats && config.nats ? { config: config.nats, bus: nats.bus } : undefined,
      store,
    );
    const dashboardDir = env.dashboardDir ?? DASHBOARD_DIR;
    if (!existsSync(join(dashboardDir, 'index.html'))) {
      env.onWarning?.(
        `dashboard not built (no ${join(dashboardDir, 'index.html')}): run 'npm run build'; the API serves without it`,
      );
    }
    const crowd = env.demo ? new DemoCrowd() : undefined;
    const demo = crowd ? { ...(await ensureDemoStream(store, crowd)), crowd } : undefined;
    // Configuration errors (a missing secret, a destination not allowed) stop the start, before any stream.
    notifier = config.notify
      ? new LiveAlertNotifier(config.notify, {
          dataDir: config.storage.dataDir,
          onWarning: (message) => {
            log.warn(message);
            env.onWarning?.(message);
          },
        })
      : undefined;
    // The event-wide picture (one total, geo zones read and alerted once per event): in the single
    // process, or on the API nodes, one node per event by a lease (docs/scale.md).
    const events = role.runsEvents
      ? new EventAggregators({
          store: role.liveStore,
          bus,
          ...(role.eventGate ? { gate: role.eventGate } : {}),
          ...(notifier
            ? { onAlert: (eventId, event) => notifier!.notify(eventStreamId(eventId), eventId, event) }
            : {}),
          ...(env.onWarning ? { onWarning: env.onWarning } : {}),
        })
      : undefined;
    const live = new ServeLive({
      store: role.liveStore,
      bus,
      config,
      ...(notifier ? { notifier } : {}),
      ...(role.streamGate ? { streamGate: role.streamGate } : {}),
      ...(demo ? { demo: { streamId: demo.streamId, crowd: demo.crowd } } : {}),
      ...(env.onWarning ? { onWarning: env.onWarning } : {}),
    });
    // Telemetry posted to this node reaches the node running the stream (TelemetryRelay).
    const telemetry = new TelemetryRelay(live.telemetry, bus);
    const app = createApiServer(
      {
        store,
        bus,
        auth: new Authenticator(store),
        nowMs: Date.now,
        liveStatus: (streamId) => role?.liveStatus?.(streamId) ?? live.apiStatus(streamId),
        telemetry,
        secureCookies: config.server.secureCookies || https !== undefined,
        dataDir: config.storage.dataDir,
      },
      {
        bodyLimitBytes: config.server.bodyLimitBytes,
        logger: moduleLogger('api'),
        trustProxy: config.server.trustProxy,
        dashboardDir,
        ...(https ? { https } : {}),
      },
    );
    let address: string;
    try {
      address = await app.listen({ host: config.server.host, port: config.server.port });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      await app.close();
      throw new RaqibError(
        'CONFIG_INVALID',
        `cannot listen on ${config.server.host}:${config.server.port} (${code}); choose another server.port / --port or server.host`,
        { cause: error },
      );
    }
    retention.start();
    role.onLeaseLost(() => {
      void live.reconcileNow();
      void events?.reconcileNow();
    });
    try {
      if (role.runsStreams) await live.start();
      await events?.start();
    } catch (error) {
      await events?.stop();
      await live.stop();
      await notifier?.close();
      await retention.stop();
      await app.close();
      throw error;
    }
    return {
      url: address,
      app,
      store,
      storeLocation,
      bus,
      live,
      ...(events ? { events } : {}),
      ...(demo ? { demo } : {}),
      async close() {
        // Streams first (their last readings and alerts still go to the store), then the API and the store.
        await live.stop();
        await events?.stop();
        // After the streams and events: their last alerts are notified too (bounded by notify.flushTimeoutMs).
        await notifier?.close();
        await role?.close();
        await retention.stop();
        await app.close();
        telemetry.close();
        await nats?.close();
        await store.close();
      },
    };
  } catch (error) {
    await role?.close();
    await nats?.close();
    await store.close();
    throw error;
  }
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RaqibError('CONFIG_INVALID', `${key}: cannot read ${path} (${code}); give the path of a PEM file`, {
      cause: error,
    });
  }
}
