import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterFile, type DeadLetterRecord } from './dead-letter-file.js';
import { idempotencyKey, type NotifyEvent, type NotifyPayload } from './notify-event.js';
import type { DeliveryPolicy } from './queued-notifier.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { MemoryDeadLetter } from './testing/memory-dead-letter.js';
import { seededRandom, VirtualClock } from './testing/virtual-clock.js';
import { WebhookReceiver, type ReceivedWebhook, type ReceiverAction } from './testing/webhook-receiver.js';
import { createWebhookNotifier } from './webhook-notifier.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'webhook-test-secret';
const POLICY: DeliveryPolicy = {
  maxQueueLength: 100,
  maxAttempts: 50,
  maxAgeMs: 15 * 60_000,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 300,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(decide: (request: ReceivedWebhook, index: number) => ReceiverAction) {
  const receiver = new WebhookReceiver(decide);
  await receiver.listen();
  cleanups.push(() => receiver.stop());
  return receiver;
}

/** The lifecycle of alerts the engine emits: raise, escalate and clear, on several zones. */
function lifecycle(from: number, count: number): NotifyEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + Math.floor(i / 3);
    const type = (['raised', 'escalated', 'cleared'] as const)[i % 3] ?? 'raised';
    return alertEvent(n, { type, severity: type === 'escalated' ? 'critical' : 'danger' });
  });
}

