import { defaultModelPath } from '../inference/default-model-path.js';
import { readModelMetadata } from '../inference/model-metadata.js';

/**
 * Name and version of the density model configured for video streams, from its model card
 * (models/raqib-density.json next to the .onnx); null when the card is missing or unreadable, which
 * the report states rather than failing.
 */
export async function densityModelCard(modelPath?: string): Promise<{ name: string; version: string } | null> {
  try {
    const metadata = await readModelMetadata(modelPath ?? defaultModelPath());
    return metadata ? { name: metadata.name, version: metadata.version } : null;
  } catch {
    return null;
  }
}
