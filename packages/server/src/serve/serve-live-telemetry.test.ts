import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/user-accounts.js';
import type { LiveMessage } from '../bus/live-bus.js';
import { publishRtmp, type TestPublisher } from '../live/testing/rtmp-publisher.js';
import type { DeadLetterRecord, NotifyPayload } from '../notify/index.js';
import { MosquittoBroker } from '../notify/testing/mosquitto-broker.js';
import { WebhookReceiver } from '../notify/testing/webhook-receiver.js';
import { makePanZoomClip } from '../testing/pan-zoom-clip.js';
import { waitUntil } from '../testing/wait-until.js';
import { parseServerConfig } from './read-server-config.js';
import { startServer, type RunningServer } from './start-server.js';

const partB = new URL('../../../../../shared/datasets/ShanghaiTech/part_B/train_data/', import.meta.url).pathname;
// The fixture model: fast on a shared CPU; what is measured here is the ground model, not the counts.
const modelPath = new URL('../../test-fixtures/fixture-density.onnx', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-telemetry-'));
const dataDir = join(dir, 'data');
const WIDTH_PX = 480;
const HEIGHT_PX = 270;
/** Where the drone hovers (Medina), looking straight down. */
const DRONE = { lat: 24.4672, lng: 39.6112 };
const SECRET_ENV = 'RAQIB_TEST_TELEMETRY_HOOK_SECRET';

interface Reading {
  streamId: string;
  capturedAtMs: number;
  count: number;
  zones: { zoneId: string; count: number; areaM2?: number; densityPerM2?: number }[];
}

let server: RunningServer;
let operator: string;
let admin: string;
let publisher: TestPublisher | null = null;
let mqttClient: MqttClient | null = null;
const broker = new MosquittoBroker();
const receiver = new WebhookReceiver();
/** A receiver that listened once and stopped: its port refuses connections (a destination that is down). */
const downReceiver = new WebhookReceiver();
const readings: Reading[] = [];
const warnings: string[] = [];

/** The ground width seen from `altitudeM` with a 24 mm-equivalent lens (HFOV 73.74°), metres. */
const groundWidthM = (altitudeM: number) => 2 * altitudeM * Math.tan(Math.atan(36 / 48));
const frameAreaM2 = (altitudeM: number) => groundWidthM(altitudeM) ** 2 * (HEIGHT_PX / WIDTH_PX);

async function api(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

const pushTelemetry = (body: unknown) => api('/api/v1/streams/cam1/telemetry', operator, { method: 'POST', body });

/** A 20 m x 20 m geo zone centred under the drone. */
function plazaZone() {
  const dLat = 10 / 111_320;
  const dLng = 10 / (111_320 * Math.cos((DRONE.lat * Math.PI) / 180));
  const { lat, lng } = DRONE;
  const ring = [
    [lng - dLng, lat - dLat],
    [lng + dLng, lat - dLat],
    [lng + dLng, lat + dLat],
    [lng - dLng, lat + dLat],
    [lng - dLng, lat - dLat],
  ];
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'plaza', kind: 'standing', space: 'geo' },
        geometry: { type: 'Polygon', coordinates: [ring] },
      },
    ],
  };
}

beforeAll(async () => {
  await broker.start();
  await receiver.listen();
  await downReceiver.listen();
  await downReceiver.stop();
  process.env[SECRET_ENV] = 'telemetry-test-secret';
  const retry = [
    '      maxAttempts: 2',
    '      initialDelayMs: 50',
    '      maxDelayMs: 100',
    '      attemptTimeoutMs: 1000',
  ];
  const config = parseServerConfig(
    [
      'server:',
      '  port: 0',
      'ingest:',
      '  port: 0',
      'live:',
      '  fps: 2',
      `  modelPath: ${modelPath}`,
      'storage:',
      `  dataDir: ${dataDir}`,
      'telemetry:',
      '  maxAgeMs: 1500',
      '  mqtt:',
      `    url: ${broker.url}`,
      '    reconnectMs: 500',
      'notify:',
      '  flushTimeoutMs: 1000',
      '  notifiers:',
      '    - type: webhook',
      `      url: ${receiver.url}`,
      `      secretEnv: ${SECRET_ENV}`,
      ...retry,
      '    - type: webhook',
      `      url: ${downReceiver.url}`,
      `      secretEnv: ${SECRET_ENV}`,
      ...retry,
    ].join('\n'),
    'raqib.yaml',
  );
  server = await startServer(config, { onWarning: (message) => warnings.push(message) });
  operator = (await createApiToken(server.store, { name: 'ground station', role: 'operator' }, 'system')).token;
  admin = (await createApiToken(server.store, { name: 'setup', role: 'admin' }, 'system')).token;
  server.bus.subscribe('streams/cam1/readings', (message: LiveMessage) => readings.push(message.data as Reading));
}, 30_000);

