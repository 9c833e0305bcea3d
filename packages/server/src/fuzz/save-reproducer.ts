import { writeFile, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Baseline, Outcome } from './classify-outcome.js';
import { writeCaseFiles, type FuzzCase } from './fuzz-case.js';
import type { CliRun } from './run-cli.js';
import { REPO_ROOT } from './run-cli.js';

/** What a saved reproducer's `case.json` holds (read back by the regression test). */
export interface SavedCase {
  kind: string;
  index: number;
  runSeed: number;
  seed: string;
  mutation: string;
  detail: string;
  args: string[];
  names: string[];
  expect: string | null;
  outcome: string;
  reason: string;
  baseline: { messages: string[]; figures: Record<string, number> };
  /** Derived from a dataset: the files are not saved; regenerate with `npm run fuzz -- --case KIND:INDEX --seed S`. */
  fromDataset: boolean;
  /** The failure is not fixed yet: the regression test expects it to still fail (flip when fixed). */
  open: boolean;
  stderrTail: string;
}

/** One reproducer per kind, class and message shape: the same bug found 40 times is saved once. */
function signature(fuzzCase: FuzzCase, outcome: Outcome): string {
  const shape = outcome.reason
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 80);
  return `${fuzzCase.kind}|${outcome.outcome}|${shape}`;
}

/**
 * Saves a failing case as `<dir>/<kind>-<index>-<mutation>/` (its files, and `case.json` with the
 * command and the seed run's reference), unless one of the same signature was saved in this run.
 * Returns the folder, relative to the repository, or null when not saved.
 */
export async function saveReproducer(
  dir: string,
  fuzzCase: FuzzCase,
  outcome: Outcome,
  run: CliRun,
  baseline: Baseline,
  runSeed: number,
  saved: Set<string>,
): Promise<string | null> {
  const key = signature(fuzzCase, outcome);
  if (saved.has(key)) return null;
  saved.add(key);
  const folder = join(dir, `${fuzzCase.kind}-${fuzzCase.index}-${fuzzCase.mutation.replace(/[^a-z0-9+-]/gi, '_')}`);
  await mkdir(folder, { recursive: true });
  if (!fuzzCase.seed.fromDataset) await writeCaseFiles(join(folder, 'files'), fuzzCase.files);
  const record: SavedCase = {
    kind: fuzzCase.kind,
    index: fuzzCase.index,
    runSeed,
    seed: fuzzCase.seed.name,
    mutation: fuzzCase.mutation,
    detail: fuzzCase.detail,
    args: fuzzCase.args,
    names: fuzzCase.names,
    expect: fuzzCase.expect ?? null,
    outcome: outcome.outcome,
    reason: outcome.reason,
    baseline: { messages: [...baseline.messages], figures: baseline.figures },
    fromDataset: fuzzCase.seed.fromDataset,
    open: true,
    stderrTail: run.stderr.slice(-1500),
  };
  await writeFile(join(folder, 'case.json'), JSON.stringify(record, null, 2) + '\n');
  return relative(REPO_ROOT, folder);
}
