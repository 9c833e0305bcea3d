import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { RaqibError } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import { STREAM_KEY_PATTERN, type PublishAuthorizer } from './publish-key-authorizer.js';
import { DEFAULT_RTMP_MODULE_PATH, rtmpIngestConfig } from './rtmp-ingest-config.js';

const log = moduleLogger('rtmp-ingest');

export interface RtmpIngestOptions {
  /** Raqib's data folder; the ingest keeps its config and pid file in `<dataDir>/rtmp-ingest`. */
  dataDir: string;
  /** Listen address. Default 127.0.0.1 (loopback); 0.0.0.0 to take drones from the network. */
  host?: string;
  /** Listen port. Default 1935; 0 picks a free one (tests). */
  port?: number;
  /** Decides whether a stream key may publish. Unknown keys must be refused. */
  authorize: PublishAuthorizer;
  /** A publisher was accepted for this key (the stream's supervisor reconnects at once). */
  onPublish?: (streamKey: string) => void;
  /** A publisher for this key went away. */
  onPublishDone?: (streamKey: string) => void;
  /** Default `nginx`. */
  nginxPath?: string;
  /** Default Debian's module path. */
  modulePath?: string;
  /** How long nginx may take to listen. Default 10 s. */
  startTimeoutMs?: number;
  /** A publisher socket without data for this long is dropped. Default 10 s. */
  dropIdlePublisherS?: number;
  /**
   * `onPublish` is called this long after the key is accepted: nginx registers the stream only once
   * the callback has answered, and a puller arriving before that is refused ("No such stream"). Default 500 ms.
   */
  publishNotifyDelayMs?: number;
}

/** The largest on_publish callback body read (nginx-rtmp sends a few hundred bytes). */
const MAX_CALLBACK_BYTES = 16 * 1024;

/**
 * The RTMP ingest: a Debian nginx with libnginx-mod-rtmp, started by Raqib as its own child process
 * with a generated config and prefix (unprivileged, loopback by default), and a small HTTP endpoint on
 * loopback that nginx calls on every publish (`on_publish`) to check the stream key. Drones push to
 * `rtmp://HOST:PORT/live/<streamKey>`; Raqib pulls the same URL from loopback with ffmpeg.
 * The callback path carries a random secret so no other local process can pose as nginx.
 */
export class RtmpIngest {
  private nginx: ChildProcess | null = null;
  private callbackServer: Server | null = null;
  private listenPort: number | null = null;
  private stderrTail: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly secret = randomBytes(18).toString('base64url');
  private readonly notifyTimers = new Set<NodeJS.Timeout>();
  private restartTimer: NodeJS.Timeout | null = null;
  private nginxStartedAtMs = 0;
  private consecutiveCrashes = 0;
  private runParams: { prefix: string; configPath: string; port: number } | null = null;
  /** Publish attempts seen by the callback, and nginx restarts after it died, for health and tests. */
  readonly counters = { accepted: 0, refused: 0, nginxRestarts: 0 };

  constructor(private readonly options: RtmpIngestOptions) {}

