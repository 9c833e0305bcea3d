import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { baselineOf, classifyOutcome, type Baseline, type Figures, type Outcome } from './classify-outcome.js';
import type { FuzzKind, FuzzSeed } from './fuzz-kinds.js';
import { caseSeed, FuzzRandom } from './fuzz-random.js';
import type { Expectation } from './mutator.js';
import { REPO_ROOT, runCli, type CliRun } from './run-cli.js';

/** One mutated input, ready to run. */
export interface FuzzCase {
  kind: string;
  index: number;
  seed: FuzzSeed;
  /** Mutator names joined with '+', e.g. `flip-bytes` or `truncate+swap-lines`. */
  mutation: string;
  detail: string;
  files: Record<string, Uint8Array>;
  args: string[];
  /** What a clean error must mention. */
  names: string[];
  expect?: Expectation;
}

/**
 * Builds case `index` of `kind`: a seed, then one mutator (with its oracle), or now and then a stack
 * of two or three (no oracle: the answer of a combination is not known). Deterministic in
 * (runSeed, kind, index).
 */
export function buildCase(kind: FuzzKind, runSeed: number, index: number): FuzzCase {
  const random = new FuzzRandom(caseSeed(runSeed, kind.name, index));
  const seed = random.pick(kind.seeds);
  if (kind.mutateArgs) {
    const mutant = kind.mutateArgs(seed, random);
    return {
      kind: kind.name,
      index,
      seed,
      mutation: 'options',
      detail: mutant.detail,
      files: seed.files,
      args: mutant.args,
      names: mutant.names,
      ...(mutant.expect ? { expect: mutant.expect } : {}),
    };
  }
  const stack = random.chance(0.2) ? random.between(2, 3) : 1;
  let bytes = seed.files[seed.target]!;
  const names: string[] = [];
  const details: string[] = [];
  let expect: Expectation | undefined;
  for (let attempt = 0; names.length < stack && attempt < 20; attempt++) {
    const mutator = random.pick(kind.mutators);
    const mutant = mutator.apply(bytes, random);
    if (!mutant) continue;
    bytes = mutant.bytes;
    names.push(mutator.name);
    if (mutant.detail) details.push(mutant.detail);
    expect = stack === 1 ? mutant.expect : undefined;
  }
  return {
    kind: kind.name,
    index,
    seed,
    mutation: names.join('+') || 'none',
    detail: details.join('; '),
    files: { ...seed.files, [seed.target]: bytes },
    args: seed.args,
    names: [seed.target.split('/').pop()!],
    ...(expect ? { expect } : {}),
  };
}

/** Writes a case's files into `dir`. */
export async function writeCaseFiles(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

/** Arguments with `{repo}` replaced by the repository root. */
export function resolveArgs(args: readonly string[]): string[] {
  return args.map((arg) => arg.replaceAll('{repo}', REPO_ROOT.replace(/\/$/, '')));
}

/** Runs a case in `dir` (its files written there) and classifies the outcome against the seed run. */
export async function runCase(
  fuzzCase: FuzzCase,
  kind: FuzzKind,
  baseline: Baseline,
  dir: string,
  timeoutMs: number,
): Promise<{ run: CliRun; outcome: Outcome; figures: Figures | undefined }> {
  await writeCaseFiles(dir, fuzzCase.files);
  const run = await runCli(resolveArgs(fuzzCase.args), { cwd: dir, timeoutMs, env: FUZZ_ENV });
  const figures = kind.figures(parseReport(run.stdout));
  const outcome = classifyOutcome(run, fuzzCase.names, figures, baseline, fuzzCase.expect);
  return { run, outcome, figures };
}

/** Environment of every run: the secret the notify seed's webhook names. */
export const FUZZ_ENV = { RAQIB_FUZZ_SECRET: 'fuzz-secret-not-a-real-one' };

/** Runs a seed unmutated: the reference for its mutants (it must succeed). */
export async function runSeed(
  seed: FuzzSeed,
  kind: FuzzKind,
  dir: string,
  timeoutMs: number,
): Promise<{ baseline: Baseline; run: CliRun; figures: Figures | undefined }> {
  await writeCaseFiles(dir, seed.files);
  const run = await runCli(resolveArgs(seed.args), { cwd: dir, timeoutMs, env: FUZZ_ENV });
  const figures = kind.figures(parseReport(run.stdout));
  return { baseline: baselineOf(run, figures ?? {}), run, figures };
}

/** The JSON report on stdout (the last JSON document when a notifier printed lines before it). */
export function parseReport(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    const start = text.lastIndexOf('\n{');
    if (start < 0) return undefined;
    try {
      return JSON.parse(text.slice(start + 1));
    } catch {
      return undefined;
    }
  }
}
