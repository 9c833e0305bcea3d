import { connect, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../notify/testing/free-port.js';
import { MosquittoBroker } from '../notify/testing/mosquitto-broker.js';
import { waitUntil } from '../testing/wait-until.js';
import { MqttTelemetryIntake } from './live-telemetry-intake.js';
import { LiveTelemetry } from './live-telemetry.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function publisher(url: string): Promise<MqttClient> {
  const client = connect(url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  cleanups.push(() => client.endAsync(true));
  return client;
}

describe('MQTT telemetry intake (real Mosquitto)', () => {
  it('starts with the broker down (one warning), subscribes once it is up, and refuses bad messages naming stream and field', async () => {
    const port = await freePort();
    const broker = new MosquittoBroker();
    cleanups.push(() => broker.dispose());
    const telemetry = new LiveTelemetry();
    const warnings: string[] = [];
    const problems: string[] = [];
    const intake = new MqttTelemetryIntake({
      url: `mqtt://127.0.0.1:${port}`,
      topicPrefix: 'site/streams/',
      connectTimeoutMs: 1000,
      reconnectMs: 200,
      telemetry,
      knownStream: (id) => id === 'cam1',
      onWarning: (message) => warnings.push(message),
      onProblem: (message) => problems.push(message),
      problemIntervalMs: 0,
    });
    cleanups.push(() => intake.stop());
    intake.start();
    await waitUntil('the broker-down warning', () => warnings.length > 0, 5000, 20);
    expect(warnings[0]).toMatch(
      /^MQTT telemetry: broker mqtt:\/\/127\.0\.0\.1:\d+ not reachable \(.*\); retrying every 0\.2 s/,
    );

    await broker.start(port);
    await waitUntil('the intake connected', () => intake.connected, 5000, 20);
    const client = await publisher(broker.url);
    const nowMs = Date.now();
    // Retained messages arrive after the subscription, whatever the timing of the reconnection.
    const send = (topic: string, payload: string) => client.publishAsync(topic, payload, { qos: 1, retain: true });
    await send('site/streams/cam1/telemetry', JSON.stringify({ timeMs: nowMs, relativeAltitudeM: 60, hfovDeg: 84 }));
    await waitUntil('the first cam1 sample', () => telemetry.health('cam1')?.samples === 1, 5000, 20);
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: nowMs + 100 })?.relativeAltitudeM).toBe(60);
    expect(telemetry.health('cam1')?.lastChannel).toBe('mqtt');

    await send('site/streams/cam1/telemetry', '{"relativeAltitudeM": 60,');
    await send('site/streams/cam1/telemetry', JSON.stringify({ samples: [{ timeMs: nowMs + 500, lat: 24.4 }] }));
    await send('site/streams/ghost/telemetry', JSON.stringify({ relativeAltitudeM: 60 }));
    await waitUntil('the three refused messages', () => problems.length === 3, 5000, 20);
    expect(problems.sort()).toEqual([
      "MQTT telemetry on site/streams/ghost/telemetry: no stream 'ghost'; create it first (POST /api/v1/streams)",
      expect.stringMatching(
        /^stream cam1: MQTT telemetry on site\/streams\/cam1\/telemetry refused: message\.samples\.0\.lng: lat and lng go together/,
      ),
      expect.stringMatching(/^stream cam1: MQTT telemetry on site\/streams\/cam1\/telemetry refused: not JSON/),
    ]);
    expect(telemetry.health('cam1')).toMatchObject({ samples: 1, refusedSamples: 2 });
  }, 20_000);
});
