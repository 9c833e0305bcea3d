import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Bad inputs through `raqib serve` run as a user runs it (bin/raqib.js over dist/: `npm run build`
// first), with its JSON log on stderr: an unreachable RTSP camera and a source of garbage bytes
// retry with backoff, each log line naming its stream, while the demo drone's stream keeps being
// analysed; request bodies over the configured limit or not JSON get the error envelope.
// (A malformed config is covered by cli/commands/serve-command.test.ts, a WebSocket client that
// stops reading by api/live-socket.test.ts.) Takes ~20 s.
const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/raqib.js');
const fixtureModel = fileURLToPath(new URL('../../test-fixtures/fixture-density.onnx', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-bad-'));
const PASSWORD = 'bad input passphrase';
const BODY_LIMIT = 4_096;

let garbage: Server;
let child: ChildProcess;
let stderr = '';
let url: string;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  garbage = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp2t' });
    response.end(randomBytes(256 * 1024));
  });
  await new Promise<void>((done) => garbage.listen(0, '127.0.0.1', () => done()));
  writeFileSync(
    join(dir, 'raqib.yaml'),
    [
      'server:',
      '  port: 0',
      `  bodyLimitBytes: ${BODY_LIMIT}`,
      'ingest:',
      '  enabled: false',
      'live:',
      `  modelPath: ${fixtureModel}`,
      'storage:',
      `  dataDir: ${join(dir, 'data')}`,
      '',
    ].join('\n'),
  );
  child = spawn(process.execPath, [BIN, 'serve', '--config', 'raqib.yaml', '--demo'], {
    cwd: dir,
    env: { ...process.env, RAQIB_LOG_LEVEL: 'info', RAQIB_ADMIN_PASSWORD: PASSWORD },
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  url = await new Promise<string>((done, fail) => {
    child.stderr!.on('data', () => {
      const match = /raqib serve: listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    child.on('close', () => fail(new Error(`exited before listening: ${stderr}`)));
  });
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const closed = new Promise((done) => child.on('close', done));
    child.kill('SIGTERM');
    await closed;
  }
  garbage?.closeAllConnections();
  await new Promise<void>((done) => (garbage ? garbage.close(() => done()) : done()));
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

function post(path: string, body: string, contentType = 'application/json') {
  return fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': contentType },
    body,
  });
}

interface LogLine {
  msg: string;
  module?: string;
  streamId?: string;
  to?: string;
  reason?: string;
  retryInMs?: number;
}

/** The server's JSON log lines (stderr also has the CLI's plain-text lines). */
const logLines = (): LogLine[] =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

const stateLines = (streamId: string) =>
  logLines().filter((line) => line.msg === 'stream state' && line.streamId === streamId);

describe('raqib serve with bad inputs', () => {
  it('retries an unreachable camera and a garbage source with backoff, logged by stream; the demo stream runs on', async () => {
    expect((await post('/events', JSON.stringify({ id: 'match', name: 'Match' }))).status).toBe(201);
    const dead = { id: 'dead-cam', eventId: 'match', name: 'Dead camera', sourceUrl: 'rtsp://127.0.0.1:1/cam' };
    const port = (garbage.address() as AddressInfo).port;
    const noise = { id: 'noise', eventId: 'match', name: 'Noise', sourceUrl: `http://127.0.0.1:${port}/live.ts` };
    expect((await post('/streams', JSON.stringify(dead))).status).toBe(201);
    expect((await post('/streams', JSON.stringify(noise))).status).toBe(201);
    const createdAtMs = Date.now();

    // Waits of 2 s and 4 s (+-20 %) after the first two failures: two failures within ~10 s each.
    const deadline = Date.now() + 25_000;
    const retries = (id: string) => stateLines(id).filter((line) => line.to === 'reconnecting');
    while (Date.now() < deadline && (retries('dead-cam').length < 2 || retries('noise').length < 2)) {
      await new Promise((done) => setTimeout(done, 250));
    }
    for (const id of ['dead-cam', 'noise']) {
      const waits = retries(id).map((line) => line.retryInMs!);
      expect(waits.length, id).toBeGreaterThanOrEqual(2);
      expect(waits[0]).toBeGreaterThanOrEqual(1_600);
      expect(waits[0]).toBeLessThanOrEqual(2_400);
      expect(waits[1]).toBeGreaterThanOrEqual(3_200);
      expect(waits[1]).toBeLessThanOrEqual(4_800);
      expect(stateLines(id).some((line) => line.to === 'live')).toBe(false);
    }
    const stalled = (id: string) => stateLines(id).find((line) => line.to === 'stalled')!.reason!;
    expect(stalled('dead-cam')).toMatch(/rtsp:\/\/127\.0\.0\.1:1\/cam: .*(refused|Connection)/i);
    // ffmpeg's own reason: which one depends on how much garbage it read before giving up.
    expect(stalled('noise')).toMatch(
      /live\.ts: ffmpeg exited with code \d+: .*(Invalid data|does not contain any stream)/,
    );

    // The demo drone was live all along, and its readings kept arriving during the failures.
    expect(stateLines('demo-drone').map((line) => line.to)).toEqual(['starting', 'live']);
    const readings = await fetch(`${url}/api/v1/streams/demo-drone/readings?zone=frame&from=${createdAtMs}`, {
      headers: { cookie },
    });
    const { buckets } = (await readings.json()) as { buckets: unknown[] };
    // >= 6 s of retries: at least 3 closed 1 s buckets even on a loaded machine (5-6 when quiet).
    expect(buckets.length).toBeGreaterThanOrEqual(3);
    const streams = (await (await fetch(`${url}/api/v1/streams`, { headers: { cookie } })).json()) as {
      id: string;
      state?: string;
    }[];
    expect(streams.find((s) => s.id === 'demo-drone')?.state).toBe('live');
    expect(['stalled', 'reconnecting', 'starting']).toContain(streams.find((s) => s.id === 'noise')?.state);
  }, 40_000);

  it('answers a body over server.bodyLimitBytes with 413 and one that is not JSON with 400, in the error envelope', async () => {
    const big = await post('/events', JSON.stringify({ id: 'big', name: 'x'.repeat(BODY_LIMIT) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const broken = await post('/events', '{"id": "half');
    expect(broken.status).toBe(400);
    const envelope = (await broken.json()) as { error: { code: string; message: string } };
    expect(envelope.error.code).toBe('INPUT_INVALID');
    expect(JSON.stringify(envelope)).not.toMatch(/at .*\.js:\d+/);
    // Just under the limit is accepted: the limit is the configured one, not a default.
    const small = JSON.stringify({ id: 'fits', name: 'Fits' });
    const fits = await post('/events', small + ' '.repeat(BODY_LIMIT - 10 - small.length));
    expect(fits.status).toBe(201);
  });
});
