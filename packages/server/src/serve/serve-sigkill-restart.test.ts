import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { waitUntil } from '../testing/wait-until.js';

// `raqib serve --demo` as a child process (bin/raqib.js over dist/: run `npm run build` first),
// killed with SIGKILL while an alert is open and acknowledged, then started again on the same data:
// nothing stored is lost and the open alert carries on under its id instead of being raised again.
// Takes ~25 s of real time (two server starts, the demo crowd filling the frame twice).
const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/raqib.js');
const dir = mkdtempSync(join(tmpdir(), 'raqib-sigkill-'));
const PASSWORD = 'sigkill restart passphrase';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface AlertView {
  id: string;
  zoneId: string;
  rule: string;
  status: string;
  condition: string;
  raisedAtMs: number;
}

function serve() {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', join(dir, 'raqib.yaml'), '--demo'], {
    cwd: dir,
    env: { ...process.env, RAQIB_LOG_LEVEL: 'silent', RAQIB_ADMIN_PASSWORD: PASSWORD },
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  const listening = new Promise<string>((done, fail) => {
    child.stderr!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then(() => fail(new Error(`exited before listening: ${stderr}`)));
  });
  listening.catch(() => undefined);
  return { child, listening, exited, stderr: () => stderr };
}

/** A logged-in API client of one server run. */
async function client(url: string) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as unknown };
  };
}

describe('raqib serve killed with SIGKILL mid-stream', () => {
  it('restarts on the same data without losing an alert or an action; the open alert carries on, not raised again', async () => {
    // No RTMP ingest: the demo drone needs none, and the test then needs no nginx.
    writeFileSync(
      join(dir, 'raqib.yaml'),
      `server:\n  port: 0\ningest:\n  enabled: false\nstorage:\n  dataDir: ${join(dir, 'data')}\n`,
    );
    const first = serve();
    const api = await client(await first.listening);
    // Anyone in the frame for 1 s raises a warning; it clears only after 60 s with nobody there,
    // so the empty first second of the restarted simulation does not clear it.
    const rules = {
      version: 1,
      zones: {
        frame: {
          kind: 'restricted',
          restricted: {
            warning: { raise: 1, clear: 0.5, sustainS: 1, clearSustainS: 60 },
            danger: { raise: 100_000, clear: 90_000, sustainS: 5, clearSustainS: 60 },
          },
        },
      },
    };
    expect((await api('/streams/demo-drone/rules', { method: 'PUT', body: rules })).status).toBe(200);
    const restrictedAlerts = async () =>
      ((await api('/alerts?state=all&stream=demo-drone')).body as AlertView[]).filter(
        (alert) => alert.zoneId === 'frame' && alert.rule === 'restricted',
      );
    const alert = await waitUntil(
      'the restricted alert',
      async () => (await restrictedAlerts()).find((a) => a.condition === 'active'),
      30_000,
      200,
    );
    const ack = await api(`/alerts/${encodeURIComponent(alert.id)}/ack`, {
      method: 'POST',
      body: { note: 'seen from the tower' },
    });
    expect(ack.status).toBe(200);
    const allBefore = (await api('/alerts?state=all')).body as AlertView[];
    const historyBefore = (await api(`/alerts/${encodeURIComponent(alert.id)}`)).body as {
      history: { kind: string; note: string | null }[];
    };
    // Frames keep coming for a moment after the action, then the process dies without any cleanup.
    await new Promise((done) => setTimeout(done, 1_000));
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const restartedAtMs = Date.now();
    const second = serve();
    const api2 = await client(await second.listening);
    // The restarted demo stream is analysed again, and its crowd is back in the frame for several seconds.
    await waitUntil(
      'readings after the restart',
      async () => {
        const { buckets } = (await api2(`/streams/demo-drone/readings?zone=frame&from=${restartedAtMs}`)).body as {
          buckets: { countMax: number }[];
        };
        return buckets.filter((reading) => reading.countMax >= 1).length >= 6;
      },
      30_000,
      200,
    );
    const allAfter = (await api2('/alerts?state=all')).body as AlertView[];
    // Every alert stored before the kill is still there, with its workflow state.
    for (const before of allBefore) {
      expect(allAfter.find((a) => a.id === before.id)).toMatchObject({ status: before.status });
    }
    const restricted = allAfter.filter((a) => a.zoneId === 'frame' && a.rule === 'restricted');
    // The same alert, still open and acknowledged, and no second one for the same condition.
    expect(restricted.map((a) => [a.id, a.condition, a.status])).toEqual([[alert.id, 'active', 'acknowledged']]);
    const historyAfter = (await api2(`/alerts/${encodeURIComponent(alert.id)}`)).body as {
      history: { kind: string; note: string | null }[];
    };
    expect(historyAfter.history).toEqual(historyBefore.history);
    expect(historyAfter.history.map((h) => [h.kind, h.note])).toEqual([
      ['raised', null],
      ['acknowledged', 'seen from the tower'],
    ]);

    // A clean stop ends the stream: the engine clears the alert it carried on, under its id.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const store = SqliteStore.open({ path: join(dir, 'data', 'raqib.db') });
    try {
      expect(await store.getAlert(alert.id)).toMatchObject({
        condition: 'cleared',
        clearReason: 'stream-ended',
        status: 'acknowledged',
      });
    } finally {
      await store.close();
    }
  }, 90_000);
});
