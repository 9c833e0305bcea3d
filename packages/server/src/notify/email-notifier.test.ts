import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../testing/wait-until.js';
import { DeadLetterFile, type DeadLetterRecord } from './dead-letter-file.js';
import { createEmailNotifier, type EmailNotifierOptions } from './email-notifier.js';
import { idempotencyKey } from './notify-event.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { freePort } from './testing/free-port.js';
import { MemoryDeadLetter } from './testing/memory-dead-letter.js';
import { SilentServer, SmtpTestServer } from './testing/smtp-test-server.js';
import { seededRandom, VirtualClock } from './testing/virtual-clock.js';

const BASE = {
  security: 'none',
  from: 'Raqib <raqib@example.org>',
  to: ['ops@example.org', 'gate-team@example.org'],
  connectionTimeoutMs: 5000,
  greetingTimeoutMs: 5000,
  socketTimeoutMs: 5000,
  minSeverity: 'warning',
  policy: {
    maxQueueLength: 1000,
    maxAttempts: 5,
    maxAgeMs: 600_000,
    initialDelayMs: 50,
    maxDelayMs: 400,
    attemptTimeoutMs: 30_000,
  },
} satisfies Partial<EmailNotifierOptions>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempFile(name: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'raqib-email-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  return join(folder, name);
}

async function readDeadLetters(path: string): Promise<DeadLetterRecord[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetterRecord);
}

/** Feeds alerts like an analysis loop would and measures the longest notify() call. */
function analysisLoop(notify: (n: number) => void, frames: number): { slowestNotifyMs: number; alerts: number } {
  let slowestNotifyMs = 0;
  let alerts = 0;
  for (let frame = 0; frame < frames; frame += 1) {
    if (frame % 5 !== 0) continue;
    const started = performance.now();
    notify(frame);
    slowestNotifyMs = Math.max(slowestNotifyMs, performance.now() - started);
    alerts += 1;
  }
  return { slowestNotifyMs, alerts };
}

