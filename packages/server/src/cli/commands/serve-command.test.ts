import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `raqib serve` as a user runs it: bin/raqib.js over dist/ (run `npm run build` first). */
const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'bin/raqib.js');
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[], env: Record<string, string> = {}) {
  // A free RTMP port: the ingest's default 1935 may be taken on a test machine.
  const child = spawn(process.execPath, [BIN, 'serve', '--rtmp-port', '0', ...args], {
    cwd: dir,
    env: { ...process.env, RAQIB_LOG_LEVEL: 'silent', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const listening = new Promise<string>((done, fail) => {
    child.stderr.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then(() => fail(new Error(`exited before listening: ${stderr}`)));
  });
  listening.catch(() => undefined);
  return { child, listening, exited, stderr: () => stderr };
}

describe('raqib serve', () => {
  it('serves the API from ./data, creates the first admin from RAQIB_ADMIN_PASSWORD, stops cleanly on SIGTERM', async () => {
    const password = 'first admin passphrase';
    const run = serve(['--port', '0'], { RAQIB_ADMIN_PASSWORD: password });
    const url = await run.listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/api/v1/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/api/v1/streams`)).status).toBe(401);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/api/v1/streams`, { headers: { cookie } })).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/raqib serve: stopped\n$/);
  });

  it('warns when there is no user, and refuses a config with an unknown key, naming it', async () => {
    const bare = serve(['--port', '0', '--data', join(dir, 'bare')]);
    await bare.listening;
    expect(bare.stderr()).toMatch(
      /^raqib serve: warning: no user yet; add one with 'raqib users add NAME --role admin'/,
    );
    bare.child.kill('SIGINT');
    expect(await bare.exited).toBe(0);

    writeFileSync(join(dir, 'raqib.yaml'), 'server:\n  port: 0\n  hots: 0.0.0.0\n');
    const bad = serve(['--config', 'raqib.yaml']);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toBe(
      'raqib serve: error CONFIG_INVALID: raqib.yaml:3:3: server.hots: unknown key (see docs/server.md for the keys of server)\n',
    );
  });
});
