import { readFile } from 'node:fs/promises';
import { RaqibError } from '@raqib/core';
import { z } from 'zod';

/** The JSON written next to a density model (models/raqib-density.json). Unknown keys are kept. */
export const modelMetadataSchema = z
  .object({
    name: z.string().describe('Model name'),
    version: z.string().describe('Model version'),
    inputName: z.string().default('image').describe('Name of the input tensor [1,3,H,W]'),
    outputName: z.string().default('density').describe('Name of the output tensor [1,1,H/s,W/s]'),
    outputStridePx: z.number().int().positive().optional().describe('Output stride s in input pixels'),
    inputMultiplePx: z.number().int().positive().default(32).describe('H and W must be multiples of this'),
    inputRange: z.literal('rgb-0-255').default('rgb-0-255').describe('Input values: RGB 0..255'),
    trainedHeadSizePx: z
      .tuple([z.number().positive(), z.number().positive()])
      .optional()
      .describe('Head sizes (min, max) in pixels seen in training'),
  })
  .passthrough();

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** The metadata path of a model: the same name with .json instead of .onnx. */
export function metadataPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/** Reads and validates a model's metadata JSON; undefined when the file does not exist. */
export async function readModelMetadata(modelPath: string): Promise<ModelMetadata | undefined> {
  const path = metadataPathFor(modelPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RaqibError('MODEL_LOAD_FAILED', `${path}: cannot read the model metadata: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RaqibError(
      'MODEL_LOAD_FAILED',
      `${path}: model metadata is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const parsed = modelMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new RaqibError('MODEL_LOAD_FAILED', `${path}: invalid model metadata: ${issues.join('; ')}`);
  }
  return parsed.data;
}
