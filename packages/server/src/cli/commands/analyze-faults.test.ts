import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '@raqib/core';
import type { DeadLetterRecord } from '../../notify/dead-letter-file.js';
import { freePort } from '../../notify/testing/free-port.js';
import { WebhookReceiver } from '../../notify/testing/webhook-receiver.js';
import { main } from '../main.js';

/**
 * `raqib analyze` as a user runs it: a real child process (bin/raqib.js over dist/, so run
 * `npm run build` first) on a small `--points` input made by `raqib simulate`, with destinations that
 * refuse, hang or come back, and with signals. An unsettled promise shows here as exit code 13.
 */
const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(SERVER, 'bin/raqib.js');
const dir = mkdtempSync(join(tmpdir(), 'raqib-analyze-faults-'));
const sim = join(dir, 'sim');
let pointsArgs: string[] = [];
let zonesArgs: string[] = [];

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `during` gets the child once it has printed its first progress line. */
function runCli(
  args: string[],
  options: { env?: Record<string, string>; during?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, RAQIB_LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!started && stderr.includes('{"progress"')) {
        started = true;
        options.during?.(child);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** stderr without the machine-readable progress and log lines. */
function messages(run: CliRun): string[] {
  return run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
}

function readJsonl<T>(path: string): T[] {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as T);
}

const keyOf = (event: AlertEvent) => `${event.id}:${event.type}`;

/** Every file of a folder with a hash of its bytes (the marker included). */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(folder).sort()) {
    files[name] = createHash('sha256')
      .update(readFileSync(join(folder, name)))
      .digest('hex');
  }
  return files;
}

beforeAll(async () => {
  if (!existsSync(join(SERVER, 'dist/cli/main.js'))) throw new Error('run `npm run build` before these tests');
  const made = await runCli(['simulate', '--scenario', 'bottleneck', '--duration', '60', '--out', sim]);
  expect(made.code, made.stderr).toBe(0);
  const truth = JSON.parse(readFileSync(join(sim, 'truth.json'), 'utf8')) as {
    fps: number;
    frameWidthPx: number;
    frameHeightPx: number;
    gsdMPerPx: number;
  };
  pointsArgs = [
    'analyze',
    '--points',
    join(sim, 'points.csv'),
    '--fps',
    String(truth.fps),
    '--frame-size',
    `${truth.frameWidthPx}x${truth.frameHeightPx}`,
    '--gsd',
    String(truth.gsdMPerPx),
    '--rules',
    join(sim, 'rules.yaml'),
  ];
  zonesArgs = ['--zones', join(sim, 'zones.geojson')];
}, 60_000);

