import { readFile } from 'node:fs/promises';
import { RaqibError } from '@raqib/core';

/** One non-blank line of a text annotation, with its 1-based line number. */
export interface AnnotationLine {
  lineNo: number;
  text: string;
}

/** The non-blank lines of a text annotation (CRLF and a UTF-8 BOM tolerated). */
export function annotationLines(text: string): AnnotationLine[] {
  const lines: AnnotationLine[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line !== '') lines.push({ lineNo: i + 1, text: line });
    });
  return lines;
}

/** A GROUND_TRUTH_INVALID error naming the file and line: `file:line: problem (got "...")`. */
export function annotationLineError(source: string, line: AnnotationLine, problem: string): RaqibError {
  const shown = line.text.length > 80 ? `${line.text.slice(0, 77)}...` : line.text;
  return new RaqibError('GROUND_TRUTH_INVALID', `${source}:${line.lineNo}: ${problem} (got "${shown}")`);
}

/**
 * Reads an annotation file as UTF-8 text.
 *
 * @throws RaqibError GROUND_TRUTH_MISSING when it does not exist, GROUND_TRUTH_INVALID when unreadable
 */
export async function readAnnotationText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RaqibError(
      missing ? 'GROUND_TRUTH_MISSING' : 'GROUND_TRUTH_INVALID',
      `${path}: cannot read the annotation (${(error as Error).message})`,
      { cause: error },
    );
  }
}
