import { PassThrough, Writable } from 'node:stream';
import { connect, type MqttClient } from 'mqtt';
import type { AlertSeverity } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../testing/wait-until.js';
import { createEmailNotifier } from './email-notifier.js';
import { createMqttNotifier } from './mqtt-notifier.js';
import type { Notifier } from './notifier.js';
import { idempotencyKey, type NotifyEvent, type NotifyPayload } from './notify-event.js';
import type { DeliveryPolicy } from './queued-notifier.js';
import { TerminalNotifier } from './terminal-notifier.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { MemoryDeadLetter } from './testing/memory-dead-letter.js';
import { MosquittoBroker } from './testing/mosquitto-broker.js';
import { SilentServer, SmtpTestServer } from './testing/smtp-test-server.js';
import { WebhookReceiver } from './testing/webhook-receiver.js';
import { createWebhookNotifier } from './webhook-notifier.js';

/** One Notifier implementation wired to a real destination on loopback. */
interface ContractHarness {
  name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A notifier whose destination answers. */
  reachable(deadLetter: MemoryDeadLetter, minSeverity: AlertSeverity): Notifier;
  /** A notifier whose destination accepts the connection and never answers. */
  unreachable(deadLetter: MemoryDeadLetter): Notifier;
  /** True once the destination has the event. */
  delivered(event: NotifyEvent): boolean;
  /** Whether undelivered events end in the dead-letter sink (the terminal has nothing to retry). */
  deadLetters: boolean;
}

const POLICY: DeliveryPolicy = {
  maxQueueLength: 1000,
  maxAttempts: 5,
  maxAgeMs: 60_000,
  initialDelayMs: 20,
  maxDelayMs: 200,
  attemptTimeoutMs: 10_000,
};
const FLUSH_BOUND_MS = 400;
const SLACK_MS = 700;

/** The contract every Notifier keeps. */
function notifierContract(harness: ContractHarness): void {
  describe(`Notifier contract: ${harness.name}`, () => {
    const open: Notifier[] = [];
    const track = <T extends Notifier>(notifier: T): T => {
      open.push(notifier);
      return notifier;
    };
    beforeAll(() => harness.setUp());
    afterAll(async () => {
      await Promise.all(open.map((n) => n.close()));
      await harness.tearDown();
    });

    it('delivers an event, and flush waits for it', async () => {
      const deadLetter = new MemoryDeadLetter();
      const notifier = track(harness.reachable(deadLetter, 'info'));
      const event = alertEvent(1, { zoneId: `${harness.name}-delivers` });
      notifier.notify(event);
      await notifier.flush(5000);
      await waitUntil('the event delivered', () => harness.delivered(event), 3000, 10);
      expect(deadLetter.records).toEqual([]);
    });

    it('sends nothing below its minimum severity', async () => {
      const deadLetter = new MemoryDeadLetter();
      const notifier = track(harness.reachable(deadLetter, 'danger'));
      const mild = alertEvent(2, { zoneId: `${harness.name}-mild`, severity: 'warning' });
      const grave = alertEvent(3, { zoneId: `${harness.name}-grave`, severity: 'critical' });
      notifier.notify(mild);
      notifier.notify(grave);
      await notifier.flush(5000);
      await waitUntil('the critical event delivered', () => harness.delivered(grave), 3000, 10);
      expect(harness.delivered(mild)).toBe(false);
    });

    it('notify() returns at once while the destination hangs, and flush() is bounded', async () => {
      const deadLetter = new MemoryDeadLetter();
      const notifier = track(harness.unreachable(deadLetter));
      const events = Array.from({ length: 20 }, (_, i) => alertEvent(100 + i, { zoneId: `${harness.name}-hang-${i}` }));
      const notifyStart = performance.now();
      for (const event of events) expect(notifier.notify(event)).toBeUndefined();
      expect(performance.now() - notifyStart).toBeLessThan(50);

      const flushStart = performance.now();
      await notifier.flush(FLUSH_BOUND_MS);
      const flushMs = performance.now() - flushStart;
      expect(flushMs).toBeGreaterThanOrEqual(FLUSH_BOUND_MS - 20);
      expect(flushMs).toBeLessThan(FLUSH_BOUND_MS + SLACK_MS);
      if (harness.deadLetters) {
        // Nothing is lost: every event is in the dead-letter sink, in order, with the reason.
        expect(deadLetter.keys()).toEqual(events.map(idempotencyKey));
        expect(deadLetter.records[0]?.reason).toMatch(/flush timeout of 400 ms/);
      }
      const closeStart = performance.now();
      await notifier.close();
      expect(performance.now() - closeStart).toBeLessThan(SLACK_MS);
    });

    it.runIf(harness.deadLetters)('after close(), events are dead-lettered, not dropped', async () => {
      const deadLetter = new MemoryDeadLetter();
      const notifier = harness.reachable(deadLetter, 'info');
      await notifier.close();
      const late = alertEvent(4, { zoneId: `${harness.name}-late` });
      notifier.notify(late);
      await notifier.flush(1000);
      expect(deadLetter.keys()).toEqual([idempotencyKey(late)]);
      expect(deadLetter.records[0]?.reason).toMatch(/closed/);
    });
  });
}

