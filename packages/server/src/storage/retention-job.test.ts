import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { DEFAULT_RETENTION, DAY_MS } from './retention-policy.js';
import { RetentionJob } from './retention-job.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

describe('RetentionJob', () => {
  it('prunes on each pass, and a failing pass is logged without throwing', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const bucket = {
      streamId: 'cam1',
      zoneId: 'z',
      resolution: '1s' as const,
      samples: 1,
      countMean: 1,
      countMax: 1,
      densityPerM2Mean: null,
      peakLocalDensityPerM2Max: null,
      inCount: null,
      outCount: null,
      meanSpeedMPerS: null,
    };
    await store.putReadings([
      { ...bucket, bucketStartMs: 0 },
      { ...bucket, bucketStartMs: 30 * DAY_MS },
    ]);
    const logged: string[] = [];
    const log = {
      info: (_: object, msg: string) => void logged.push(msg),
      error: (_: object, msg: string) => void logged.push(msg),
    } as unknown as Pick<Logger, 'info' | 'error'>;
    const job = new RetentionJob(store, DEFAULT_RETENTION, { nowMs: () => 31 * DAY_MS, log });
    expect((await job.runOnce())?.readings1sDays).toBe(1);
    expect((await job.runOnce())?.readings1sDays).toBe(0);
    expect(logged).toEqual(['retention pass']);
    await store.close();

    const broken = { applyRetention: () => Promise.reject(new Error('database is locked')) } as unknown as Store;
    const failing = new RetentionJob(broken, DEFAULT_RETENTION, { log });
    expect(await failing.runOnce()).toBeUndefined();
    expect(logged[1]).toMatch(/retention pass failed/);
  });
});
