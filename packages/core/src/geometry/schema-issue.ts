import type { ZodError, ZodIssue } from 'zod';

/** A field path as users read it: `features[2].geometry.coordinates[0]`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

/** A short, user-facing description of one zod issue (without the path). */
export function describeIssue(issue: ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return 'missing (required)';
      return `expected ${issue.expected}, got ${describeValue(valueAt(input, issue.path))}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_enum_value':
      return `${describeValue(issue.received)} is not one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}`;
    case 'invalid_literal':
      return `expected "${String(issue.expected)}", got ${describeValue(issue.received)}`;
    case 'invalid_union_discriminator':
      return `must be one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}, got ${describeValue(valueAt(input, issue.path))}`;
    default:
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  }
}

/** `file: path: problem (+N more problems)` for the first issue of a zod error. */
export function schemaErrorMessage(fileName: string, error: ZodError, input: unknown, hint?: string): string {
  const first = error.issues[0];
  if (!first) return `${fileName}: invalid`;
  const more =
    error.issues.length > 1 ? ` (+${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return `${fileName}: ${formatFieldPath(first.path)}: ${describeIssue(first, input)}${more}${hint ? `; ${hint}` : ''}`;
}

/** Parses JSON text, or describes where it is broken (line and column when the runtime tells the offset). */
export function parseJsonText(
  text: string,
  fileName: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(raw);
    let where = '';
    if (position && !/\(line \d+ column \d+\)/.test(raw)) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = `line ${line} column ${column}: `;
    }
    return { ok: false, message: `${fileName}: ${where}not valid JSON (${raw})` };
  }
}
