import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './clock.js';
import type { NotifyEvent } from './notify-event.js';
import {
  QueuedNotifier,
  type DeliveryOutcome,
  type DeliveryPolicy,
  type DeliveryTransport,
} from './queued-notifier.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { MemoryDeadLetter } from './testing/memory-dead-letter.js';
import { seededRandom, VirtualClock } from './testing/virtual-clock.js';

const POLICY: DeliveryPolicy = {
  maxQueueLength: 3,
  maxAttempts: 4,
  maxAgeMs: 600_000,
  initialDelayMs: 1000,
  maxDelayMs: 8000,
  attemptTimeoutMs: 200,
};

/** A transport that answers from a script and records what it was sent. */
class ScriptedTransport implements DeliveryTransport {
  readonly destination = 'scripted://test';
  readonly sent: string[] = [];
  closed = false;
  constructor(private readonly answer: (event: NotifyEvent, attempt: number) => DeliveryOutcome | 'never') {}
  deliver(event: NotifyEvent, attempt: { number: number }): Promise<DeliveryOutcome> {
    this.sent.push(`${event.zoneId}#${attempt.number}`);
    const answer = this.answer(event, attempt.number);
    // 'never' ignores the abort signal on purpose: the queue must not depend on transports behaving.
    return answer === 'never' ? new Promise(() => undefined) : Promise.resolve(answer);
  }
  async close() {
    this.closed = true;
  }
}

function notifierWith(transport: DeliveryTransport, clock = new VirtualClock(), policy = POLICY) {
  const deadLetter = new MemoryDeadLetter();
  const notifier = new QueuedNotifier({
    name: 'test',
    transport,
    policy,
    minSeverity: 'info',
    deadLetter,
    clock,
    random: seededRandom(3),
  });
  return { notifier, deadLetter, clock };
}

const fail: DeliveryOutcome = { ok: false, retryable: true, error: 'down' };

describe('QueuedNotifier', () => {
  it('keeps order: the head is retried until delivered before the next is tried', async () => {
    const transport = new ScriptedTransport((event, attempt) =>
      event.zoneId === 'gate-1' && attempt < 3 ? fail : { ok: true },
    );
    const { notifier, clock } = notifierWith(transport);
    notifier.notify(alertEvent(1));
    notifier.notify(alertEvent(2));
    await notifier.flush(2000);
    expect(transport.sent).toEqual(['gate-1#1', 'gate-1#2', 'gate-1#3', 'gate-2#1']);
    expect(clock.sleepsMs).toHaveLength(2);
    expect(clock.sleepsMs[0]).toBeLessThan(1000);
    expect(clock.sleepsMs[1]).toBeLessThan(2000);
  });

  it('tells once when the destination starts failing and once when it delivers again', async () => {
    const transport = new ScriptedTransport((event, attempt) =>
      event.zoneId === 'gate-1' && attempt < 4 ? fail : { ok: true },
    );
    const changes: string[] = [];
    const notifier = new QueuedNotifier({
      name: 'test',
      transport,
      policy: { ...POLICY, maxAttempts: 10 },
      minSeverity: 'info',
      deadLetter: new MemoryDeadLetter(),
      clock: new VirtualClock(),
      random: seededRandom(3),
      onHealth: ({ notifier, state, error }) => changes.push(`${notifier} ${state}${error ? ` (${error})` : ''}`),
    });
    notifier.notify(alertEvent(1));
    notifier.notify(alertEvent(2));
    await notifier.flush(2000);
    expect(transport.sent).toHaveLength(5);
    expect(changes).toEqual(['test failing (down)', 'test recovered']);
  });

  it('gives up after maxAttempts and dead-letters with the last error', async () => {
    const { notifier, deadLetter } = notifierWith(new ScriptedTransport(() => fail));
    notifier.notify(alertEvent(1));
    await notifier.flush(2000);
    expect(deadLetter.records).toHaveLength(1);
    expect(deadLetter.records[0]).toMatchObject({ attempts: 4, lastError: 'down', destination: 'scripted://test' });
    expect(notifier.stats).toMatchObject({ enqueued: 1, delivered: 0, deadLettered: 1, attempts: 4 });
  });

  it('dead-letters new events when the queue is full, never blocking', async () => {
    const { notifier, deadLetter } = notifierWith(new ScriptedTransport(() => 'never'));
    for (let i = 1; i <= 5; i += 1) notifier.notify(alertEvent(i));
    expect(notifier.queueLength).toBe(3);
    await notifier.flush(50);
    expect(deadLetter.records.map((r) => r.event.zoneId)).toEqual(['gate-4', 'gate-5', 'gate-1', 'gate-2', 'gate-3']);
    expect(deadLetter.records[0]?.reason).toBe('queue full: 3 events already waiting');
    expect(deadLetter.records[2]?.reason).toBe('not delivered within the flush timeout of 50 ms');
  });

  it('bounds an attempt even when the transport ignores the abort', async () => {
    let calls = 0;
    const transport = new ScriptedTransport(() => (calls++ === 0 ? 'never' : { ok: true }));
    const { notifier, deadLetter } = notifierWith(transport);
    notifier.notify(alertEvent(1));
    const started = performance.now();
    await notifier.flush(3000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(transport.sent).toEqual(['gate-1#1', 'gate-1#2']);
    expect(deadLetter.records).toEqual([]);
  });

  it('treats a throwing transport as a retryable failure', async () => {
    let calls = 0;
    const transport: DeliveryTransport = {
      destination: 'throws://',
      deliver: () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return Promise.resolve({ ok: true });
      },
      close: async () => undefined,
    };
    const { notifier } = notifierWith(transport);
    notifier.notify(alertEvent(1));
    await notifier.flush(1000);
    expect(notifier.stats).toMatchObject({ delivered: 1, attempts: 2 });
  });

  it('keeps working after a flush timeout', async () => {
    let down = true;
    const transport = new ScriptedTransport(() => (down ? 'never' : { ok: true }));
    const { notifier, deadLetter } = notifierWith(transport, new VirtualClock(), { ...POLICY, attemptTimeoutMs: 5000 });
    notifier.notify(alertEvent(1));
    await notifier.flush(30);
    expect(deadLetter.records).toHaveLength(1);
    down = false;
    notifier.notify(alertEvent(2));
    await notifier.flush(1000);
    expect(notifier.stats.delivered).toBe(1);
  });

  it('close() releases the transport and dead-letters what is left', async () => {
    const transport = new ScriptedTransport(() => 'never');
    const { notifier, deadLetter } = notifierWith(transport);
    notifier.notify(alertEvent(1));
    await notifier.close();
    expect(transport.closed).toBe(true);
    expect(deadLetter.records[0]?.reason).toBe('the notifier was closed before the event was sent');
  });

  it('back-off is full jitter under a doubling, capped ceiling', () => {
    expect(backoffDelayMs(1, 1000, 8000, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, 1000, 8000, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(10, 1000, 8000, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(2, 1000, 8000, () => 0)).toBe(0);
  });
});
