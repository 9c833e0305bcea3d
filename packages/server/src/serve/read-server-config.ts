import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { RaqibError } from '@raqib/core';
import { serverConfigSchema, type ServerConfig } from './server-config.js';

/**
 * Reads and validates `raqib.yaml`. Errors are CONFIG_INVALID, one line per problem naming the
 * file, line, key path and what is wrong, e.g. `raqib.yaml:3:3: server.prot: unknown key`.
 */
export async function readServerConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RaqibError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'CONFIG_INVALID',
      `${path}: cannot read the config file (${code ?? 'error'}); check the path given to --config`,
      { cause: error },
    );
  }
  return parseServerConfig(text, path);
}

/** Validates config text; `source` names the file in messages. An empty file means all defaults. */
export function parseServerConfig(text: string, source: string): ServerConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  if (document.errors.length > 0) {
    const lines = document.errors
      .slice(0, 10)
      .map((error) => `${at(error.pos[0])}: not valid YAML: ${error.message.split('\n')[0]}`);
    throw new RaqibError('CONFIG_INVALID', lines.join('\n'));
  }
  const parsed = serverConfigSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const locate = (path: readonly (string | number)[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return source;
  };
  const problems = parsed.error.issues.slice(0, 20).flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        // Point at the key itself, not at its value.
        const parent = issue.path.length === 0 ? document.contents : document.getIn(issue.path, true);
        const pair = isMap(parent)
          ? parent.items.find((item) => isScalar(item.key) && item.key.value === key)
          : undefined;
        const where = isScalar(pair?.key) && pair.key.range ? at(pair.key.range[0]) : locate(path);
        return `${where}: ${path.join('.')}: unknown key (see docs/server.md for the keys of ${issue.path.join('.') || 'the top level'})`;
      });
    }
    return [`${locate(issue.path)}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`];
  });
  throw new RaqibError('CONFIG_INVALID', problems.join('\n'));
}
