import { readFile } from 'node:fs/promises';
import { RaqibError } from '@raqib/core';

/** Which list of a split file to take. */
export interface ImageSplitSelection {
  /** Part key under `parts` (e.g. `A`, `B`); inferred from a `part_X` folder in `datasetDir` when absent. */
  part?: string;
  /** The list to take, default `val`. */
  subset?: string;
  /** The evaluated dataset folder, used to infer the part. */
  datasetDir?: string;
}

/**
 * Reads the image names of a split file. Accepted forms: the training split
 * (`{"parts": {"A": {"val": [...], "train": [...]}, ...}}`, as training/val-split.json), an object
 * of lists (`{"val": [...]}`), a JSON array of names, or plain text with one name per line
 * (`#` comments allowed).
 *
 * @throws RaqibError INPUT_NOT_FOUND / INPUT_INVALID naming the file and what is wrong
 */
export async function readImageSplit(path: string, selection: ImageSplitSelection = {}): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RaqibError('INPUT_NOT_FOUND', `${path}: cannot read the split file (${(error as Error).message})`, {
      cause: error,
    });
  }
  const subset = selection.subset ?? 'val';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return text
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line !== '');
  }
  if (Array.isArray(data)) return names(data, path, 'the list');
  if (typeof data !== 'object' || data === null) {
    throw new RaqibError('INPUT_INVALID', `${path}: expected a JSON object or array of image names`);
  }
  let lists = data as Record<string, unknown>;
  let where = '';
  const parts = lists.parts;
  if (typeof parts === 'object' && parts !== null) {
    const keys = Object.keys(parts);
    const inferred = /(?:^|[/\\])part_([^/\\]+)/.exec(selection.datasetDir ?? '')?.[1];
    const part = selection.part ?? inferred ?? (keys.length === 1 ? keys[0] : undefined);
    if (part === undefined || !keys.includes(part)) {
      throw new RaqibError(
        'INPUT_INVALID',
        `${path}: ${part === undefined ? 'cannot tell which part to use' : `no part '${part}'`} (parts: ${keys.join(', ')}); ` +
          'name it with --split-part',
      );
    }
    lists = (parts as Record<string, Record<string, unknown>>)[part] ?? {};
    where = `parts.${part}.`;
  }
  if (!(subset in lists)) {
    throw new RaqibError(
      'INPUT_INVALID',
      `${path}: no list '${where}${subset}' (lists: ${Object.keys(lists).join(', ')})`,
    );
  }
  return names(lists[subset], path, `${where}${subset}`);
}

function names(value: unknown, path: string, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new RaqibError('INPUT_INVALID', `${path}: ${where} should be a list of image file names`);
  }
  return value as string[];
}
