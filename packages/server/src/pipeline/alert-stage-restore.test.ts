import { describe, expect, it } from 'vitest';
import { Detections, parseRulesConfig, parseZones, type FrameAnalysis } from '@raqib/core';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { StoreRecorder } from '../storage/store-recorder.js';
import { AlertStage } from './alert-stage.js';

// A live stream's alert stage over a crash: run 1 opens alerts and dies without finishing (SIGKILL),
// run 2 (stream time from 0 again, later capture times) reads the store's open alerts back.
const T0 = Date.UTC(2026, 5, 1, 18);
const zones = parseZones(
  JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'plaza', kind: 'standing' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0.1, 0.1],
              [0.9, 0.1],
              [0.9, 0.9],
              [0.1, 0.1],
            ],
          ],
        },
      },
    ],
  }),
  'zones',
);

function frame(seq: number, runStartMs: number, densityPerM2: number): FrameAnalysis {
  const timeS = seq / 2;
  return {
    frame: {
      streamId: 'cam1',
      seq,
      ptsMs: timeS * 1000,
      width: 960,
      height: 540,
      capturedAtMs: runStartMs + timeS * 1000,
    },
    timeS,
    count: densityPerM2 * 100,
    detections: Detections.empty(),
    zones: [{ zoneId: 'plaza', kind: 'area', count: densityPerM2 * 100, areaM2: 100, densityPerM2 }],
  };
}

/** One run of the stream's alert stage feeding the store as serve does; returns the stage. */
function liveRun(store: Store, runStartMs: number, rules?: unknown) {
  const recorder = new StoreRecorder(store, 'cam1', runStartMs);
  const stage = new AlertStage({
    zones,
    streamId: 'cam1',
    ...(rules ? { rules: parseRulesConfig(rules, 'rules') } : {}),
    listeners: [(event) => recorder.recordAlert(event)],
    idsFromCaptureTime: true,
    openAlerts: () => recorder.openAlerts(),
  });
  return {
    stage,
    feed: async (fromSeq: number, toSeq: number, density: (timeS: number) => number) => {
      for (let seq = fromSeq; seq <= toSeq; seq++) {
        const analysis = frame(seq, runStartMs, density(seq / 2));
        await stage.process({ analysis, inferenceMs: 0 });
        await recorder.write(analysis);
      }
    },
  };
}

const ramp = (timeS: number) => Math.min(6, 1 + (5 * timeS) / 120);

describe('AlertStage on a live stream restarted after a crash', () => {
  it('carries the open alerts on under their ids and clears them when the condition ends', async () => {
    const store = SqliteStore.open({ path: ':memory:', nowMs: () => T0 + 160_000 });
    try {
      await liveRun(store, T0).feed(0, 300, ramp); // 150 s up to 6 persons/m²: alerts open; then killed
      const before = await store.listAlerts({ state: 'all', limit: 100 });
      const open = before.filter((a) => a.condition === 'active' && a.rule === 'density');
      expect(open.map((a) => a.severity)).toEqual(['critical', 'danger', 'warning', 'info']);
      // Ids carry the wall time of the raise.
      for (const alert of open) expect(alert.id.endsWith(`:${alert.raisedAtMs}`)).toBe(true);
      await store.applyAlertAction(open[3]!.id, { kind: 'acknowledge', note: 'on it' }, 'user:alice');

      const second = liveRun(store, T0 + 200_000);
      await second.feed(0, 120, () => 6); // 60 s more at 6: nothing new
      const during = await store.listAlerts({ state: 'all', limit: 100 });
      expect(during.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
      await second.feed(121, 600, (t) => Math.max(1, 6 - (t - 60) / 10)); // the crowd thins out
      const after = await store.listAlerts({ state: 'all', limit: 100 });
      expect(after.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
      for (const alert of open) {
        expect(after.find((a) => a.id === alert.id)).toMatchObject({
          condition: 'cleared',
          clearReason: 'value-cleared',
        });
      }
      expect(after.find((a) => a.id === open[3]!.id)?.status).toBe('acknowledged');
      // The clear happened in run 2; its duration counts from the raise in run 1.
      const info = await store.alertHistory(open[3]!.id);
      expect(info.map((h) => h.kind)).toEqual(['raised', 'acknowledged', 'cleared']);
      expect(info[2]!.atMs).toBeGreaterThan(T0 + 200_000);
    } finally {
      await store.close();
    }
  });

  it('clears with rules-changed what the rules no longer have, and starts without them when the store fails', async () => {
    const store = SqliteStore.open({ path: ':memory:', nowMs: () => T0 + 160_000 });
    try {
      await liveRun(store, T0).feed(0, 300, ramp);
      const open = (await store.listAlerts({ state: 'all', limit: 100 })).filter(
        (a) => a.condition === 'active' && a.rule === 'density',
      );
      // The density rule was turned off while the server was down.
      const off = liveRun(store, T0 + 200_000, { version: 1, defaults: { density: { enabled: false } } });
      await off.feed(0, 0, () => 6);
      for (const alert of open) {
        expect(await store.getAlert(alert.id)).toMatchObject({ condition: 'cleared', clearReason: 'rules-changed' });
      }

      // A store that cannot answer: the stream is analysed anyway (its alerts raised anew).
      const failing = Object.create(store) as Store;
      failing.listAlerts = () => Promise.reject(new Error('database unavailable'));
      const run = liveRun(failing, T0 + 400_000);
      await run.feed(0, 200, () => 6);
      const raisedLater = (await store.listAlerts({ state: 'all', limit: 100 })).filter(
        (a) => a.rule === 'density' && a.raisedAtMs > T0 + 400_000,
      );
      expect(raisedLater.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
