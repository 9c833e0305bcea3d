import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from './default-model-path.js';
import { createOnnxDensityEstimator } from './onnx-density-estimator.js';
import { int8VariantPath, resolveModelPrecision } from './model-precision.js';

const FIXTURE = join(import.meta.dirname, '../../test-fixtures/fixture-density.onnx');
const SHIPPED = join(repoRoot(), 'models/raqib-density.onnx');
const SHIPPED_INT8 = int8VariantPath(SHIPPED);

let dir: string;
let model: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'raqib-precision-'));
  model = join(dir, 'm.onnx');
  copyFileSync(FIXTURE, model);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** An "int8" file beside the model (any ONNX does for the choice) and its metadata. */
function writeInt8(quantizedFrom: unknown): string {
  const int8 = join(dir, 'm.int8.onnx');
  copyFileSync(FIXTURE, int8);
  writeFileSync(
    join(dir, 'm.int8.json'),
    JSON.stringify({ name: 'm', version: '1', precision: 'int8', quantizedFrom }),
  );
  return int8;
}

describe('resolveModelPrecision', () => {
  it('names the int8 variant X.int8.onnx', () => {
    expect(int8VariantPath('/a/models/raqib-density.onnx')).toBe('/a/models/raqib-density.int8.onnx');
  });

  it('auto without an int8 file runs the fp32 model, silently', async () => {
    expect(await resolveModelPrecision(model)).toEqual({ modelPath: model, precision: 'fp32' });
  });

  it('auto picks an int8 file quantised from exactly this model; fp32 still forces the model', async () => {
    const int8 = writeInt8({ sha256: sha256(model) });
    expect(await resolveModelPrecision(model, 'auto')).toEqual({ modelPath: int8, precision: 'int8' });
    expect(await resolveModelPrecision(model, 'int8')).toEqual({ modelPath: int8, precision: 'int8' });
    expect(await resolveModelPrecision(model, 'fp32')).toEqual({ modelPath: model, precision: 'fp32' });
  });

  it('an int8 file made from other weights (a re-exported model) falls back to fp32 with a note, int8 refuses', async () => {
    writeInt8({ sha256: 'f'.repeat(64) });
    const auto = await resolveModelPrecision(model, 'auto');
    expect(auto.modelPath).toBe(model);
    expect(auto.precision).toBe('fp32');
    expect(auto.note).toMatch(/quantised from another m\.onnx.*re-run training\/quantize\.py/);
    await expect(resolveModelPrecision(model, 'int8')).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('an int8 file whose metadata does not name its source is not used', async () => {
    writeInt8(undefined);
    const auto = await resolveModelPrecision(model, 'auto');
    expect(auto).toMatchObject({ modelPath: model, precision: 'fp32' });
    expect(auto.note).toMatch(/quantizedFrom\.sha256/);
  });

  it('precision int8 without an int8 file says what to do', async () => {
    await expect(resolveModelPrecision(model, 'int8')).rejects.toThrow(/m\.int8\.onnx does not exist.*quantize\.py/);
  });

  it('the estimator reports the precision and the file that runs', async () => {
    const int8 = writeInt8({ sha256: sha256(model) });
    const auto = await createOnnxDensityEstimator({ modelPath: model, threads: 1 });
    const fp32 = await createOnnxDensityEstimator({ modelPath: model, threads: 1, precision: 'fp32' });
    try {
      expect(auto.model).toMatchObject({ modelPath: int8, precision: 'int8' });
      expect(fp32.model).toMatchObject({ modelPath: model, precision: 'fp32' });
    } finally {
      await Promise.all([auto.close(), fp32.close()]);
    }
  });
  it('a stale int8 file is reported through onWarning, once, and the fp32 model runs', async () => {
    writeInt8({ sha256: '0'.repeat(64) });
    const warnings: string[] = [];
    const estimator = await createOnnxDensityEstimator({
      modelPath: model,
      threads: 1,
      onWarning: (m) => warnings.push(m),
    });
    try {
      expect(estimator.model).toMatchObject({ modelPath: model, precision: 'fp32' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^running the fp32 model: .*m\.int8\.onnx was quantised from another m\.onnx/);
    } finally {
      await estimator.close();
    }
  });
});

// The shipped int8 model (models/raqib-density.int8.onnx): it must match the shipped fp32 model, or the app
// silently runs fp32. Re-run training/quantize.py (see models/raqib-density.md) when the fp32 model changes.
describe.skipIf(!existsSync(SHIPPED_INT8))('shipped int8 model', () => {
  it('was quantised from the shipped fp32 model and is what auto runs', async () => {
    const resolved = await resolveModelPrecision(SHIPPED, 'auto');
    expect(resolved.note).toBeUndefined();
    expect(resolved).toEqual({ modelPath: SHIPPED_INT8, precision: 'int8' });
  });
});
