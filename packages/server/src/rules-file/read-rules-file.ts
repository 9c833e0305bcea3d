import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import {
  formatRulesProblems,
  RaqibError,
  validateRulesConfig,
  type RulesConfig,
  type RulesValidationOptions,
} from '@raqib/core';
import { yamlDocumentValue } from '../input-limits/yaml-document-value.js';

/**
 * Reads and validates an alert rules file (`--rules FILE`), YAML or JSON. Errors are
 * RaqibError('RULES_INVALID') naming the file, the line, the path and the problem, one per line, e.g.
 * `rules.yaml:4:16: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"`.
 */
export async function readRulesFile(path: string, options: RulesValidationOptions = {}): Promise<RulesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RaqibError('INPUT_NOT_FOUND', `${path}: no such rules file; check the path given to --rules`, {
        cause: error,
      });
    }
    throw new RaqibError('RULES_INVALID', `${path}: cannot read the rules file (${code ?? 'error'})`, { cause: error });
  }
  return parseRulesText(text, path, options);
}

/**
 * Parses rules-file text; `source` names the file in errors. An empty file means all defaults. With
 * `options.zones`, a zone id that names no zone of the analysis is an error with its line.
 */
export function parseRulesText(text: string, source: string, options: RulesValidationOptions = {}): RulesConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    const lines = document.errors.slice(0, 10).map((error) => {
      const [start] = error.pos;
      const { line, col } = lineCounter.linePos(start);
      return `${source}:${line}:${col}: not valid YAML: ${error.message.split('\n')[0] ?? error.code}`;
    });
    throw new RaqibError('RULES_INVALID', `${lines.join('\n')}\nFix the YAML syntax of the rules file.`);
  }
  const value = yamlDocumentValue(document);
  if (!value.ok) throw new RaqibError('RULES_INVALID', `${source}: ${value.reason}`);
  const result = validateRulesConfig(value.value, options);
  if (result.ok) return result.config;
  const locate = (path: readonly (string | number)[], at?: 'key') =>
    (at === 'key' ? locateKey(document, lineCounter, path) : undefined) ??
    locateInDocument(document, lineCounter, path);
  throw new RaqibError('RULES_INVALID', formatRulesProblems(result.problems, source, locate));
}

/** `line:col` of the deepest node of `path` present in the document (for a missing key: its parent). */
function locateInDocument(
  document: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): string | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return undefined;
}

/** `line:col` of the key that ends `path` (e.g. the zone id of `zones.gate3`), when present. */
function locateKey(
  document: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): string | undefined {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
  const range = pair && isNode(pair.key) ? pair.key.range : undefined;
  if (!range) return undefined;
  const { line, col } = lineCounter.linePos(range[0]);
  return `${line}:${col}`;
}
