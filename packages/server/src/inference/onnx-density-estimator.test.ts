import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRaqibError, type RgbImage } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageFile } from '../ingest/index.js';
import { defaultModelPath } from './default-model-path.js';
import { createOnnxDensityEstimator, type OnnxDensityEstimator } from './onnx-density-estimator.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));
const FIXTURE_S8 = join(FIXTURES, 'fixture-density.onnx');
const FIXTURE_S4 = join(FIXTURES, 'fixture-density-s4.onnx');

/** A deterministic textured image: smooth gradients plus dark blobs. */
function syntheticImage(width: number, height: number, seed = 1): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  const colWave = Float64Array.from({ length: width }, (_, x) => Math.sin(x * 0.07 + seed));
  const colRed = Float64Array.from({ length: width }, (_, x) => 128 + 100 * Math.sin(x / 37 + seed));
  for (let y = 0; y < height; y++) {
    const rowWave = Math.cos(y * 0.05 - seed);
    const green = 128 + 100 * Math.cos(y / 29);
    for (let x = 0; x < width; x++) {
      const blob = colWave[x]! * rowWave > 0.6 ? 0.15 : 1;
      const i = 3 * (y * width + x);
      rgb[i] = Math.round(blob * colRed[x]!);
      rgb[i + 1] = Math.round(blob * green);
      rgb[i + 2] = Math.round(blob * ((x * 7 + y * 13 + seed * 31) % 256));
    }
  }
  return { width, height, rgb };
}

/**
 * The fixture model's function written out independently (see training/fixtures/make_fixture_model.py),
 * on the image padded to multiples of 32 by edge replication: per-pixel darkness
 * relu(0.6 - luminance/255), 3x3 box blur with zeros outside the padded input, summed per
 * stride x stride cell, / 128; cells wholly in the padding dropped.
 */
function fixtureReference(image: RgbImage, stride: number): Float64Array {
  const wp = Math.ceil(image.width / 32) * 32;
  const hp = Math.ceil(image.height / 32) * 32;
  const dark = new Float64Array(wp * hp);
  for (let y = 0; y < hp; y++) {
    for (let x = 0; x < wp; x++) {
      const i = 3 * (Math.min(y, image.height - 1) * image.width + Math.min(x, image.width - 1));
      const lum = (0.299 * image.rgb[i]! + 0.587 * image.rgb[i + 1]! + 0.114 * image.rgb[i + 2]!) / 255;
      dark[y * wp + x] = Math.max(0, 0.6 - lum);
    }
  }
  const cols = Math.ceil(image.width / stride);
  const rows = Math.ceil(image.height / stride);
  const cells = new Float64Array(cols * rows);
  for (let y = 0; y < rows * stride; y++) {
    for (let x = 0; x < cols * stride; x++) {
      let blur = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < wp && yy < hp) blur += dark[yy * wp + xx]!;
        }
      }
      const c = Math.floor(y / stride) * cols + Math.floor(x / stride);
      cells[c] = cells[c]! + blur / 9 / 128;
    }
  }
  return cells;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

