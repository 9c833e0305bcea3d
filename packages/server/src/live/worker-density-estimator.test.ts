import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@raqib/core';
import { createOnnxDensityEstimator } from '../inference/onnx-density-estimator.js';
import { createWorkerDensityEstimator, type WorkerDensityEstimator } from './worker-density-estimator.js';

const image = (width: number, height = 4): RgbImage => ({ width, height, rgb: new Uint8Array(width * height * 3) });
const FAULTY = new URL('./testing/faulty-density-worker.ts', import.meta.url);

// The small fixture model keeps this fast; the bench runs the shipped model through the same pool.
const FIXTURE_MODEL = fileURLToPath(new URL('../../test-fixtures/fixture-density.onnx', import.meta.url));

describe('WorkerDensityEstimator with an ONNX model', () => {
  // A deterministic, non-uniform picture so the density map has structure to compare.
  const crowd: RgbImage = image(480, 272);
  for (let i = 0; i < crowd.rgb.length; i++) crowd.rgb[i] = (i * 2654435761) >>> 24;

  it('gives the same estimate as the in-process estimator and leaves the caller frame intact', async () => {
    const direct = await createOnnxDensityEstimator({ modelPath: FIXTURE_MODEL });
    const pool = await createWorkerDensityEstimator({ workers: 1, estimator: { modelPath: FIXTURE_MODEL } });
    try {
      const before = crowd.rgb.slice();
      const [inWorker, inProcess] = [
        await pool.estimate(crowd, { scale: 1.5 }),
        await direct.estimate(crowd, { scale: 1.5 }),
      ];
      expect(crowd.rgb).toEqual(before); // copied, not transferred away
      expect(inWorker.count).toBeGreaterThan(0);
      expect(inWorker.count).toBeCloseTo(inProcess.count, 4);
      expect(inWorker.density.cols).toBe(inProcess.density.cols);
      expect(Array.from(inWorker.density.values)).toEqual(Array.from(inProcess.density.values));
      expect(inWorker.points.length).toBe(inProcess.points.length);
      expect(Array.from(inWorker.points.xyxy)).toEqual(Array.from(inProcess.points.xyxy));
      // several frames at once queue, each answered
      const many = await Promise.all([pool.estimate(crowd), pool.estimate(crowd), pool.estimate(crowd)]);
      expect(new Set(many.map((e) => e.count.toFixed(5))).size).toBe(1);
      expect(pool.stats()).toMatchObject({ workers: 1, calls: 4, failures: 0, restarts: 0, queued: 0, busy: 0 });
    } finally {
      await pool.close();
      await direct.close();
    }
  });

  it('fails creation with MODEL_LOAD_FAILED naming a missing model', async () => {
    await expect(createWorkerDensityEstimator({ estimator: { modelPath: '/nonexistent/model.onnx' } })).rejects.toThrow(
      /\/nonexistent\/model\.onnx: model file not found/,
    );
  });
});

describe('WorkerDensityEstimator faults', () => {
  let pool: WorkerDensityEstimator;
  beforeAll(async () => {
    pool = await createWorkerDensityEstimator({ workers: 2, callTimeoutMs: 1_000, workerUrl: FAULTY });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('restarts a worker whose call runs over the time limit; other calls go on', async () => {
    const hung = pool.estimate(image(13));
    const fine = await pool.estimate(image(5));
    expect(fine.count).toBe(5);
    await expect(hung).rejects.toThrow(/inference took over 1 s: the frame was dropped and the worker restarted/);
    expect((await pool.estimate(image(6))).count).toBe(6);
    expect((await pool.estimate(image(7))).count).toBe(7);
    expect(pool.stats()).toMatchObject({ timeouts: 1, restarts: 1 });
  });

  it('replaces a crashed worker', async () => {
    const restarts = pool.stats().restarts;
    await expect(pool.estimate(image(17))).rejects.toThrow(/exited with code 3/);
    const after = await Promise.all([pool.estimate(image(8)), pool.estimate(image(9))]);
    expect(after.map((e) => e.count)).toEqual([8, 9]);
    expect(pool.stats().restarts).toBe(restarts + 1);
  });

  it('refuses a frame whose buffer does not match its size', async () => {
    await expect(pool.estimate({ width: 4, height: 4, rgb: new Uint8Array(3) })).rejects.toThrow(/needs 48 RGB bytes/);
  });
});
