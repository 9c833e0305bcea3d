import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { formatRulesProblems, RaqibError, validateRulesConfig, type RulesConfig } from '@raqib/core';

/**
 * Reads and validates an alert rules file (`--rules FILE`), YAML or JSON. Errors are
 * RaqibError('RULES_INVALID') naming the file, the line, the path and the problem, one per line, e.g.
 * `rules.yaml:4:16: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"`.
 */
export async function readRulesFile(path: string): Promise<RulesConfig> {
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
  return parseRulesText(text, path);
}

/** Parses rules-file text; `source` names the file in errors. An empty file means all defaults. */
export function parseRulesText(text: string, source: string): RulesConfig {
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
  const result = validateRulesConfig(document.toJS());
  if (result.ok) return result.config;
  const locate = (path: readonly (string | number)[]) => locateInDocument(document, lineCounter, path);
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