describe('OnnxDensityEstimator on the fixture model', () => {
  let estimator: OnnxDensityEstimator;
  beforeAll(async () => {
    estimator = await createOnnxDensityEstimator({ modelPath: FIXTURE_S8, threads: 1 });
  });
  afterAll(() => estimator.close());

  it('reads the model metadata', () => {
    expect(estimator.model).toMatchObject({ name: 'raqib-fixture-density', outputStridePx: 8, inputMultiplePx: 32 });
  });

  it('matches an independent computation, padding cropped, on a size that is not a multiple of 32', async () => {
    const image = syntheticImage(203, 101);
    const estimate = await estimator.estimate(image);
    const reference = fixtureReference(image, 8);
    expect(estimate.density).toMatchObject({ cols: 26, rows: 13, cellPx: 8 });
    expect(estimate.tiles).toBe(1);
    for (let i = 0; i < reference.length; i++) expect(estimate.density.values[i]).toBeCloseTo(reference[i]!, 4);
    expect(estimate.count).toBeCloseTo(sum(reference), 3);
    expect(estimate.count).toBeGreaterThan(10);
    expect(estimate.points.length).toBeLessThanOrEqual(Math.round(estimate.count));
    expect(estimate.inferenceMs).toBeGreaterThan(0);
  });

  it('tiles a 4K frame and stitches exactly the density of the whole frame', async () => {
    const image = syntheticImage(3840, 2160, 3);
    const whole = await createOnnxDensityEstimator({ modelPath: FIXTURE_S8, threads: 1, maxTilePixels: 3840 * 2176 });
    try {
      const [tiled, reference] = [await estimator.estimate(image), await whole.estimate(image)];
      expect(tiled.tiles).toBeGreaterThan(1);
      expect(reference.tiles).toBe(1);
      expect(tiled.density.cols).toBe(480);
      expect(tiled.density.rows).toBe(270);
      let maxDiff = 0;
      for (let i = 0; i < reference.density.values.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(tiled.density.values[i]! - reference.density.values[i]!));
      }
      expect(maxDiff).toBeLessThan(1e-6);
      expect(tiled.count).toBeCloseTo(reference.count, 2);
      expect(tiled.points.length).toBe(reference.points.length);
    } finally {
      await whole.close();
    }
  });

  it('stitches small tiles of an odd-sized image exactly (overlap 32, stride 8)', async () => {
    const image = syntheticImage(777, 333, 5);
    const small = await createOnnxDensityEstimator({
      modelPath: FIXTURE_S8,
      threads: 1,
      maxTilePixels: 160 * 160,
      overlapPx: 32,
    });
    try {
      const estimate = await small.estimate(image);
      expect(estimate.tiles).toBeGreaterThan(10);
      const reference = fixtureReference(image, 8);
      for (let i = 0; i < reference.length; i++) expect(estimate.density.values[i]).toBeCloseTo(reference[i]!, 4);
    } finally {
      await small.close();
    }
  });

  it('derives the stride from the shapes when there is no metadata (stride-4 model)', async () => {
    const s4 = await createOnnxDensityEstimator({ modelPath: FIXTURE_S4, threads: 1 });
    try {
      expect(s4.model.outputStridePx).toBe(4);
      expect(s4.model.name).toBe('unknown');
      const image = syntheticImage(320, 200, 2);
      const [a, b] = [await s4.estimate(image), await estimator.estimate(image)];
      expect(a.density).toMatchObject({ cols: 80, rows: 50, cellPx: 4 });
      expect(a.count).toBeCloseTo(b.count, 2);
    } finally {
      await s4.close();
    }
  });

  it('applies the people scale and maps cells and points back to the original pixels', async () => {
    // white image with one dark 12x12 square centred at (100, 60)
    const rgb = new Uint8Array(200 * 120 * 3).fill(255);
    for (let y = 54; y < 66; y++) for (let x = 94; x < 106; x++) rgb.fill(0, 3 * (y * 200 + x), 3 * (y * 200 + x) + 3);
    const image = { width: 200, height: 120, rgb };
    const one = await estimator.estimate(image);
    const two = await estimator.estimate(image, { scale: 2 });
    expect(two.density).toMatchObject({ cols: 50, rows: 30, cellPx: 4 });
    // the fixture's density is per pixel, so twice the size means about four times the "count"
    expect(two.count / one.count).toBeGreaterThan(3.6);
    expect(two.count / one.count).toBeLessThan(4.4);
    const [x, y] = two.points.centers();
    expect(two.points.length).toBeGreaterThan(0);
    expect(Math.hypot(x! - 100, y! - 60)).toBeLessThan(4);
  });

  it('estimates frames one at a time when called concurrently', async () => {
    const images = [syntheticImage(256, 160, 1), syntheticImage(480, 256, 2), syntheticImage(256, 160, 3)];
    const sequential = [];
    for (const image of images) sequential.push((await estimator.estimate(image)).count);
    const concurrent = await Promise.all(images.map((image) => estimator.estimate(image)));
    expect(concurrent.map((e) => e.count)).toEqual(sequential);
  });

  it('rejects bad frames and bad options clearly', async () => {
    const bad = [
      estimator.estimate({ width: 10, height: 10, rgb: new Uint8Array(10) }),
      estimator.estimate(syntheticImage(64, 64), { scale: 0 }),
      estimator.estimate({ width: 0, height: 10, rgb: new Uint8Array(0) }),
    ];
    for (const promise of bad) {
      const error = await promise.catch((e: unknown) => e);
      expect(isRaqibError(error, 'INPUT_INVALID')).toBe(true);
    }
    await expect(estimator.estimate(syntheticImage(32, 32))).resolves.toBeDefined();
  });
});

describe('createOnnxDensityEstimator errors', () => {
  it('names a missing model file and what to do', async () => {
    const error = await createOnnxDensityEstimator({ modelPath: '/nonexistent/model.onnx' }).catch((e: unknown) => e);
    expect(isRaqibError(error, 'MODEL_LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/\/nonexistent\/model\.onnx: model file not found.*--model/);
  });

  it('names a file that is not a model', async () => {
    const notModel = join(FIXTURES, 'fixture-density.json');
    const error = await createOnnxDensityEstimator({ modelPath: notModel }).catch((e: unknown) => e);
    expect(isRaqibError(error, 'MODEL_LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toContain(notModel);
  });
});

// The real model: mandatory once models/raqib-density.onnx is committed.
const REAL_MODEL = defaultModelPath();
const SHB = fileURLToPath(new URL('../../../../../shared/datasets/ShanghaiTech/part_B/train_data/', import.meta.url));
const realReason = !existsSync(REAL_MODEL)
  ? `${REAL_MODEL} is absent (train/export it first)`
  : !existsSync(SHB)
    ? `${SHB} is absent`
    : '';

describe.skipIf(realReason !== '')(`real density model${realReason ? ` (skipped: ${realReason})` : ''}`, () => {
  it('counts a real crowd image near its annotation, tiled or whole', async () => {
    const estimator = await createOnnxDensityEstimator({ modelPath: REAL_MODEL });
    const tiled = await createOnnxDensityEstimator({ modelPath: REAL_MODEL, maxTilePixels: 576 * 448, overlapPx: 128 });
    try {
      const image = await loadImageFile(join(SHB, 'images', 'IMG_1.jpg'));
      const truth = JSON.parse(await readFile(join(SHB, 'ground-truth', 'GT_IMG_1.json'), 'utf8')) as { count: number };
      const whole = await estimator.estimate(image);
      expect(Math.abs(whole.count - truth.count) / truth.count).toBeLessThan(0.35);
      expect(whole.points.length).toBeGreaterThan(0.8 * whole.count);
      const split = await tiled.estimate(image);
      expect(split.tiles).toBeGreaterThan(1);
      expect(Math.abs(split.count - whole.count) / whole.count).toBeLessThan(0.05);
    } finally {
      await estimator.close();
      await tiled.close();
    }
  });
});
