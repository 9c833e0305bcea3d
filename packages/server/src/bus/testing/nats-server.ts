import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A throw-away NATS server with JetStream for tests: Debian's `nats-server` on free 127.0.0.1 ports,
 * its JetStream store in a temporary folder, optionally with users (user/password or nkey) in
 * accounts. Started once per test file; `restart()` keeps the store folder and the ports, so that a
 * test can check what survives a broker restart.
 */
export interface NatsTestServer {
  /** Client URL, e.g. nats://127.0.0.1:41234. */
  url: string;
  port: number;
  monitorPort: number;
  storeDir: string;
  /** Stops the server: `SIGTERM` (clean shutdown, the default) or `SIGKILL` (as if it crashed). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same ports and store (after `stop`). */
  start(): Promise<void>;
  /** `stop` then `start`. */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
  /** The server's log so far (for failure messages). */
  log(): string;
}

/** A user of the test server's account `RAQIB` (JetStream enabled). */
export type NatsTestUser = { user: string; password: string } | { nkey: string };

export interface NatsTestServerOptions {
  /** With users, the server refuses clients without valid credentials. */
  users?: NatsTestUser[];
  /** TLS for clients (PEM files); `verify`: clients must present a certificate signed by `caFile`. */
  tls?: { certFile: string; keyFile: string; caFile: string; verify: boolean };
  /** A member of a JetStream cluster (see {@link startNatsCluster}). */
  cluster?: { serverName: string; port: number; routePorts: number[] };
}

/** Title suffix of a NATS suite skipped for a missing binary. */
export const NATS_SKIP_REASON =
  'SKIPPED: nats-server not found on PATH or in /usr/sbin; apt-get install nats-server (scripts/install-system-deps.sh), or set RAQIB_NATS_SERVER';

/** Debian installs nats-server in /usr/sbin, which is not on every user's PATH. */
export function findNatsServer(): string | undefined {
  const override = process.env.RAQIB_NATS_SERVER;
  if (override) return existsSync(override) ? override : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  return dirs
    .filter((dir) => dir.startsWith('/'))
    .map((dir) => join(dir, 'nats-server'))
    .find((path) => existsSync(path));
}

/**
 * Whether NATS tests can run here. A missing binary skips them on a developer machine but fails
 * them in CI (CI set): there, a skipped suite would hide a broken install.
 * @returns the binary, or undefined to skip
 */
export function natsServerForTests(): string | undefined {
  const bin = findNatsServer();
  if (!bin && process.env.CI) {
    throw new Error(
      'nats-server not found (PATH, /usr/sbin or RAQIB_NATS_SERVER) and CI is set: ' +
        'run scripts/install-system-deps.sh (it installs nats-server)',
    );
  }
  if (!bin) process.stderr.write(`${NATS_SKIP_REASON}\n`);
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const quote = (text: string) => JSON.stringify(text);

function configText(port: number, monitorPort: number, storeDir: string, options: NatsTestServerOptions): string {
  const { users, tls } = options;
  const lines = [
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${monitorPort}"`,
    // Room for two streams at NatsBus's default bound (a reservation: tests write a few MB).
    `jetstream { store_dir: ${quote(storeDir)}, max_memory_store: 64MB, max_file_store: 4GB }`,
  ];
  if (users && users.length > 0) {
    const entries = users.map((entry) =>
      'nkey' in entry
        ? `{ nkey: ${quote(entry.nkey)} }`
        : `{ user: ${quote(entry.user)}, password: ${quote(entry.password)} }`,
    );
    // JetStream must be enabled per account once accounts are configured.
    lines.push(`accounts { RAQIB { jetstream: enabled, users: [ ${entries.join(', ')} ] } }`);
  }
  if (options.cluster) {
    const { serverName, port: clusterPort, routePorts } = options.cluster;
    const routes = routePorts.map((routePort) => quote(`nats-route://127.0.0.1:${routePort}`)).join(', ');
    lines.push(
      `server_name: ${quote(serverName)}`,
      `cluster { name: raqib, listen: "127.0.0.1:${clusterPort}", routes: [ ${routes} ] }`,
    );
  }
  if (tls) {
    lines.push(
      `tls { cert_file: ${quote(tls.certFile)}, key_file: ${quote(tls.keyFile)}, ca_file: ${quote(tls.caFile)}, verify: ${tls.verify} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitReady(monitorPort: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nats-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`nats-server not ready after 15 s:\n${output()}`);
}

/** Starts a fresh server; call `destroy()` in afterAll. */
export async function startNatsServer(bin: string, options: NatsTestServerOptions = {}): Promise<NatsTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'raqib-nats-'));
  const storeDir = join(dir, 'jetstream');
  const port = await freePort();
  const monitorPort = await freePort();
  const configPath = join(dir, 'nats.conf');
  writeFileSync(configPath, configText(port, monitorPort, storeDir, options));
  const logPath = join(dir, 'nats.log');
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    const started = spawn(bin, ['-c', configPath, '-l', logPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const readLog = () => output + (existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-4000) : '');
    await waitReady(monitorPort, started, readLog);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((done) => running.once('exit', () => done()));
    running.kill(signal);
    await exited;
  };
  // A test process that ends without afterAll must not leave a server behind.
  const killAtExit = () => {
    if (child?.pid && child.exitCode === null) spawnSync('kill', ['-9', String(child.pid)]);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAtExit);
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorPort,
    storeDir,
    stop,
    start,
    async restart(signal) {
      await stop(signal);
      await start();
    },
    async destroy() {
      process.removeListener('exit', killAtExit);
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => output + (existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-4000) : ''),
  };
}

/**
 * A JetStream cluster of `size` servers on loopback (routes between all of them), for replicated (R3)
 * streams: each member can be stopped and started like a single test server. Call `destroy()` on each.
 */
export async function startNatsCluster(bin: string, size = 3): Promise<NatsTestServer[]> {
  const clusterPorts: number[] = [];
  for (let index = 0; index < size; index++) clusterPorts.push(await freePort());
  return Promise.all(
    clusterPorts.map((port, index) =>
      startNatsServer(bin, {
        cluster: { serverName: `n${index + 1}`, port, routePorts: clusterPorts.filter((other) => other !== port) },
      }),
    ),
  );
}