afterAll(async () => {
  publisher?.kill();
  await publisher?.exited;
  await mqttClient?.endAsync(true);
  await server?.close();
  await receiver.stop();
  await broker.dispose();
  delete process.env[SECRET_ENV];
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('raqib serve: live telemetry and alert notifications (real RTMP push, Mosquitto, webhook)', () => {
  it('HTTP and MQTT telemetry give live readings persons per m² and geo zones; bad and stale samples give none', async () => {
    const clip = join(dir, 'crowd.mp4');
    const gt = JSON.parse(readFileSync(join(partB, 'ground-truth/GT_IMG_148.json'), 'utf8')) as {
      points: [number, number][];
    };
    await makePanZoomClip({
      imagePath: join(partB, 'images/IMG_148.jpg'),
      points: gt.points.map(([x, y]) => [x - 1, y - 1] as const),
      outPath: clip,
      fps: 5,
      frames: 10,
      widthPx: WIDTH_PX,
      heightPx: HEIGHT_PX,
      from: { x: 0, y: 0, width: 1024, height: 576 },
      to: { x: 160, y: 240, width: 768, height: 432 },
    });
    expect((await api('/api/v1/events', admin, { method: 'POST', body: { id: 'match', name: 'Match' } })).status).toBe(
      201,
    );
    const stream = { id: 'cam1', eventId: 'match', name: 'Drone 1' };
    expect((await api('/api/v1/streams', admin, { method: 'POST', body: stream })).status).toBe(201);
    expect((await api('/api/v1/streams/cam1/zones', operator, { method: 'PUT', body: plazaZone() })).status).toBe(200);
    // Anyone in the frame for 1 s raises a warning: the alert the notifiers get.
    const rules = {
      version: 1,
      zones: { frame: { kind: 'restricted', restricted: { warning: { raise: 1, clear: 0.5, sustainS: 1 } } } },
    };
    expect((await api('/api/v1/streams/cam1/rules', admin, { method: 'PUT', body: rules })).status).toBe(200);
    const { publishKey } = (await api('/api/v1/streams/cam1/publish-key', admin, { method: 'POST' })).body as {
      publishKey: string;
    };

    // HTTP: a ground station pushes 5 samples a second at 60 m.
    const sample = (altitudeM: number) => ({
      timeMs: Date.now(),
      ...DRONE,
      relativeAltitudeM: altitudeM,
      focalLength35mm: 24,
      gimbalPitchDeg: -90,
      headingDeg: 0,
    });
    expect(await pushTelemetry(sample(60))).toMatchObject({ status: 200, body: { accepted: 1, skipped: 0 } });
    let pushing = true;
    const pusher = (async () => {
      while (pushing) {
        await pushTelemetry(sample(60)).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    publisher = publishRtmp(`rtmp://127.0.0.1:${server.live.rtmpPort}/live/${publishKey}`, { filePath: clip, fps: 5 });

    const startedMs = Date.now();
    const withGsd = await waitUntil(
      'a reading with its ground area',
      () => readings.find((r) => frameZone(r).areaM2 !== undefined),
      40_000,
    );
    expect(frameZone(withGsd).areaM2).toBeCloseTo(frameAreaM2(60), -1); // 4556 m² within 5 m²
    expect(frameZone(withGsd).densityPerM2).toBeCloseTo(frameZone(withGsd).count / frameZone(withGsd).areaM2!, 9);
    // The geo zone is placed through the pushed position: 20 m x 20 m under the drone.
    const plaza = await waitUntil(
      'a reading of the plaza geo zone',
      () => readings.map((r) => r.zones.find((z) => z.zoneId === 'plaza')).find(Boolean),
      5000,
    );
    expect(plaza!.areaM2).toBeGreaterThan(390);
    expect(plaza!.areaM2).toBeLessThan(410);
    expect(plaza!.densityPerM2).toBeGreaterThanOrEqual(0);

    // A bad sample is refused with its field: a jump of 11 km in a fraction of a second, a string altitude.
    const jump = await pushTelemetry({ ...sample(60), lat: DRONE.lat + 0.1 });
    expect(jump.status).toBe(400);
    expect((jump.body.error as { message: string }).message).toMatch(/^body\.lat: position moved 11\.1 km in /);
    const wrongType = await pushTelemetry({ ...sample(60), relativeAltitudeM: '60 m' });
    expect(wrongType.status).toBe(400);
    expect((wrongType.body.error as { message: string }).message).toMatch(/^body\.relativeAltitudeM: /);

    // Stale: no sample for longer than telemetry.maxAgeMs (1.5 s): readings without m², counted.
    pushing = false;
    await pusher;
    const stoppedAtMs = Date.now();
    const stale = await waitUntil(
      'a stale reading without ground area',
      () => readings.find((r) => r.capturedAtMs > stoppedAtMs + 1600 && frameZone(r).areaM2 === undefined),
      10_000,
    );
    expect(stale.zones.find((z) => z.zoneId === 'plaza')).toBeUndefined(); // a geo zone needs the position
    const listed = (await api('/api/v1/streams/cam1', operator)).body;
    expect(listed.telemetry).toMatchObject({ lastChannel: 'http', refusedSamples: 1 });
    const health = listed.telemetry as { framesStale: number; framesWithPose: number; samples: number };
    expect(health.framesStale).toBeGreaterThan(0);
    expect(health.framesWithPose).toBeGreaterThan(0);
    expect(health.samples).toBeGreaterThan(1);

    // MQTT: the same samples from a broker, now at 40 m (4/9 of the ground area); a bad one is a warning line.
    mqttClient = connect(broker.url, { reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      mqttClient!.once('connect', () => resolve());
      mqttClient!.once('error', reject);
    });
    await mqttClient.publishAsync(
      'raqib/streams/cam1/telemetry',
      JSON.stringify({ ...sample(40), gimbalPitchDeg: 'down' }),
    );
    const mqttStartMs = Date.now();
    let publishing = true;
    const mqttPusher = (async () => {
      while (publishing) {
        await mqttClient!
          .publishAsync('raqib/streams/cam1/telemetry', JSON.stringify(sample(40)))
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const viaMqtt = await waitUntil(
      'a reading scaled by the MQTT telemetry',
      () => readings.find((r) => r.capturedAtMs > mqttStartMs && frameZone(r).areaM2 !== undefined),
      10_000,
    );
    publishing = false;
    await mqttPusher;
    expect(frameZone(viaMqtt).areaM2).toBeCloseTo(frameAreaM2(40), -1);
    expect(warnings.find((w) => w.includes('MQTT telemetry') && w.includes('refused'))).toMatch(
      /^stream cam1: MQTT telemetry on raqib\/streams\/cam1\/telemetry refused: message\.gimbalPitchDeg: /,
    );
    expect((await api('/api/v1/streams/cam1', operator)).body.telemetry).toMatchObject({ lastChannel: 'mqtt' });
    process.stderr.write(
      `serve-live-telemetry e2e: first reading with m² ${withGsd.capturedAtMs - startedMs} ms after the publisher started; ` +
        `first stale reading ${stale.capturedAtMs - stoppedAtMs} ms after the last HTTP sample (maxAgeMs 1500); ` +
        `first MQTT-scaled reading ${viaMqtt.capturedAtMs - mqttStartMs} ms after MQTT publishing began\n`,
    );
  }, 90_000);

  it('a live alert reaches the webhook; the one that is down gets it dead-lettered while the stream runs on', async () => {
    const delivered = await waitUntil(
      'the alert at the webhook',
      () => {
        const request = receiver.requests.find((r) => (JSON.parse(r.body) as NotifyPayload).event.streamId === 'cam1');
        return request && (JSON.parse(request.body) as NotifyPayload);
      },
      30_000,
    );
    expect(delivered.event).toMatchObject({ type: 'raised', rule: 'restricted', zoneId: 'frame', severity: 'warning' });
    const deadLetterPath = join(dataDir, 'notify-dead-letter.jsonl');
    const deadLetter = await waitUntil(
      'the dead letter for the webhook that is down',
      () => {
        if (!existsSync(deadLetterPath)) return undefined;
        const lines = readFileSync(deadLetterPath, 'utf8').trim().split('\n');
        return lines
          .map((line) => JSON.parse(line) as DeadLetterRecord)
          .find((r) => r.idempotencyKey === delivered.idempotencyKey);
      },
      10_000,
    );
    expect(deadLetter.destination).toContain(`127.0.0.1:${downReceiver.port}`);
    expect(deadLetter.attempts).toBe(2);
    // The stream keeps analysing after the dead letter.
    const afterMs = Date.now();
    await waitUntil(
      'readings after the dead letter',
      () => readings.find((r) => r.capturedAtMs > afterMs + 1000),
      10_000,
    );
    expect(server.live.status('cam1')?.state).toBe('live');
    const listed = (await api('/api/v1/streams/cam1', operator)).body;
    expect(listed.notifications).toMatchObject({ sent: expect.any(Number), deadLettered: expect.any(Number) });
    const counts = listed.notifications as { sent: number; deadLettered: number };
    expect(counts.sent).toBeGreaterThanOrEqual(1);
    expect(counts.deadLettered).toBeGreaterThanOrEqual(1);
    expect(warnings.some((w) => w.startsWith(`notifications: webhook http://127.0.0.1:${downReceiver.port}`))).toBe(
      true,
    );
  }, 40_000);
});

function frameZone(reading: Reading) {
  return reading.zones.find((z) => z.zoneId === 'frame') ?? { zoneId: 'frame', count: reading.count };
}