// --- webhook ---------------------------------------------------------------------------------
const receiver = new WebhookReceiver(() => 'accept');
const hangingReceiver = new WebhookReceiver(() => 'hang');
notifierContract({
  name: 'webhook',
  setUp: async () => {
    await receiver.listen();
    await hangingReceiver.listen();
  },
  tearDown: async () => {
    await receiver.stop();
    await hangingReceiver.stop();
  },
  reachable: (deadLetter, minSeverity) =>
    createWebhookNotifier({ url: receiver.url, secret: 's3cret', minSeverity, policy: POLICY, deadLetter }),
  unreachable: (deadLetter) =>
    createWebhookNotifier({
      url: hangingReceiver.url,
      secret: 's3cret',
      minSeverity: 'info',
      policy: POLICY,
      deadLetter,
    }),
  delivered: (event) => receiver.stored.includes(idempotencyKey(event)),
  deadLetters: true,
});

// --- MQTT (real Mosquitto) -------------------------------------------------------------------
const broker = new MosquittoBroker();
const silentBroker = new SilentServer();
let subscriber: MqttClient | null = null;
const mqttKeys = new Set<string>();
notifierContract({
  name: 'mqtt',
  setUp: async () => {
    await broker.start();
    await silentBroker.listen();
    subscriber = connect(broker.url, { reconnectPeriod: 0 });
    await new Promise<void>((resolve) => subscriber?.once('connect', () => resolve()));
    await subscriber.subscribeAsync('contract/alerts/#', { qos: 1 });
    subscriber.on('message', (_topic, payload) =>
      mqttKeys.add((JSON.parse(payload.toString()) as NotifyPayload).idempotencyKey),
    );
  },
  tearDown: async () => {
    await subscriber?.endAsync(true);
    await silentBroker.close();
    await broker.dispose();
  },
  reachable: (deadLetter, minSeverity) =>
    createMqttNotifier({
      url: broker.url,
      topicPrefix: 'contract/alerts',
      connectTimeoutMs: 2000,
      minSeverity,
      policy: POLICY,
      deadLetter,
    }),
  unreachable: (deadLetter) =>
    createMqttNotifier({
      url: `mqtt://127.0.0.1:${silentBroker.port}`,
      topicPrefix: 'contract/alerts',
      connectTimeoutMs: 10_000,
      minSeverity: 'info',
      policy: POLICY,
      deadLetter,
    }),
  delivered: (event) => mqttKeys.has(idempotencyKey(event)),
  deadLetters: true,
});

// --- e-mail (real SMTP server) ---------------------------------------------------------------
const smtp = new SmtpTestServer();
const silentSmtp = new SilentServer();
const emailOptions = {
  security: 'none' as const,
  from: 'raqib@example.org',
  to: ['ops@example.org'],
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 10_000,
  policy: POLICY,
};
notifierContract({
  name: 'email',
  setUp: async () => {
    await smtp.listen();
    await silentSmtp.listen();
  },
  tearDown: async () => {
    await smtp.close();
    await silentSmtp.close();
  },
  reachable: (deadLetter, minSeverity) =>
    createEmailNotifier({ ...emailOptions, host: '127.0.0.1', port: smtp.port, minSeverity, deadLetter }),
  unreachable: (deadLetter) =>
    createEmailNotifier({ ...emailOptions, host: '127.0.0.1', port: silentSmtp.port, minSeverity: 'info', deadLetter }),
  delivered: (event) => smtp.received.some((m) => m.headers.get('x-raqib-idempotency-key') === idempotencyKey(event)),
  deadLetters: true,
});

// --- terminal --------------------------------------------------------------------------------
const terminalOutput = new PassThrough();
let terminalText = '';
terminalOutput.on('data', (chunk: Buffer) => (terminalText += chunk.toString('utf8')));
notifierContract({
  name: 'terminal',
  setUp: async () => undefined,
  tearDown: async () => undefined,
  reachable: (_deadLetter, minSeverity) => new TerminalNotifier({ stream: terminalOutput, minSeverity, colour: false }),
  // A stream whose writes never complete (a blocked pipe).
  unreachable: () => new TerminalNotifier({ stream: new Writable({ write: () => undefined }), minSeverity: 'info' }),
  delivered: (event) => terminalText.includes(`zone ${event.zoneId}:`),
  deadLetters: false,
});
