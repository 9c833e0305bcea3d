import { describe, expect, it } from 'vitest';
import { RaqibError } from '@raqib/core';
import { waitUntil } from '../testing/wait-until.js';
import { BufferedStore } from './buffered-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { rampAlertEvents } from './store-contract.js';
import type { Store } from './store.js';
import type { ReadingBucket } from './store-records.js';

const T0 = Date.UTC(2026, 5, 1, 18);

/**
 * A real SQLite store behind a switch: while `down`, every call fails as unreachable; with
 * `loseAcks`, calls reach the database but their answer is lost (committed, then reported failed).
 */
function flaky(inner: Store): { store: Store; state: { down: boolean; loseAcks: boolean; calls: number } } {
  const state = { down: false, loseAcks: false, calls: 0 };
  const unavailable = () => new RaqibError('STORAGE_UNAVAILABLE', 'the database cannot be reached (ECONNREFUSED)');
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || key === 'close') return value;
      return async (...args: unknown[]) => {
        state.calls += 1;
        if (state.down) throw unavailable();
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        if (state.loseAcks) throw unavailable();
        return result;
      };
    },
  });
  return { store, state };
}

function bucket(second: number): ReadingBucket {
  return {
    streamId: 'cam1',
    zoneId: 'plaza',
    resolution: '1s',
    bucketStartMs: T0 + second * 1000,
    samples: 2,
    countMean: second,
    countMax: second,
    densityPerM2Mean: null,
    peakLocalDensityPerM2Max: null,
    inCount: null,
    outCount: null,
    meanSpeedMPerS: null,
  };
}

describe('BufferedStore', () => {
  it('buffers pipeline writes while the database is unreachable and stores each once when it is back', async () => {
    const sqlite = SqliteStore.open({ path: ':memory:' });
    const { store: inner, state } = flaky(sqlite);
    const store = new BufferedStore(inner, { retryMinMs: 5, retryMaxMs: 20 });
    const events = rampAlertEvents();
    await store.putReadings([bucket(0)]);
    await store.recordAlertEvent(events[0]!, T0);

    state.down = true;
    for (let second = 1; second < 30; second++) expect(await store.putReadings([bucket(second)])).toBe(1);
    for (const [i, event] of events.entries()) expect(await store.recordAlertEvent(event, T0 + i)).toBe(true);
    expect(store.buffered()).toEqual({ readings: 29, alerts: events.length, states: 0 });
    // Reads and operators' changes are not buffered: they fail fast.
    await expect(store.listAlerts({ state: 'all', limit: 10 })).rejects.toThrow(/cannot be reached/);

    // Back, but the first answers are lost after committing: the retries must not store twice.
    state.down = false;
    state.loseAcks = true;
    await waitUntil('retries reaching the database', () => state.calls > 40, 5000, 5);
    state.loseAcks = false;
    await waitUntil('the buffer drained', () => store.buffered().readings + store.buffered().alerts === 0, 5000, 5);

    const readings = await store.listReadings({
      streamId: 'cam1',
      resolution: '1s',
      fromMs: T0,
      toMs: T0 + 60_000,
      limit: 100,
    });
    expect(readings.map((b) => b.countMean)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const alerts = await store.listAlerts({ state: 'all', limit: 100 });
    expect(alerts).toHaveLength(events.filter((e) => e.type !== 'cleared').length);
    for (const alert of alerts) {
      const kinds = (await store.alertHistory(alert.id)).map((h) => h.kind);
      expect(kinds.filter((kind) => kind === 'cleared')).toHaveLength(1);
      expect(kinds).toHaveLength(2);
    }
    await store.close();
  });

  it('drops the oldest reading buckets past its bound, never alerts', async () => {
    const { store: inner, state } = flaky(SqliteStore.open({ path: ':memory:' }));
    const store = new BufferedStore(inner, { retryMinMs: 5, retryMaxMs: 5, maxBufferedReadings: 10 });
    state.down = true;
    const [event] = rampAlertEvents();
    await store.recordAlertEvent(event!, T0);
    for (let second = 0; second < 25; second++) await store.putReadings([bucket(second)]);
    expect(store.buffered()).toEqual({ readings: 10, alerts: 1, states: 0 });
    state.down = false;
    await waitUntil('the buffered readings stored', () => store.buffered().readings === 0, 5000, 5);
    const kept = await store.listReadings({ streamId: 'cam1', resolution: '1s', fromMs: 0, toMs: T0 * 2, limit: 100 });
    expect(kept.map((b) => b.countMean)).toEqual(Array.from({ length: 10 }, (_, i) => 15 + i));
    expect(await store.getAlert(event!.id)).toBeDefined();
    await store.close();
  });

  it('passes other errors to the caller, and close() gives up on a database that stays down', async () => {
    const { store: inner, state } = flaky(SqliteStore.open({ path: ':memory:' }));
    const store = new BufferedStore(inner, { retryMinMs: 5, retryMaxMs: 5, closeWaitMs: 100 });
    await expect(
      store.recordStreamState({ streamId: 'nope', state: 'live', atMs: T0, reason: null }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    state.down = true;
    await store.putReadings([bucket(0)]);
    const started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.buffered().readings).toBe(1);
  });
});