describe('email notifier (real SMTP server)', () => {
  it('sends a plain-text e-mail with the evidence, to every recipient', async () => {
    const smtp = new SmtpTestServer();
    await smtp.listen();
    cleanups.push(() => smtp.close());
    const notifier = createEmailNotifier({
      ...BASE,
      host: '127.0.0.1',
      port: smtp.port,
      deadLetter: new MemoryDeadLetter(),
    });
    cleanups.push(() => notifier.close());
    const event = alertEvent(3, { zoneId: 'gate-3' });
    notifier.notify(event);
    notifier.notify(alertEvent(4, { severity: 'info' })); // below minSeverity: not sent
    await notifier.flush(5000);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('raqib@example.org');
    expect(mail.to).toEqual(['ops@example.org', 'gate-team@example.org']);
    expect(mail.subject).toBe('[Raqib DANGER] zone gate-3: density 5.4/m² >= 5');
    expect(mail.headers.get('x-raqib-idempotency-key')).toBe(idempotencyKey(event));
    expect(mail.headers.get('message-id')).toMatch(/^<[0-9a-f]{32}@raqib\.invalid>$/);
    expect(mail.text).toContain('Zone:        gate-3');
    expect(mail.text).toContain('Value:       5.4/m²');
    expect(mail.text).toContain('Peak:        5.6/m² at 101 s');
    expect(mail.text).toContain(`Alert id: ${event.id}`);
    expect(notifier.stats).toMatchObject({ delivered: 1, filtered: 1 });
  });

  it('dead-letters at once when the server rejects the recipient (SMTP 5xx)', async () => {
    const smtp = new SmtpTestServer((address) => address === 'nobody@example.org');
    await smtp.listen();
    cleanups.push(() => smtp.close());
    const deadLetter = new MemoryDeadLetter();
    const notifier = createEmailNotifier({
      ...BASE,
      to: ['nobody@example.org'],
      host: '127.0.0.1',
      port: smtp.port,
      deadLetter,
    });
    cleanups.push(() => notifier.close());
    notifier.notify(alertEvent(1));
    await notifier.flush(5000);
    expect(deadLetter.records).toHaveLength(1);
    expect(deadLetter.records[0]?.attempts).toBe(1);
    expect(deadLetter.records[0]?.reason).toMatch(/^rejected by the destination: .*550/);
  });

  it('an SMTP server down for 30 s then back receives every alert exactly once, in order', async () => {
    const clock = new VirtualClock();
    const port = await freePort(); // nothing listens there for the first 30 (virtual) seconds
    const server = new SmtpTestServer();
    cleanups.push(() => server.close());
    const notifier = createEmailNotifier({
      ...BASE,
      minSeverity: 'info',
      policy: { ...BASE.policy, maxAttempts: 50, initialDelayMs: 1000, maxDelayMs: 8000 },
      host: '127.0.0.1',
      port,
      deadLetter: new MemoryDeadLetter(),
      clock,
      random: seededRandom(7),
    });
    cleanups.push(() => notifier.close());
    let back = false;
    clock.onAdvance(async () => {
      if (!back && clock.elapsedMs() >= 30_000) {
        back = true;
        await server.listen(port);
      }
    });
    const events = Array.from({ length: 8 }, (_, i) => alertEvent(i, { zoneId: `gate-${i}` }));
    for (const event of events) notifier.notify(event);
    await notifier.flush(20_000);

    const keys = server.received.map((mail) => mail.headers.get('x-raqib-idempotency-key'));
    expect(keys).toEqual(events.map(idempotencyKey)); // each once, in order
    expect(clock.elapsedMs()).toBeGreaterThanOrEqual(30_000); // it really waited for the server
    expect(notifier.stats).toMatchObject({ enqueued: 8, delivered: 8, deadLettered: 0 });
    expect(notifier.stats.attempts).toBeGreaterThan(8); // the refused attempts were retried
  });

  it('a closed SMTP port never stalls analysis: notify() returns at once, flush is bounded, nothing is lost', async () => {
    const port = await freePort(); // nothing listens there
    const deadLetterPath = await tempFile('notify-dead-letter.jsonl');
    const notifier = createEmailNotifier({
      ...BASE,
      host: '127.0.0.1',
      port,
      deadLetter: new DeadLetterFile(deadLetterPath),
    });
    cleanups.push(() => notifier.close());
    const sent: string[] = [];
    const loop = analysisLoop((frame) => {
      const event = alertEvent(frame);
      sent.push(idempotencyKey(event));
      notifier.notify(event);
    }, 200);
    expect(loop.slowestNotifyMs).toBeLessThan(25);

    const started = performance.now();
    await notifier.flush(500);
    expect(performance.now() - started).toBeLessThan(500 + 500);
    const records = await readDeadLetters(deadLetterPath);
    expect(records.map((r) => r.idempotencyKey)).toEqual(sent);
    expect(records[0]?.lastError).toMatch(/ECONNREFUSED/);
    expect(records.every((r) => r.destination === `smtp://127.0.0.1:${port}`)).toBe(true);
  });

  it('a server that never answers never stalls analysis either, and its connection is released', async () => {
    const silent = new SilentServer();
    await silent.listen();
    cleanups.push(() => silent.close());
    const deadLetterPath = await tempFile('dead.jsonl');
    const notifier = createEmailNotifier({
      ...BASE,
      host: '127.0.0.1',
      port: silent.port,
      greetingTimeoutMs: 60_000, // far beyond the flush bound: the flush must cut it short
      deadLetter: new DeadLetterFile(deadLetterPath),
    });
    const loop = analysisLoop((frame) => notifier.notify(alertEvent(frame)), 100);
    expect(loop.slowestNotifyMs).toBeLessThan(25);
    const started = performance.now();
    await notifier.flush(400);
    expect(performance.now() - started).toBeLessThan(400 + 500);
    await notifier.close();
    const records = await readDeadLetters(deadLetterPath);
    expect(records).toHaveLength(loop.alerts);
    expect(records[0]?.reason).toBe('not delivered within the flush timeout of 400 ms');
    await waitUntil('the silent server connections released', () => silent.openConnections === 0, 2000, 10);
  });

  it('the greeting timeout bounds each attempt', async () => {
    const silent = new SilentServer();
    await silent.listen();
    cleanups.push(() => silent.close());
    const deadLetter = new MemoryDeadLetter();
    const notifier = createEmailNotifier({
      ...BASE,
      host: '127.0.0.1',
      port: silent.port,
      greetingTimeoutMs: 150,
      policy: { ...BASE.policy, maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      deadLetter,
    });
    cleanups.push(() => notifier.close());
    notifier.notify(alertEvent(1));
    await notifier.flush(3000);
    expect(deadLetter.records[0]).toMatchObject({ attempts: 2, reason: 'gave up after 2 attempts (maxAttempts)' });
    expect(deadLetter.records[0]?.lastError).toMatch(/greeting/i);
  });
});
