import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { RaqibError } from '@raqib/core';
import { notifyInvalid, parseNotifyConfig, type NotifyConfig } from './notify-config-schema.js';

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
  return parseNotifyConfig(document.toJS() ?? {}, source);
}
