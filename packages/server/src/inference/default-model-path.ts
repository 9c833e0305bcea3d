import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's place in packages/server/{src,dist}/inference/. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The repository root directory (with a trailing separator). */
export function repoRoot(): string {
  return REPO_ROOT;
}

/**
 * Where the counting model is looked for: `RAQIB_MODEL` when set, else models/raqib-density.onnx
 * in the repository.
 */
export function defaultModelPath(): string {
  const fromEnv = process.env.RAQIB_MODEL;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return join(REPO_ROOT, 'models', 'raqib-density.onnx');
}
