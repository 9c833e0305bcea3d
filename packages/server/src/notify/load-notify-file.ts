import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { RaqibError } from '@raqib/core';
import { notifyInvalid, parseNotifyConfig, type NotifyConfig } from './notify-config-schema.js';

/** Aliases (`*name`) a notify file may expand; real files use a handful. */
const MAX_ALIAS_COUNT = 100;

/** Reads and validates a notify file (`raqib analyze --notify FILE`), YAML or JSON. */
export async function loadNotifyFile(path: string): Promise<NotifyConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RaqibError('NOTIFY_INVALID', `${path}: cannot read the notify file (${code})`, { cause: error });
  }
  return parseNotifyText(text, path);
}

/** Parses notify-file text; `source` names the file in errors. */
export function parseNotifyText(text: string, source: string): NotifyConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw notifyInvalid(
      source,
      document.errors.map((error) => `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`),
    );
  }
  let value: unknown;
  try {
    // Bounded expansion: a "billion laughs" alias bomb throws instead of eating the memory.
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw notifyInvalid(source, [
      `not a usable YAML document: ${(error as Error).message} (a notify file needs no more than ${MAX_ALIAS_COUNT} alias expansions)`,
    ]);
  }
  return parseNotifyConfig(value ?? {}, source);
}