  get port(): number {
    if (this.listenPort === null) throw new Error('RtmpIngest: not started');
    return this.listenPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** The URL Raqib pulls a stream from (loopback). */
  pullUrl(streamKey: string): string {
    return `rtmp://127.0.0.1:${this.port}/live/${streamKey}`;
  }

  /** The URL a drone publishes to, with the address it reaches this machine by. */
  publishUrl(streamKey: string, publicHost = this.host === '0.0.0.0' ? '127.0.0.1' : this.host): string {
    return `rtmp://${publicHost}:${this.port}/live/${streamKey}`;
  }

  /** Starts the callback endpoint and nginx; resolves once nginx accepts connections. */
  async start(): Promise<void> {
    if (this.nginx) return;
    const prefix = resolve(this.options.dataDir, 'rtmp-ingest');
    await mkdir(prefix, { recursive: true, mode: 0o700 });
    const pidPath = join(prefix, 'nginx.pid');
    await stopLeftoverNginx(pidPath, prefix);
    const callbackBaseUrl = await this.startCallbackServer();
    const fixedPort = this.options.port ?? 1935;
    // A free port found by probing can be taken by someone else before nginx binds it: try again.
    for (let attempt = 1; ; attempt++) {
      const port = fixedPort === 0 ? await freePort(this.host) : fixedPort;
      const configPath = join(prefix, 'nginx.conf');
      await writeFile(
        configPath,
        rtmpIngestConfig({
          host: this.host,
          port,
          pidPath,
          modulePath: this.options.modulePath ?? DEFAULT_RTMP_MODULE_PATH,
          callbackBaseUrl,
          dropIdlePublisherS: this.options.dropIdlePublisherS ?? 10,
        }),
        { mode: 0o600 },
      );
      try {
        await this.startNginx(prefix, configPath, port);
        this.listenPort = port;
        this.runParams = { prefix, configPath, port };
        log.info({ host: this.host, port }, 'RTMP ingest listening');
        return;
      } catch (error) {
        const inUse = this.stderrTail.some((line) => line.includes('Address already in use'));
        if (!(inUse && fixedPort === 0 && attempt < 3)) {
          await this.stop();
          throw error;
        }
      }
    }
  }

  /** Stops nginx (fast shutdown, then SIGKILL after 5 s) and the callback endpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.runParams = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    for (const timer of this.notifyTimers) clearTimeout(timer);
    this.notifyTimers.clear();
    const child = this.nginx;
    this.nginx = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (child) signalGroup(child, 'SIGKILL'); // a worker left behind by a master that died
    const server = this.callbackServer;
    this.callbackServer = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
    this.listenPort = null;
  }

  private async startNginx(prefix: string, configPath: string, port: number): Promise<void> {
    const program = this.options.nginxPath ?? 'nginx';
    this.stderrTail = [];
    this.stopping = false;
    // -e stderr: nginx opens its default error log before reading the config; keep it off system paths.
    // detached: nginx and its workers get their own process group, so a worker orphaned by a master
    // that died can be found and stopped with the group.
    const child = spawn(program, ['-p', prefix, '-c', configPath, '-e', 'stderr'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.nginxStartedAtMs = Date.now();
    this.nginx = child;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) {
        this.stderrTail = [...this.stderrTail.slice(-9), line];
        // nginx-rtmp reports ordinary events as [error] ("stream not found" when a puller is early,
        // a publisher refused by the key check): only nginx's own failures are errors for Raqib.
        if (/\[(emerg|alert|crit)\]/.test(line)) log.error({ nginx: line }, 'RTMP ingest nginx failure');
        else log.debug({ nginx: line }, 'RTMP ingest nginx said');
      }
    });
    let exitInfo: string | null = null;
    this.exited = new Promise<void>((done) => {
      child.on('error', (error) => {
        exitInfo =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${program} not found: install nginx and libnginx-mod-rtmp (bash scripts/install-system-deps.sh)`
            : `${program} failed to start: ${error.message}`;
        done();
      });
      // 'exit', not 'close': an orphaned worker keeps the stderr pipe open after the master is gone.
      child.on('exit', (code, signal) => {
        exitInfo ??= `nginx exited (${signal ?? `code ${code}`})`;
        done();
        if (!this.stopping && this.nginx === child && this.runParams) this.restartAfterCrash(child, code, signal);
      });
    });
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (exitInfo !== null) break;
      if (await canConnect(this.host === '0.0.0.0' ? '127.0.0.1' : this.host, port)) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    if (exitInfo === null) {
      signalGroup(child, 'SIGKILL');
      await this.exited;
    }
    const said = this.stderrTail.join(' | ');
    throw new RaqibError(
      'SOURCE_FAILED',
      `RTMP ingest on ${this.host}:${port} did not start: ${exitInfo ?? 'not listening in time'}${said ? `: ${said}` : ''}`,
    );
  }

  /**
   * nginx died under a running server (killed, crashed): drones would be cut off for good, so it is
   * started again on the same port and config, after 1 s doubling to 30 s while it keeps dying.
   */
  private restartAfterCrash(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    signalGroup(child, 'SIGKILL');
    if (this.restartTimer) return;
    if (Date.now() - this.nginxStartedAtMs > 60_000) this.consecutiveCrashes = 0;
    const waitMs = Math.min(30_000, 1_000 * 2 ** this.consecutiveCrashes++);
    log.error({ code, signal, stderr: this.stderrTail, retryInMs: waitMs }, 'RTMP ingest nginx exited; restarting it');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const params = this.runParams;
      if (!params || this.stopping) return;
      this.counters.nginxRestarts++;
      this.startNginx(params.prefix, params.configPath, params.port).then(
        () => log.warn({ port: params.port }, 'RTMP ingest nginx restarted'),
        // its exit has already scheduled the next try
        (error: unknown) => log.error({ err: error }, 'RTMP ingest nginx could not be restarted'),
      );
    }, waitMs);
  }

  private async startCallbackServer(): Promise<string> {
    if (this.callbackServer) {
      const { port } = this.callbackServer.address() as AddressInfo;
      return `http://127.0.0.1:${port}/rtmp/${this.secret}`;
    }
    const server = createServer((request, response) => {
      this.handleCallback(request, response).catch((error: unknown) => {
        log.error({ err: error }, 'RTMP publish callback failed');
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    server.requestTimeout = 5_000;
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => done());
    });
    this.callbackServer = server;
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/rtmp/${this.secret}`;
  }

  private async handleCallback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const base = `/rtmp/${this.secret}/`;
    const url = request.url ?? '';
    if (request.method !== 'POST' || !url.startsWith(base)) {
      response.writeHead(404).end();
      return;
    }
    const body = await readBody(request);
    if (body === null) {
      response.writeHead(413).end();
      return;
    }
    const form = new URLSearchParams(body);
    const call = url.slice(base.length);
    const key = form.get('name') ?? '';
    const addr = form.get('addr') ?? '?';
    if (call === 'publish-done') {
      response.writeHead(200).end();
      if (STREAM_KEY_PATTERN.test(key)) this.options.onPublishDone?.(key);
      return;
    }
    if (call !== 'publish') {
      response.writeHead(404).end();
      return;
    }
    let allowed = false;
    try {
      allowed =
        form.get('app') === 'live' && STREAM_KEY_PATTERN.test(key) && (await this.options.authorize(key, { addr }));
    } catch (error) {
      log.error({ err: error, addr }, 'stream key check failed: publisher refused');
    }
    if (!allowed) {
      this.counters.refused++;
      // Never log the key: a near-miss is close to a real credential.
      log.warn({ addr }, 'RTMP publish refused: unknown stream key');
      response.writeHead(403).end();
      return;
    }
    this.counters.accepted++;
    response.writeHead(200).end();
    const onPublish = this.options.onPublish;
    if (onPublish) {
      const timer = setTimeout(() => {
        this.notifyTimers.delete(timer);
        onPublish(key);
      }, this.options.publishNotifyDelayMs ?? 500);
      this.notifyTimers.add(timer);
    }
  }
}

/** Sends a signal to nginx's whole process group (master and workers); quiet when it is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CALLBACK_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A port free on `host` right now. */
async function freePort(host: string): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * An nginx left running by a Raqib that was killed (SIGKILL leaves its children) still holds the
 * port: stop it, but only when its command line names our own prefix.
 */
async function stopLeftoverNginx(pidPath: string, prefix: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(pidPath, 'utf8')).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid < 2) return;
  try {
    // nginx rewrites its title to "nginx: master process nginx -p PREFIX -c ...": match on the text.
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
    if (!cmdline.includes('nginx') || !cmdline.includes(` -p ${prefix} `)) return;
    // Raqib starts nginx as a process group leader: the group holds its workers too.
    process.kill(-pid, 'SIGTERM');
    for (let i = 0; i < 50; i++) {
      await new Promise((done) => setTimeout(done, 100));
      process.kill(-pid, 0);
    }
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone (or never ours): nothing to stop
  }
}
