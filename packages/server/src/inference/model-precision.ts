import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { RaqibError } from '@raqib/core';
import { readModelMetadata } from './model-metadata.js';

/** Which variant of a density model to run: auto = int8 when a valid one is shipped beside it, else fp32. */
export const MODEL_PRECISIONS = ['auto', 'int8', 'fp32'] as const;
export type ModelPrecision = (typeof MODEL_PRECISIONS)[number];

/** The model file that will run, its precision, and why auto fell back to fp32 (one line), if it did. */
export interface ResolvedModelPrecision {
  modelPath: string;
  precision: 'int8' | 'fp32';
  note?: string;
}

/** The int8 variant of a model file (training/quantize.py's output): X.onnx -> X.int8.onnx. */
export function int8VariantPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.int8.onnx';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Why the int8 file beside `modelPath` cannot stand in for it, or undefined when it can. */
async function int8Problem(modelPath: string, int8Path: string): Promise<string | undefined> {
  if (!(await exists(int8Path))) return `${int8Path} does not exist (make it with training/quantize.py)`;
  const meta = await readModelMetadata(int8Path);
  const from = (meta as { quantizedFrom?: { sha256?: unknown } } | undefined)?.quantizedFrom?.sha256;
  if (typeof from !== 'string') {
    return `${int8Path.replace(/\.onnx$/i, '.json')} does not say which model it was quantised from (quantizedFrom.sha256); re-run training/quantize.py`;
  }
  // The training run re-exports the fp32 model when validation improves: an int8 file made from older
  // weights must not run in its place.
  if (from !== (await sha256Of(modelPath))) {
    return `${int8Path} was quantised from another ${modelPath.split(/[\\/]/).pop()} (sha256 differs); re-run training/quantize.py`;
  }
  return undefined;
}

/**
 * Picks the file to load for a model and a precision. fp32: the model itself. int8: its int8 variant,
 * which must exist and have been quantised from exactly this model (else MODEL_LOAD_FAILED saying why).
 * auto: the int8 variant when it is valid, else the model itself (with a note when an int8 file exists but
 * does not match). A missing fp32 model is left to the loader's own error.
 */
export async function resolveModelPrecision(
  modelPath: string,
  precision: ModelPrecision = 'auto',
): Promise<ResolvedModelPrecision> {
  if (precision === 'fp32' || !(await exists(modelPath))) return { modelPath, precision: 'fp32' };
  const int8Path = int8VariantPath(modelPath);
  const problem = await int8Problem(modelPath, int8Path);
  if (problem === undefined) return { modelPath: int8Path, precision: 'int8' };
  if (precision === 'int8') {
    throw new RaqibError('MODEL_LOAD_FAILED', `precision int8: ${problem}; or run with precision fp32`);
  }
  const shipped = await exists(int8Path);
  return { modelPath, precision: 'fp32', ...(shipped ? { note: `running the fp32 model: ${problem}` } : {}) };
}
