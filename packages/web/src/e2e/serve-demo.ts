import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = join(ROOT, 'packages/server/bin/raqib.js');
export const DASHBOARD_INDEX = join(ROOT, 'packages/web/dist/index.html');

export interface DemoServer {
  url: string;
  /** `rtmp://host:port/live/` of the ingest, or null when nginx did not start. */
  rtmpBase: string | null;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * A real `raqib serve --demo` as a user starts it (bin/raqib.js over the built dist/ and the built
 * dashboard), on a free port with a temp data folder and a first admin.
 */
export async function startDemoServer(): Promise<DemoServer> {
  if (!existsSync(DASHBOARD_INDEX)) throw new Error(`${DASHBOARD_INDEX} missing: run 'npm run build' first`);
  const dir = mkdtempSync(join(tmpdir(), 'raqib-web-e2e-'));
  const password = 'browser test passphrase';
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--demo', '--port', '0', '--rtmp-port', '0', '--data', join(dir, 'data')],
    { cwd: dir, env: { ...process.env, RAQIB_ADMIN_PASSWORD: password, RAQIB_LOG_LEVEL: 'silent' } },
  );
  let stderr = '';
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const url = await new Promise<string>((done, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then(() => fail(new Error(`raqib serve exited before listening: ${stderr}`)));
  });
  // The ingest's line comes right after the listening one (or a warning that it did not start).
  await new Promise((done) => setTimeout(done, 500));
  const rtmp = /RTMP ingest on (rtmp:\/\/\S+\/live\/)/.exec(stderr);
  return {
    url,
    rtmpBase: rtmp ? rtmp[1]! : null,
    username: 'admin',
    password,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An admin API session for checks from the test (cookie + CSRF token), outside the browser. */
export async function apiSession(server: DemoServer) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: server.username, password: server.password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  return call;
}

export const CHROMIUM = process.env.RAQIB_CHROMIUM ?? '/usr/bin/chromium';
