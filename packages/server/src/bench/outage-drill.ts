/**
 * `npm run drill:outage`: a real publisher outage through `raqib serve` (the real startServer with its
 * nginx RTMP ingest and default supervisor timings: 20 s stall, backoff 2..60 s with 20 % jitter).
 * An ffmpeg "drone" publishes with -re; once the stream is live it is killed (SIGKILL), the outage
 * lasts RAQIB_DRILL_OUTAGE_S seconds (default 300), then the drone publishes again. Prints when the
 * stream was declared stalled, every reconnect wait, the restart count over the outage (the restart
 * storm check) and how long after the new publisher started the stream was live again.
 *
 * Env: RAQIB_DRILL_OUTAGE_S (default 300); RAQIB_MODEL (default the fixture model: the drill is about
 * the supervisor, not the model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatePublishKey } from '../auth/publish-keys.js';
import { repoRoot } from '../inference/index.js';
import type { StreamTransition } from '../live/stream-supervisor.js';
import { publishRtmp, type TestPublisher } from '../live/testing/rtmp-publisher.js';
import { parseServerConfig } from '../serve/read-server-config.js';
import { startServer } from '../serve/start-server.js';
import { waitUntil } from '../testing/wait-until.js';

const outageS = Number(process.env.RAQIB_DRILL_OUTAGE_S?.trim() || '300');
if (!(outageS > 0)) throw new Error(`RAQIB_DRILL_OUTAGE_S must be > 0, got ${process.env.RAQIB_DRILL_OUTAGE_S}`);
const modelPath =
  process.env.RAQIB_MODEL?.trim() || join(repoRoot(), 'packages/server/test-fixtures/fixture-density.onnx');
const STREAM = 'drill-drone';

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const dir = mkdtempSync(join(tmpdir(), 'raqib-drill-outage-'));
const config = parseServerConfig(
  ['server:', '  port: 0', 'ingest:', '  port: 0', 'live:', '  fps: 2', `  modelPath: ${modelPath}`].join('\n') +
    `\nstorage:\n  dataDir: ${join(dir, 'data')}\n`,
  'drill.yaml',
);
const server = await startServer(config, { onWarning: (message) => out(`warning: ${message}`) });
let publisher: TestPublisher | null = null;
try {
  await server.store.createEvent({ id: 'drill', name: 'Outage drill' }, 'system:drill');
  await server.store.createStream({ id: STREAM, eventId: 'drill', name: 'Drill drone' }, 'system:drill');
  const key = await rotatePublishKey(server.store, STREAM, 'system:drill');
  const transitions: (StreamTransition & { wallMs: number })[] = [];
  server.bus.subscribe('streams/health', (message) => {
    const transition = message.data as StreamTransition;
    if (transition.streamId === STREAM) transitions.push({ ...transition, wallMs: Date.now() });
  });
  const publishUrl = `rtmp://127.0.0.1:${server.live.rtmpPort}/live/${key}`;
  const state = () => server.live.status(STREAM)?.state;

  publisher = publishRtmp(publishUrl, { widthPx: 320, heightPx: 180, fps: 10 });
  await waitUntil('the stream live', () => state() === 'live', 60_000);
  await sleep(5_000);
  out(`drill: stream live; killing the publisher for ${outageS} s`);
  publisher.kill();
  const killedAtMs = Date.now();
  const fromKill = transitions.length;
  await waitUntil('stalled', () => transitions.slice(fromKill).some((t) => t.to === 'stalled'), 30_000);
  const stalled = transitions.slice(fromKill).find((t) => t.to === 'stalled')!;
  out(`drill: stalled ${((stalled.wallMs - killedAtMs) / 1000).toFixed(1)} s after the kill (${stalled.reason})`);
  const restartsAtKill = server.live.status(STREAM)!.restarts;
  await sleep(Math.max(0, killedAtMs + outageS * 1000 - Date.now()));
  const outage = transitions.slice(fromKill);
  const restarts = server.live.status(STREAM)!.restarts - restartsAtKill;
  const waitsS = outage.filter((t) => t.to === 'reconnecting').map((t) => ((t.retryInMs ?? 0) / 1000).toFixed(1));
  out(`drill: ${restarts} restarts in ${outageS} s of outage; reconnect waits (s): ${waitsS.join(', ')}`);

  const republishedAtMs = Date.now();
  const fromRepublish = transitions.length;
  publisher = publishRtmp(publishUrl, { widthPx: 320, heightPx: 180, fps: 10 });
  await waitUntil('live again', () => transitions.slice(fromRepublish).some((t) => t.to === 'live'), 60_000);
  const live = transitions.slice(fromRepublish).find((t) => t.to === 'live')!;
  out(
    `drill: live again ${((live.wallMs - republishedAtMs) / 1000).toFixed(1)} s after the publisher started again ` +
      `(${transitions
        .slice(fromRepublish)
        .map((t) => `${t.to}: ${t.reason}`)
        .join(' -> ')})`,
  );
  out(
    JSON.stringify({
      outageS,
      stalledAfterS: +((stalled.wallMs - killedAtMs) / 1000).toFixed(1),
      restarts,
      waitsS: waitsS.map(Number),
      liveAgainAfterS: +((live.wallMs - republishedAtMs) / 1000).toFixed(1),
    }),
  );
} finally {
  publisher?.kill();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
