import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../testing/wait-until.js';
import { createMqttNotifier } from './mqtt-notifier.js';
import { idempotencyKey, type NotifyPayload } from './notify-event.js';
import type { DeliveryPolicy } from './queued-notifier.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { MemoryDeadLetter } from './testing/memory-dead-letter.js';
import { MosquittoBroker } from './testing/mosquitto-broker.js';
import { seededRandom, VirtualClock } from './testing/virtual-clock.js';

const POLICY: DeliveryPolicy = {
  maxQueueLength: 100,
  maxAttempts: 30,
  maxAgeMs: 600_000,
  initialDelayMs: 500,
  maxDelayMs: 5000,
  attemptTimeoutMs: 2000,
};

interface Received {
  topic: string;
  qos: number;
  retain: boolean;
  key: string;
}

/** A subscriber on the real broker that records every message under `raqib/alerts/#`. */
async function subscribe(url: string, into: Received[]): Promise<MqttClient> {
  const client = connect(url, { reconnectPeriod: 0 });
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  client.on('message', (topic, payload, packet) => {
    const body = JSON.parse(payload.toString('utf8')) as NotifyPayload;
    into.push({ topic, qos: packet.qos, retain: packet.retain, key: body.idempotencyKey });
  });
  await client.subscribeAsync('raqib/alerts/#', { qos: 1 });
  return client;
}

describe('MQTT notifier (real Mosquitto)', () => {
  const broker = new MosquittoBroker();
  const clients: MqttClient[] = [];
  beforeAll(() => broker.start());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.dispose();
  });

  it('publishes to <prefix>/<severity> with QoS 1, not retained', async () => {
    const received: Received[] = [];
    clients.push(await subscribe(broker.url, received));
    const notifier = createMqttNotifier({
      url: broker.url,
      topicPrefix: 'raqib/alerts',
      connectTimeoutMs: 2000,
      minSeverity: 'info',
      policy: POLICY,
      deadLetter: new MemoryDeadLetter(),
    });
    const events = [alertEvent(1, { severity: 'warning' }), alertEvent(2, { severity: 'critical' })];
    for (const event of events) notifier.notify(event);
    await notifier.flush(3000);
    await notifier.close();
    await waitUntil('both messages at the subscriber', () => received.length === 2, 3000, 10);
    expect(received).toEqual([
      { topic: 'raqib/alerts/warning', qos: 1, retain: false, key: idempotencyKey(events[0]!) },
      { topic: 'raqib/alerts/critical', qos: 1, retain: false, key: idempotencyKey(events[1]!) },
    ]);
  });

  it('survives a broker restart: events raised while it is down arrive after it returns, in order', async () => {
    const received: Received[] = [];
    clients.push(await subscribe(broker.url, received));
    const clock = new VirtualClock();
    const deadLetter = new MemoryDeadLetter();
    const notifier = createMqttNotifier({
      url: broker.url,
      topicPrefix: 'raqib/alerts',
      connectTimeoutMs: 1000,
      minSeverity: 'info',
      policy: POLICY,
      deadLetter,
      clock,
      random: seededRandom(9),
    });
    const before = [alertEvent(11), alertEvent(12)];
    for (const event of before) notifier.notify(event);
    await notifier.flush(3000);
    await waitUntil('the two messages sent before the restart', () => received.length === 2, 3000, 10);

    await broker.stop();
    let restarted = false;
    clock.onAdvance(async () => {
      if (!restarted && clock.elapsedMs() >= 10_000) {
        restarted = true;
        await broker.start();
        clients.push(await subscribe(broker.url, received));
      }
    });
    const during = [alertEvent(13), alertEvent(14), alertEvent(15)];
    for (const event of during) notifier.notify(event);
    await notifier.flush(10_000);
    await notifier.close();

    await waitUntil('all five messages at the subscriber', () => received.length === 5, 3000, 10);
    expect(received.map((r) => r.key)).toEqual([...before, ...during].map(idempotencyKey));
    expect(deadLetter.records).toEqual([]);
    expect(restarted).toBe(true);
    expect(notifier.stats.attempts).toBeGreaterThan(5); // the reconnections were retries with back-off
  });

  it('dead-letters after maxAttempts when no broker listens', async () => {
    const deadLetter = new MemoryDeadLetter();
    const notifier = createMqttNotifier({
      url: 'mqtt://127.0.0.1:1',
      topicPrefix: 'raqib/alerts',
      connectTimeoutMs: 500,
      minSeverity: 'info',
      policy: { ...POLICY, maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      deadLetter,
    });
    notifier.notify(alertEvent(21));
    await notifier.flush(3000);
    await notifier.close();
    expect(deadLetter.records).toHaveLength(1);
    expect(deadLetter.records[0]).toMatchObject({ attempts: 2, reason: 'gave up after 2 attempts (maxAttempts)' });
    expect(deadLetter.records[0]?.lastError).toMatch(/ECONNREFUSED/);
  });
});
