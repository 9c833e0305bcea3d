import type { Expectation } from './mutator.js';
import type { CliRun } from './run-cli.js';

/**
 * Outcome classes. Lower case: acceptable. Upper case: a bug the fuzz run fails on.
 * - `ok`: exit 0, nothing new on stderr;
 * - `warning-ok`: exit 0 with a one-line `raqib <cmd>: warning|note|skipped` the seed run did not print;
 * - `clean-error`: exit 1 or 2 with a message naming the input file (or option) at fault, or exit 3/4
 *   (analysis done, alerts dead-lettered / an optional output missing) with a `raqib <cmd>:` message;
 * - `UNCLEAR-ERROR`: exit 1 or 2, but the message does not say which file or option;
 * - `CRASH`: a stack trace, "unexpected error", a fatal V8 error, a signal, exit 13 (unsettled
 *   top-level await: a promise nothing settles), 133/134 (V8 abort), or exit 0 without the report;
 * - `HANG`: still running at the time limit;
 * - `SILENT-WRONG`: exit 0 without a word although the answer is known to be wrong (see {@link Expectation}).
 */
export type OutcomeClass = 'ok' | 'warning-ok' | 'clean-error' | 'UNCLEAR-ERROR' | 'CRASH' | 'HANG' | 'SILENT-WRONG';

export const OUTCOME_CLASSES: readonly OutcomeClass[] = [
  'ok',
  'warning-ok',
  'clean-error',
  'UNCLEAR-ERROR',
  'CRASH',
  'HANG',
  'SILENT-WRONG',
];

export function isFailure(outcome: OutcomeClass): boolean {
  return outcome === outcome.toUpperCase();
}

/** Figures read from the command's JSON report; `count` is the people count the oracles compare. */
export type Figures = Record<string, number>;

/** What the seed (unmutated) run printed and reported: the reference for warnings and figures. */
export interface Baseline {
  messages: ReadonlySet<string>;
  figures: Figures;
}

export interface Outcome {
  outcome: OutcomeClass;
  /** Why, in a few words (the first error line, the crash marker, the broken expectation). */
  reason: string;
  /** stderr lines that are neither `raqib ...` messages nor progress records (e.g. raw JSON logs). */
  rawLines: number;
}

const CRASH_MARKERS: readonly [RegExp, string][] = [
  [/unexpected error/i, 'unexpected error'],
  [/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m, 'stack trace'],
  [/Fatal JavaScript|FATAL ERROR|JavaScript heap out of memory/, 'fatal V8 error'],
  [/unsettled top-level await/i, 'unsettled top-level await'],
  [/^(?:Uncaught|Unhandled|node:internal)/m, 'uncaught exception'],
];

/** One-line messages the CLI prints about the input (not progress records). */
export function messageLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('{"progress"'));
}

/** Messages normalised for comparison with the seed run (numbers and paths vary). */
function normalise(line: string): string {
  return line.replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '#');
}

export function baselineOf(run: CliRun, figures: Figures): Baseline {
  return { messages: new Set(messageLines(run.stderr).map(normalise)), figures };
}

/**
 * Classifies one run of a mutated input.
 *
 * @param names the file name(s) or option(s) a clean error must mention
 * @param figures the figures of this run's JSON report (undefined when stdout held none)
 */
export function classifyOutcome(
  run: CliRun,
  names: readonly string[],
  figures: Figures | undefined,
  baseline: Baseline,
  expect: Expectation | undefined,
): Outcome {
  const lines = messageLines(run.stderr);
  const rawLines = lines.filter((line) => !line.startsWith('raqib ') && !names.some((n) => line.includes(n))).length;
  const first = (pattern: RegExp): string => (lines.find((line) => pattern.test(line)) ?? lines[0] ?? '').slice(0, 300);
  const result = (outcome: OutcomeClass, reason: string): Outcome => ({ outcome, reason, rawLines });

  if (run.timedOut) return result('HANG', `no exit after ${(run.wallMs / 1000).toFixed(0)} s`);
  for (const [pattern, what] of CRASH_MARKERS) {
    if (pattern.test(run.stderr)) return result('CRASH', `${what}: ${first(pattern)}`);
  }
  if (run.signal) return result('CRASH', `killed by ${run.signal}`);
  if (run.code === 3 || run.code === 4) {
    // Documented partial successes (docs/exit-codes.md): alerts dead-lettered, an optional output not written.
    const line = first(/^raqib \S+: /);
    return line.startsWith('raqib ')
      ? result('clean-error', line)
      : result('UNCLEAR-ERROR', `exit ${run.code} without a message`);
  }
  if (run.code !== 0 && run.code !== 1 && run.code !== 2) {
    const why = run.code === 13 ? ' (unsettled top-level await)' : run.code === 133 ? ' (V8 fatal error)' : '';
    return result('CRASH', `exit ${run.code}${why}: ${lines[lines.length - 1]?.slice(0, 200) ?? 'no message'}`);
  }

  if (run.code !== 0) {
    const errorLine = first(/^raqib \S+: (error|skipped)/);
    const named = names.some((name) => run.stderr.includes(name));
    if (!named) return result('UNCLEAR-ERROR', `exit ${run.code}, no mention of ${names.join(' or ')}: ${errorLine}`);
    return result('clean-error', errorLine);
  }

  if (!figures) return result('CRASH', 'exit 0 without a JSON report on stdout');
  const fresh = lines.filter(
    (line) => /^raqib \S+: (warning|note|skipped)/.test(line) && !baseline.messages.has(normalise(line)),
  );
  const warned = fresh.length > 0;
  const count = figures.count ?? NaN;
  const seedCount = baseline.figures.count ?? NaN;
  switch (expect) {
    case 'must-fail':
      return result('SILENT-WRONG', 'accepted with exit 0; expected a refusal');
    case 'must-warn':
      if (!warned) return result('SILENT-WRONG', 'accepted without a warning; expected one');
      break;
    case 'not-doubled':
      if (!warned && count > 1.5 * seedCount) {
        return result('SILENT-WRONG', `count ${round(count)} vs ${round(seedCount)} for the seed, without a warning`);
      }
      break;
    case 'same-result': {
      const differing = Object.keys(baseline.figures).filter((key) => !close(figures[key], baseline.figures[key]));
      if (differing.length > 0) {
        const key = differing[0]!;
        return result('SILENT-WRONG', `${key} ${round(figures[key])} vs ${round(baseline.figures[key])} for the seed`);
      }
      break;
    }
    case 'count-or-warn':
      if (
        !warned &&
        (figures.frames !== baseline.figures.frames || !(Math.abs(count - seedCount) <= 0.15 * seedCount))
      ) {
        return result(
          'SILENT-WRONG',
          `frames ${figures.frames} vs ${baseline.figures.frames}, count ${round(count)} vs ${round(seedCount)}, without a warning`,
        );
      }
      break;
    default:
      break;
  }
  return warned ? result('warning-ok', fresh[0]!.slice(0, 300)) : result('ok', '');
}

function close(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

function round(value: number | undefined): string {
  return value === undefined ? '-' : String(Math.round(value * 1000) / 1000);
}
