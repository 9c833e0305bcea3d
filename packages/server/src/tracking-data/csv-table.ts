/** A problem found in a CSV file, with its 1-based line number. */
export interface CsvIssue {
  line: number;
  /** 'skipped' = the row was ignored; 'notice' = the data was read but something was off. */
  kind: 'skipped' | 'notice';
  message: string;
}

/** Most issues kept in a result (all are counted in `issueCount`). */
export const MAX_KEPT_ISSUES = 200;

/** Collects issues, keeping the first {@link MAX_KEPT_ISSUES}. */
export class IssueLog {
  readonly issues: CsvIssue[] = [];
  count = 0;

  add(line: number, kind: CsvIssue['kind'], message: string): void {
    this.count++;
    if (this.issues.length < MAX_KEPT_ISSUES) this.issues.push({ line, kind, message });
  }
}

/** One data row split into fields, with its line number. */
export interface CsvRow {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into rows (comma-separated, no quoting: the formats here are numeric). Blank lines
 * and `#` comments are skipped; a UTF-8 BOM and CRLF endings are accepted. When the first row names
 * one of `columnNames` it is returned as the header (lower-cased, trimmed). `rows` is lazy and may be
 * iterated again: a large file is never held as row objects.
 */
export function splitCsv(
  text: string,
  columnNames: readonly string[],
): { header: string[] | null; headerLine: number; rows: Iterable<CsvRow> } {
  let header: string[] | null = null;
  let headerLine = 0;
  for (const row of csvLines(text)) {
    if (row.fields.some((field) => columnNames.includes(field.toLowerCase()))) {
      header = row.fields.map((field) => field.toLowerCase());
      headerLine = row.line;
    }
    break;
  }
  const rows = {
    *[Symbol.iterator](): Generator<CsvRow> {
      for (const row of csvLines(text)) if (row.line !== headerLine) yield row;
    },
  };
  return { header, headerLine, rows };
}

/** The non-blank, non-comment lines of CSV text as trimmed fields, with 1-based line numbers. */
function* csvLines(text: string): Generator<CsvRow> {
  let line = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    let raw = text.slice(start, end);
    start = end + 1;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield { line, fields: trimmed.split(',').map((field) => field.trim()) };
  }
}

/**
 * Column positions from a header, by name (first alias found), falling back to `defaults` when the
 * file has no header. Throws nothing: a missing required name is returned as -1.
 */
export function columnPositions<K extends string>(
  header: string[] | null,
  aliases: Record<K, readonly string[]>,
  defaults: Record<K, number>,
): Record<K, number> {
  const positions = {} as Record<K, number>;
  for (const key of Object.keys(aliases) as K[]) {
    positions[key] = header ? header.findIndex((name) => aliases[key].includes(name)) : defaults[key];
  }
  return positions;
}
