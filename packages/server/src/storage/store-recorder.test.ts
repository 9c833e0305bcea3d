import { describe, expect, it } from 'vitest';
import { AlertEngine, Detections, type FrameAnalysis } from '@raqib/core';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { StoreRecorder } from './store-recorder.js';

const T0 = Date.UTC(2026, 5, 1, 18);

function frame(seq: number, fps: number, densityPerM2: number, live: boolean): FrameAnalysis {
  const timeS = seq / fps;
  return {
    frame: {
      streamId: 'cam1',
      seq,
      ptsMs: timeS * 1000,
      width: 960,
      height: 540,
      ...(live ? { capturedAtMs: T0 + 5000 + timeS * 1000 } : {}),
    },
    timeS,
    count: densityPerM2 * 100,
    detections: Detections.empty(),
    zones: [{ zoneId: 'plaza', kind: 'area', count: densityPerM2 * 100, areaM2: 100, densityPerM2 }],
  };
}

describe('StoreRecorder', () => {
  it('stores a stream’s readings and alerts at wall time, once even when the stream is replayed', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const run = async () => {
      const recorder = new StoreRecorder(store, 'cam1', T0);
      const engine = new AlertEngine({ streamId: 'cam1' });
      for (let seq = 0; seq < 2 * 200; seq++) {
        const analysis = frame(seq, 2, seq < 200 ? 1 + seq / 40 : 1, true);
        await recorder.write(analysis);
        for (const event of engine.evaluate({ timeS: analysis.timeS, readings: analysis.zones })) {
          await recorder.recordAlert(event);
        }
      }
      for (const event of engine.finish()) await recorder.recordAlert(event);
      await recorder.close();
    };
    await run();
    const readings = await store.listReadings({
      streamId: 'cam1',
      resolution: '1s',
      fromMs: 0,
      toMs: T0 + 3_600_000,
      limit: 1000,
    });
    expect(readings).toHaveLength(200);
    expect(readings[0]).toMatchObject({ bucketStartMs: T0 + 5000, samples: 2 });
    const alerts = await store.listAlerts({ state: 'all', limit: 100 });
    expect(alerts.length).toBeGreaterThan(1);
    // Alert times are wall times: capture time of the deciding frame.
    for (const alert of alerts) expect(alert.raisedAtMs).toBe(T0 + 5000 + alert.evidence.startedAtS * 1000);
    const auditRows = (await store.listAudit(0, 1000)).length;
    await run();
    expect(await store.listAlerts({ state: 'all', limit: 100 })).toHaveLength(alerts.length);
    expect(
      await store.listReadings({ streamId: 'cam1', resolution: '1m', fromMs: 0, toMs: T0 + 3_600_000, limit: 10 }),
    ).toHaveLength(4);
    expect((await store.listAudit(0, 1000)).length).toBe(auditRows);
    await store.close();
  });

  it('places frames without capture time from the stream start', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const recorder = new StoreRecorder(store, 'cam1', T0);
    for (let seq = 0; seq < 4; seq++) await recorder.write(frame(seq, 2, 1, false));
    await recorder.close();
    const buckets = await store.listReadings({
      streamId: 'cam1',
      resolution: '1s',
      fromMs: 0,
      toMs: T0 + 10_000,
      limit: 10,
    });
    expect(buckets.map((b) => b.bucketStartMs - T0)).toEqual([0, 1000]);
    await store.close();
  });
});