describe('webhook notifier', () => {
  it('a receiver down for 60 s then back receives every alert exactly once, in order', async () => {
    const clock = new VirtualClock();
    const seconds = () => clock.elapsedMs() / 1000;
    let hung = false;
    let ackLost = false;
    const phases = new Set<string>();
    const timeline: number[] = [];
    const receiver = await startReceiver((request) => {
      // Checked on the same (virtual) clock the sender signs with.
      const check = verifyWebhookSignature({
        secret: SECRET,
        body: request.body,
        header: request.signature,
        nowS: clock.nowMs() / 1000,
      });
      if (!check.ok) return { status: 401 };
      timeline.push(Math.round(seconds()));
      if (seconds() < 35) return (phases.add('503'), { status: 503 });
      if (seconds() < 60) {
        if (!hung) return ((hung = true), phases.add('hang'), 'hang');
        return (phases.add('reset'), 'reset');
      }
      // Back up, but the acknowledgement of the first delivery is lost: the sender must resend it.
      if (!ackLost) return ((ackLost = true), phases.add('ack-lost'), 'accept-then-reset');
      return 'accept';
    });
    // 0-20 s: nothing listens on the port (connection refused); 20-35 s: 503; 35-60 s: it hangs, then
    // drops connections; from 60 s it accepts.
    const port = receiver.port;
    await receiver.stop();
    const events = lifecycle(1, 6);
    const later = lifecycle(10, 6);
    let refusedUntilBack = true;
    let laterSent = false;
    const notifier = createWebhookNotifier({
      url: receiver.url,
      secret: SECRET,
      minSeverity: 'info',
      policy: POLICY,
      deadLetter: new MemoryDeadLetter(),
      clock,
      random: seededRandom(42),
    });
    cleanups.push(() => notifier.close());
    clock.onAdvance(async () => {
      if (refusedUntilBack && seconds() >= 20) {
        refusedUntilBack = false;
        await receiver.listen(port);
      }
      if (!laterSent && seconds() >= 30) {
        // Analysis goes on during the outage: more alerts are raised while the head is retried.
        laterSent = true;
        const started = performance.now();
        for (const event of later) notifier.notify(event);
        expect(performance.now() - started).toBeLessThan(20);
      }
    });

    const started = performance.now();
    for (const event of events) notifier.notify(event);
    expect(performance.now() - started).toBeLessThan(20);
    await notifier.flush(20_000);

    const expected = [...events, ...later].map(idempotencyKey);
    expect(receiver.stored).toEqual(expected); // each once, in order
    expect(receiver.duplicates).toBe(1); // the resend after the lost acknowledgement, recognised by its key
    expect(notifier.stats).toMatchObject({ enqueued: 12, delivered: 12, deadLettered: 0 });
    // Attempts before 20 s were refused: they never reached the receiver.
    expect(timeline[0]).toBeGreaterThanOrEqual(20);
    expect(notifier.stats.attempts - receiver.requests.length).toBeGreaterThan(0);
    expect([...phases].sort()).toEqual(['503', 'ack-lost', 'hang', 'reset']);
    expect(clock.elapsedMs()).toBeGreaterThanOrEqual(60_000);
    // Head-of-line order: no request ever carried a later event before the earlier one was stored.
    const order = receiver.requests.map((r) => expected.indexOf(r.idempotencyKey ?? ''));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Key in header and body, signed body.
    for (const request of receiver.requests) {
      const payload = JSON.parse(request.body) as NotifyPayload;
      expect(payload.idempotencyKey).toBe(request.idempotencyKey);
      expect(payload.source).toBe('raqib');
    }
    // The back-off grew and stayed under its cap.
    expect(Math.max(...clock.sleepsMs)).toBeLessThanOrEqual(POLICY.maxDelayMs);
  });

  it('honours Retry-After, capped by maxDelayMs', async () => {
    const clock = new VirtualClock();
    const receiver = await startReceiver((_request, index) =>
      index === 0 ? { status: 429, retryAfterS: 7 } : 'accept',
    );
    const notifier = createWebhookNotifier({
      url: receiver.url,
      secret: SECRET,
      minSeverity: 'info',
      policy: POLICY,
      deadLetter: new MemoryDeadLetter(),
      clock,
      random: () => 0,
    });
    cleanups.push(() => notifier.close());
    notifier.notify(alertEvent(1));
    await notifier.flush(5000);
    expect(clock.sleepsMs).toEqual([7000]);
    expect(receiver.stored).toHaveLength(1);
  });

  it('dead-letters a rejected event to the JSONL file and moves on to the next', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'raqib-notify-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const deadLetterPath = join(folder, 'out', 'notify-dead-letter.jsonl');
    const receiver = await startReceiver((request) =>
      request.idempotencyKey?.includes('gate-1')
        ? { status: 422 }
        : request.idempotencyKey?.includes('gate-2')
          ? { status: 503 }
          : 'accept',
    );
    const notifier = createWebhookNotifier({
      url: `${receiver.url}?token=hidden`,
      secret: SECRET,
      minSeverity: 'info',
      policy: { ...POLICY, maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
      deadLetter: new DeadLetterFile(deadLetterPath),
    });
    cleanups.push(() => notifier.close());
    const events = [alertEvent(1), alertEvent(2), alertEvent(3)];
    for (const event of events) notifier.notify(event);
    await notifier.flush(5000);

    expect(receiver.stored).toEqual([idempotencyKey(events[2] as NotifyEvent)]);
    const records = (await readFile(deadLetterPath, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeadLetterRecord);
    expect(records.map((r) => r.idempotencyKey)).toEqual(events.slice(0, 2).map(idempotencyKey));
    expect(records[0]).toMatchObject({ attempts: 1, reason: 'rejected by the destination: HTTP 422: status 422' });
    expect(records[1]).toMatchObject({
      attempts: 3,
      reason: 'gave up after 3 attempts (maxAttempts)',
      lastError: 'HTTP 503: status 503',
    });
    expect(records[1]?.event).toEqual(events[1]);
    // The destination is recorded without its query string (it may hold a token).
    expect(records[0]?.destination).toBe(`http://127.0.0.1:${receiver.port}/hooks/raqib`);
    expect(records[0]?.notifier).toBe(`webhook http://127.0.0.1:${receiver.port}/hooks/raqib`);
  });

  it('dead-letters an event too old to matter (maxAgeMs)', async () => {
    const clock = new VirtualClock();
    const receiver = await startReceiver(() => ({ status: 500 }));
    const deadLetter = new MemoryDeadLetter();
    const notifier = createWebhookNotifier({
      url: receiver.url,
      secret: SECRET,
      minSeverity: 'info',
      policy: { ...POLICY, maxAgeMs: 60_000 },
      deadLetter,
      clock,
      random: seededRandom(1),
    });
    cleanups.push(() => notifier.close());
    notifier.notify(alertEvent(1));
    notifier.notify(alertEvent(2));
    await notifier.flush(5000);
    expect(deadLetter.records.map((r) => r.reason)).toEqual([
      'expired: not delivered within maxAgeMs 60000',
      'expired: not delivered within maxAgeMs 60000',
    ]);
    expect(deadLetter.records[1]?.attempts).toBe(0);
  });
});