describe('analyze --notify: every alert ends delivered or dead-lettered, and the run says so', () => {
  it('destinations that refuse connections or hang: all events in the dead-letter file, exit 3, one summary line', async () => {
    const hanging = new WebhookReceiver(() => 'hang');
    await hanging.listen();
    try {
      const [webhookPort, mqttPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
      const policy = 'maxAttempts: 50\n    initialDelayMs: 20\n    maxDelayMs: 100\n    attemptTimeoutMs: 300';
      const notify = join(dir, 'notify-down.yaml');
      writeFileSync(
        notify,
        [
          'flushTimeoutMs: 1000',
          'notifiers:',
          `  - type: webhook\n    url: http://127.0.0.1:${webhookPort}/hook\n    secretEnv: RAQIB_TEST_SECRET\n    ${policy}`,
          `  - type: webhook\n    url: ${hanging.url}\n    secretEnv: RAQIB_TEST_SECRET\n    ${policy}`,
          `  - type: mqtt\n    url: mqtt://127.0.0.1:${mqttPort}\n    connectTimeoutMs: 300\n    ${policy}`,
          `  - type: email\n    host: 127.0.0.1\n    port: ${smtpPort}\n    security: none\n    from: raqib@example.org\n    to: [ops@example.org]\n    minSeverity: info\n    ${policy}`,
          '',
        ].join('\n'),
      );
      const out = join(dir, 'down');
      const run = await runCli([...pointsArgs, ...zonesArgs, '--notify', notify, '--out', out], {
        env: { RAQIB_TEST_SECRET: 'x' },
      });

      expect(run.code, run.stderr).toBe(3);
      const events = readJsonl<AlertEvent>(join(out, 'alerts.jsonl'));
      expect(events.length).toBeGreaterThan(3);
      const dead = readJsonl<DeadLetterRecord>(join(out, 'notify-dead-letter.jsonl'));
      // Per destination: every event, once, in the order it was raised.
      const destinations = [...new Set(dead.map((record) => record.notifier))];
      expect(destinations).toHaveLength(4);
      for (const destination of destinations) {
        const keys = dead.filter((record) => record.notifier === destination).map((record) => record.idempotencyKey);
        expect(keys).toEqual(events.map(keyOf));
      }
      const errors = messages(run).filter((line) => line.startsWith('raqib analyze: error'));
      expect(errors).toEqual([
        `raqib analyze: error: ${events.length} alert notifications could not be delivered to webhook http://127.0.0.1:${webhookPort}/hook, ` +
          `${events.length} to webhook ${hanging.url}, ${events.length} to mqtt mqtt://127.0.0.1:${mqttPort}/raqib/alerts, ` +
          `${events.length} to email smtp://127.0.0.1:${smtpPort}; they are in ${join(out, 'notify-dead-letter.jsonl')}`,
      ]);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        notifications: { deadLettered: number };
      };
      expect(summary.notifications.deadLettered).toBe(4 * events.length);
      // Said once per destination while it happened, in words, not as log JSON.
      const warnings = messages(run).filter((line) => line.includes(' is failing ('));
      expect(warnings).toHaveLength(4);
      expect(warnings.every((line) => line.startsWith('raqib analyze: warning: '))).toBe(true);
      expect(run.stderr).not.toContain('"level"');
    } finally {
      await hanging.stop();
    }
  }, 60_000);

  it('a webhook down at the start, then answering 503, then back: every event delivered once, in order, exit 0', async () => {
    const receiver = new WebhookReceiver((_request, index) => (index < 2 ? { status: 503 } : 'accept'));
    const port = await freePort();
    const notify = join(dir, 'notify-back.yaml');
    writeFileSync(
      notify,
      [
        'flushTimeoutMs: 20000',
        'notifiers:',
        `  - type: webhook\n    url: http://127.0.0.1:${port}/hooks/raqib\n    secretEnv: RAQIB_TEST_SECRET`,
        '    maxAttempts: 1000\n    initialDelayMs: 20\n    maxDelayMs: 200\n    attemptTimeoutMs: 2000',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'back');
    let listening: Promise<void> = Promise.resolve();
    const run = await runCli([...pointsArgs, ...zonesArgs, '--notify', notify, '--out', out], {
      env: { RAQIB_TEST_SECRET: 'x' },
      // Refused until the analysis is under way, then 503 twice, then accepted.
      during: () => {
        listening = new Promise((back) => setTimeout(() => void receiver.listen(port).then(back), 800));
      },
    });
    await listening;
    try {
      expect(run.code, run.stderr).toBe(0);
      const events = readJsonl<AlertEvent>(join(out, 'alerts.jsonl'));
      expect(events.length).toBeGreaterThan(3);
      expect(receiver.stored).toEqual(events.map(keyOf));
      expect(receiver.duplicates).toBe(0);
      expect(receiver.requests.filter((r) => r.idempotencyKey === keyOf(events[0]!)).length).toBe(3);
      expect(existsSync(join(out, 'notify-dead-letter.jsonl'))).toBe(false);
      expect(run.stdout).toMatch(new RegExp(`Notifications: ${events.length} delivered\\n`));
      expect(messages(run).filter((line) => line.includes('webhook'))).toEqual([
        expect.stringMatching(/^raqib analyze: warning: webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/raqib is failing \(/),
        expect.stringMatching(/^raqib analyze: note: webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/raqib delivers again$/),
      ]);
    } finally {
      await receiver.stop();
    }
  }, 60_000);
});

describe('analyze --out: one clear error before any work', () => {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  it.each([
    ['a file', 'afile', 'is a file, not a folder'],
    ['under a file', 'afile/sub', `${join(dir, 'afile')} is a file, so no folder can be made in it`],
    ['under /proc', '/proc/raqib-x', 'is under a system folder'],
    ['a folder of other files', 'sim', 'already holds files that are not Raqib outputs'],
  ])('--out %s', async (_what, name, problem) => {
    writeFileSync(join(dir, 'afile'), 'not a folder\n');
    const out = name.startsWith('/') ? name : join(dir, name);
    const before = readdirSync(dir).sort();
    let stderr = '';
    const io = {
      stdout: new Writable({ write: (_chunk, _enc, done) => done() }),
      stderr: new Writable({ write: (chunk, _enc, done) => ((stderr += String(chunk)), done()) }),
    };
    const code = await main([...pointsArgs, '--out', out], io);
    const message = new RegExp(`^raqib analyze: error OUTPUT_INVALID: --out ${escape(out)}: ${escape(problem)}`);
    const lines = stderr.split('\n').filter((line) => line !== '');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before); // nothing created, no work started
  });
});

describe('analyze outputs are moved into place whole', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: stops reading, writes the summary marked interrupted, moves the outputs into place, exits %i',
    async (signal, code) => {
      const out = join(dir, `interrupted-${signal}`);
      const run = await runCli([...pointsArgs, '--out', out], { during: (child) => child.kill(signal) });
      expect(run.code, run.stderr).toBe(code);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        frames: number;
        interrupted: { signal: string };
        source: { completed: boolean };
      };
      expect(summary.interrupted).toEqual({ signal });
      expect(summary.source.completed).toBe(false);
      expect(summary.frames).toBeGreaterThan(0);
      expect(summary.frames).toBeLessThan(300); // 60 s at 5 fps: it stopped early
      expect(readJsonl(join(out, 'analysis.jsonl'))).toHaveLength(summary.frames);
      expect(messages(run).at(-1)).toMatch(new RegExp(`^raqib analyze: interrupted by ${signal} after \\d+ frames`));
      expect(readdirSync(dir).filter((name) => name.includes('.raqib-'))).toEqual([]);
    },
    30_000,
  );

  it('SIGKILL at random moments never leaves a mixed folder: the previous run stays whole until a new one replaces it', async () => {
    const out = join(dir, 'killed');
    // The previous run: with zones, so that every one of its files differs from a run without them.
    const previous = await runCli([...pointsArgs, ...zonesArgs, '--out', out]);
    expect(previous.code, previous.stderr).toBe(0);
    let expected = snapshot(out);
    // How long a run goes on after its first progress line, on this machine now: the kills land inside it.
    const reference = join(dir, 'killed-reference');
    let firstProgressAt = 0;
    const timed = await runCli([...pointsArgs, '--out', reference], { during: () => (firstProgressAt = Date.now()) });
    expect(timed.code, timed.stderr).toBe(0);
    const runMs = Date.now() - firstProgressAt;
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const delayMs = (0.05 + 0.6 * random()) * runMs;
      const run = await runCli([...pointsArgs, '--out', out], {
        during: (child) => setTimeout(() => child.kill('SIGKILL'), delayMs),
      });
      const now = snapshot(out);
      if (run.signal === 'SIGKILL') {
        outcomes.push('killed');
        expect(now).toEqual(expected); // untouched
      } else {
        // It finished before the kill: a whole new run, nothing of the previous one.
        outcomes.push('finished');
        expect(run.code, run.stderr).toBe(0);
        const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { zones: { zoneId: string }[] };
        expect(summary.zones.map((zone) => zone.zoneId)).toEqual(['frame']);
        expect(readFileSync(join(out, 'zones.csv'), 'utf8')).not.toContain('approach');
        expect(JSON.parse(readFileSync(join(out, 'lines.json'), 'utf8'))).toEqual({ lines: [] });
        expect(Object.keys(now)).toEqual(Object.keys(expected));
        expected = now;
      }
    }
    expect(outcomes).toContain('killed');
    // The next run tidies up what the killed ones left beside the folder, and replaces it whole.
    const last = await runCli([...pointsArgs, '--out', out]);
    expect(last.code, last.stderr).toBe(0);
    expect(readdirSync(dir).filter((name) => name.startsWith('.killed.raqib-'))).toEqual([]);
  }, 120_000);
});
