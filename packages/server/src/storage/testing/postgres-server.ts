import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throw-away PostgreSQL server for tests: `initdb` in a temporary folder, `pg_ctl start` on a
 * free 127.0.0.1 port (unix socket in the same folder), trust authentication for user `raqib`.
 * Started once per test file; `createDatabase()` gives each test an empty database.
 *
 * initdb and postgres refuse to run as root: as root (CI containers), the server runs as the
 * `postgres` system user that Debian's postgresql package creates, through spawn's uid/gid.
 */
export interface PostgresTestServer {
  port: number;
  /** URL of `database` (default `postgres`) as user raqib. */
  url(database?: string): string;
  /** A fresh empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (`immediate`: as if it crashed; `fast`: a clean shutdown). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

const SEARCH_DIRS = ['/usr/lib/postgresql'];

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb and pg_ctl (or RAQIB_PG_BIN), if any. */
export function findPostgresBin(): string | undefined {
  const override = process.env.RAQIB_PG_BIN;
  if (override) return existsSync(join(override, 'initdb')) ? override : undefined;
  for (const root of SEARCH_DIRS) {
    if (!existsSync(root)) continue;
    const majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = join(root, major, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  return undefined;
}

/** Title suffix of a PostgreSQL suite skipped for missing binaries. */
export const POSTGRES_SKIP_REASON =
  'SKIPPED: PostgreSQL binaries not found (/usr/lib/postgresql/*/bin); apt-get install postgresql, or set RAQIB_PG_BIN';

/**
 * Whether PostgreSQL tests can run here. Missing binaries skip the tests on a developer machine,
 * but fail them in CI (CI set): there, a skipped database suite would hide a broken install.
 * @returns the bin folder, or undefined to skip
 */
export function postgresBinForTests(): string | undefined {
  const bin = findPostgresBin();
  if (!bin && process.env.CI) {
    throw new Error(
      'PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (or RAQIB_PG_BIN) and CI is set: ' +
        'run scripts/install-system-deps.sh (it installs postgresql)',
    );
  }
  // One line per test file, so that a run without PostgreSQL says why its suites did not run.
  if (!bin) process.stderr.write(`${POSTGRES_SKIP_REASON}\n`);
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** uid/gid of the `postgres` user when we are root (initdb refuses root), else undefined. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root and no `postgres` user exists to run initdb as; install postgresql');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined, cwd: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      ...(user ?? {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/** Starts a fresh server; call `destroy()` in afterAll. */
export async function startPostgresServer(bin: string): Promise<PostgresTestServer> {
  const user = unprivilegedUser();
  // /tmp rather than TMPDIR: the postgres user must reach the folder (TMPDIR may be under /root), and
  // the unix socket path inside it must stay under the 107-byte limit.
  const dir = mkdtempSync(join(existsSync('/tmp') ? '/tmp' : tmpdir(), 'raqib-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'raqib', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    user,
    dir,
  );
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    // Test speed: no fsync (an OS crash is not what the tests simulate; a killed server keeps its WAL).
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const start = () =>
    run(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start'], user, dir);
  const stop = (mode: 'fast' | 'immediate' = 'fast') =>
    run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', 'stop'], user, dir);
  await start();
  let running = true;
  // A test process that ends without afterAll (a crash, a timeout) must not leave a server behind.
  const stopAtExit = () => {
    if (!running) return;
    try {
      execFileSync(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop'], {
        cwd: dir,
        stdio: 'ignore',
        ...(user ?? {}),
      });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopAtExit);
  let databases = 0;
  const url = (database = 'postgres') => `postgres://raqib@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase() {
      const name = `raqib_test_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop(mode) {
      await stop(mode);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      process.removeListener('exit', stopAtExit);
      if (running) await stop('immediate').catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
