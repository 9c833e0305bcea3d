import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEngine, Detections, type AlertEvent, type FrameAnalysis } from '@raqib/core';
import { BufferedStore } from '../buffered-store.js';
import { ReadingDownsampler } from '../reading-downsampler.js';
import { StoreRecorder } from '../store-recorder.js';
import type { ReadingBucket } from '../store-records.js';
import {
  POSTGRES_SKIP_REASON,
  postgresBinForTests,
  startPostgresServer,
  type PostgresTestServer,
} from '../testing/postgres-server.js';
import { PostgresStore } from './postgres-store.js';

const bin = postgresBinForTests();
let server: PostgresTestServer;
const T0 = Date.UTC(2026, 5, 1, 18);
const FPS = 2;
/** Wall time without PostgreSQL; RAQIB_PG_OUTAGE_MS=60000 runs the acceptance drill's full minute. */
const OUTAGE_MS = Number(process.env.RAQIB_PG_OUTAGE_MS ?? 3000);

/** A live frame at `seq`: plaza density ramps 1 -> 6 -> 1 persons/m² (raises, escalates, clears). */
function frame(seq: number): FrameAnalysis {
  const timeS = seq / FPS;
  const densityPerM2 = timeS <= 120 ? 1 + (5 * timeS) / 120 : timeS <= 180 ? 6 : Math.max(1, 6 - (timeS - 180) / 24);
  return {
    frame: { streamId: 'cam1', seq, ptsMs: timeS * 1000, width: 960, height: 540, capturedAtMs: T0 + timeS * 1000 },
    timeS,
    count: densityPerM2 * 100,
    detections: Detections.empty(),
    zones: [
      { zoneId: 'plaza', kind: 'area', count: densityPerM2 * 100, areaM2: 100, densityPerM2 },
      { zoneId: 'gate', kind: 'line', count: 0, inCount: seq % 3, outCount: seq % 2 },
    ],
  };
}

const bucketKey = (b: ReadingBucket) => `${b.resolution} ${b.zoneId} ${b.bucketStartMs - T0}`;

describe.skipIf(!bin)(`PostgreSQL outage${bin ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  beforeAll(async () => {
    server = await startPostgresServer(bin!);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it(
    'keeps recording through a PostgreSQL crash and restart: every bucket and alert event stored exactly once',
    { timeout: OUTAGE_MS + 120_000 },
    async () => {
      const url = await server.createDatabase();
      // The drill (RAQIB_PG_OUTAGE_MS set) retries as raqib serve does (250 ms doubling to 5 s).
      const drill = process.env.RAQIB_PG_OUTAGE_MS !== undefined;
      const store = new BufferedStore(
        await PostgresStore.open({ url, connectTimeoutMs: 1000 }),
        drill ? {} : { retryMinMs: 50, retryMaxMs: 400 },
      );
      const pending = () => store.buffered().readings + store.buffered().alerts;
      const recorder = new StoreRecorder(store, 'cam1', T0);
      const engine = new AlertEngine({ streamId: 'cam1' });
      const expected = new ReadingDownsampler('cam1');
      const expectedBuckets: ReadingBucket[] = [];
      const events: AlertEvent[] = [];
      const frames = 420 * FPS;
      const outage = { from: Math.round(frames * 0.3), to: Math.round(frames * 0.6) };
      let bufferedAtRestart = { readings: 0, alerts: 0, states: 0 };
      let slowestWriteMs = 0;
      let outageStartedMs = 0;
      let outageMs = 0;
      let restartedAtMs = 0;
      let resumedAfterMs: number | undefined;

      for (let seq = 0; seq < frames; seq++) {
        if (seq === outage.from) {
          await server.stop('immediate');
          outageStartedMs = performance.now();
        }
        if (seq === outage.to) {
          bufferedAtRestart = store.buffered();
          await server.start();
          restartedAtMs = performance.now();
          outageMs = restartedAtMs - outageStartedMs;
        }
        if (restartedAtMs > 0 && resumedAfterMs === undefined && pending() === 0) {
          resumedAfterMs = performance.now() - restartedAtMs;
        }
        const analysis = frame(seq);
        const started = performance.now();
        await recorder.write(analysis);
        for (const event of engine.evaluate({ timeS: analysis.timeS, readings: analysis.zones })) {
          events.push(event);
          await recorder.recordAlert(event);
        }
        if (seq > outage.from && seq < outage.to)
          slowestWriteMs = Math.max(slowestWriteMs, performance.now() - started);
        expectedBuckets.push(...expected.add(analysis.frame.capturedAtMs!, analysis.zones));
        // Live pace, compressed: OUTAGE_MS of wall time without PostgreSQL, the rest as fast as it goes.
        const outageFrames = outage.to - outage.from;
        const paceMs = seq >= outage.from && seq < outage.to ? OUTAGE_MS / outageFrames : seq % 20 === 0 ? 1 : 0;
        if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
      }
      for (const event of engine.finish()) {
        events.push(event);
        await recorder.recordAlert(event);
      }
      await recorder.close();
      expectedBuckets.push(...expected.flush());

      // Writes during the outage were buffered, not lost, and did not hold the pipeline up.
      expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(bufferedAtRestart.readings).toBeGreaterThan(100);
      expect(bufferedAtRestart.alerts).toBeGreaterThan(0);
      expect(slowestWriteMs).toBeLessThan(1000);
      const deadline = Date.now() + 20_000;
      while (pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      resumedAfterMs ??= performance.now() - restartedAtMs;
      expect(store.buffered()).toEqual({ readings: 0, alerts: 0, states: 0 });
      if (drill) {
        process.stderr.write(
          `outage drill: PostgreSQL down ${Math.round(outageMs)} ms, ${bufferedAtRestart.readings} buckets and ` +
            `${bufferedAtRestart.alerts} alert events buffered, all stored ${Math.round(resumedAfterMs)} ms after ` +
            `it was back; slowest pipeline write during the outage ${slowestWriteMs.toFixed(1)} ms\n`,
        );
      }

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = (
          await client.query(
            `SELECT resolution, zone_id, bucket_start_ms::float8 AS start, samples FROM readings
           ORDER BY resolution, zone_id, bucket_start_ms`,
          )
        ).rows as { resolution: string; zone_id: string; start: number; samples: number }[];
        const stored = rows.map((r) => `${r.resolution} ${r.zone_id} ${r.start - T0} ${r.samples}`);
        const wanted = expectedBuckets
          .map((b) => `${bucketKey(b)} ${b.samples}`)
          .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        expect(stored.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))).toEqual(wanted);

        const history = (
          await client.query('SELECT alert_id, event_seq, COUNT(*)::int AS n FROM alert_history GROUP BY 1, 2')
        ).rows as { alert_id: string; event_seq: number; n: number }[];
        expect(history.every((row) => row.n === 1)).toBe(true);
        expect(history).toHaveLength(events.length);
        const alerts = (await client.query('SELECT id, condition FROM alerts')).rows as { condition: string }[];
        expect(alerts).toHaveLength(events.filter((e) => e.type !== 'cleared').length);
        expect(alerts.every((a) => a.condition === 'cleared')).toBe(true);
      } finally {
        await client.end();
      }
      await store.close();
    },
  );
});
