import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isFailure, type Baseline, type OutcomeClass } from './classify-outcome.js';
import { buildCase, resolveArgs, runCase, runSeed, type FuzzCase } from './fuzz-case.js';
import { fuzzKinds, type FuzzKind } from './fuzz-kinds.js';
import { buildSeedFiles } from './fuzz-seeds.js';
import { emptyTally, outcomeTable } from './outcome-table.js';
import { saveReproducer } from './save-reproducer.js';
import { snapshotBuild } from './build-snapshot.js';
import { REPO_ROOT, useRaqibBin } from './run-cli.js';

// `npm run fuzz`: mutated inputs of every kind through the real CLI, each outcome classified; exits 1
// on any crash, hang, unclear error or silent wrong result. See docs/reliability.md.

const USAGE = `usage: npm run fuzz -- [--per-kind N] [--seed S] [--timeout-s T] [--jobs J] [--kinds a,b]
                       [--case KIND:INDEX] [--save DIR | --no-save] [--report FILE] [--keep] [--live-build]
  --per-kind N    mutated inputs per kind (default 91: 1,001 inputs over the 11 kinds)
  --seed S        run seed: the same seed gives the same inputs (default 1)
  --timeout-s T   a run still going after T seconds is a HANG (default 60)
  --jobs J        runs at a time (default 2)
  --kinds LIST    only these kinds (default all)
  --case K:I      run only case I of kind K and print everything it wrote (to reproduce a finding)
  --save DIR      where failing inputs are saved as regression fixtures (default packages/server/test-fixtures/fuzz)
  --report FILE   also write every case's outcome as JSON`;

interface CaseResult {
  kind: string;
  index: number;
  seed: string;
  mutation: string;
  detail: string;
  expect: string | null;
  outcome: OutcomeClass;
  reason: string;
  exit: number | string | null;
  wallMs: number;
  rawLines: number;
  saved: string | null;
}

/**
 * CPU seconds (user + system) of the finished child processes so far, from /proc/self/stat (cutime,
 * cstime; Linux, 100 ticks per second): a measure of the fuzz run's cost that does not depend on how
 * busy the machine is. Null elsewhere.
 */
function childCpuS(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'per-kind': { type: 'string', default: '91' },
      seed: { type: 'string', default: '1' },
      'timeout-s': { type: 'string', default: '60' },
      jobs: { type: 'string', default: '2' },
      kinds: { type: 'string' },
      case: { type: 'string' },
      save: { type: 'string', default: join(REPO_ROOT, 'packages/server/test-fixtures/fuzz') },
      'no-save': { type: 'boolean', default: false },
      report: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'live-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const perKind = Number(values['per-kind']);
  const runSeedValue = Number(values.seed);
  const timeoutMs = Number(values['timeout-s']) * 1000;
  const jobs = Number(values.jobs);
  if (![perKind, runSeedValue, timeoutMs, jobs].every((v) => Number.isInteger(v) && v >= 0) || jobs < 1) {
    process.stderr.write(`fuzz: --per-kind, --seed, --timeout-s and --jobs take whole numbers (jobs >= 1)\n${USAGE}\n`);
    return 2;
  }

  const work = await mkdtemp(join(tmpdir(), 'raqib-fuzz-'));
  const started = performance.now();
  try {
    if (!values['live-build']) useRaqibBin(await snapshotBuild(work));
    const seeds = await buildSeedFiles(work);
    let kinds = fuzzKinds(seeds);
    const only = values.case ? values.case.split(':')[0] : values.kinds;
    if (only) {
      const wanted = new Set(only.split(','));
      const unknown = [...wanted].filter((name) => !kinds.some((k) => k.name === name));
      if (unknown.length > 0) {
        process.stderr.write(
          `fuzz: unknown kind(s) ${unknown.join(', ')}; kinds: ${kinds.map((k) => k.name).join(', ')}\n`,
        );
        return 2;
      }
      kinds = kinds.filter((k) => wanted.has(k.name));
    }

    // Every seed must pass unmutated: it is the reference of its mutants' warnings and figures. A seed
    // that fails is a bug in itself (a valid input refused): it is reported, left out, and fails the run.
    const baselines = new Map<string, Baseline>();
    const failedSeeds: string[] = [];
    for (const kind of kinds) {
      for (const seed of kind.seeds) {
        const dir = join(work, 'seed', kind.name, seed.name);
        const { baseline, run, figures } = await runSeed(seed, kind, dir, timeoutMs);
        if (run.code !== 0 || !figures) {
          process.stderr.write(
            `fuzz: the ${kind.name} seed '${seed.name}' fails unmutated (exit ${run.code}, ${figures ? 'report' : 'no report'}); left out:\n` +
              `  raqib ${resolveArgs(seed.args).join(' ')}\n${run.stderr.slice(-3000)}\n`,
          );
          failedSeeds.push(`${kind.name}/${seed.name}`);
          continue;
        }
        baselines.set(`${kind.name}/${seed.name}`, baseline);
      }
      kind.seeds = kind.seeds.filter((seed) => baselines.has(`${kind.name}/${seed.name}`));
    }
    kinds = kinds.filter((kind) => kind.seeds.length > 0);

    if (values.case) {
      const [name, indexText] = values.case.split(':');
      const kind = kinds.find((k) => k.name === name)!;
      const fuzzCase = buildCase(kind, runSeedValue, Number(indexText));
      const dir = join(work, 'case');
      const { run, outcome } = await runCase(
        fuzzCase,
        kind,
        baselines.get(`${kind.name}/${fuzzCase.seed.name}`)!,
        dir,
        timeoutMs,
      );
      process.stdout.write(
        `case ${fuzzCase.kind}:${fuzzCase.index} seed ${fuzzCase.seed.name}, ${fuzzCase.mutation} (${fuzzCase.detail})` +
          `${fuzzCase.expect ? `, expect ${fuzzCase.expect}` : ''}\n` +
          `command (in ${dir}): raqib ${resolveArgs(fuzzCase.args).join(' ')}\n` +
          `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''} after ${(run.wallMs / 1000).toFixed(1)} s\n` +
          `--- stderr ---\n${run.stderr}\n--- stdout ---\n${run.stdout.slice(0, 4000)}\n` +
          `outcome: ${outcome.outcome}${outcome.reason ? ` - ${outcome.reason}` : ''}\n`,
      );
      values.keep = true;
      return isFailure(outcome.outcome) ? 1 : 0;
    }

    const cpuBeforeS = childCpuS();
    const casesStarted = performance.now();
    const cases: { kind: FuzzKind; fuzzCase: FuzzCase }[] = [];
    for (const kind of kinds) {
      for (let i = 0; i < perKind; i++) cases.push({ kind, fuzzCase: buildCase(kind, runSeedValue, i) });
    }
    // Interleave kinds so that slow kinds (video) do not all run at the end.
    cases.sort((a, b) => a.fuzzCase.index - b.fuzzCase.index);
    const tallies = new Map(kinds.map((k) => [k.name, emptyTally(k.name)]));
    const results: CaseResult[] = [];
    const savedSignatures = new Set<string>();
    let next = 0;
    let done = 0;
    let failing = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const { kind, fuzzCase } = cases[next++]!;
        const dir = join(work, 'cases', `${fuzzCase.kind}-${fuzzCase.index}`);
        const baseline = baselines.get(`${kind.name}/${fuzzCase.seed.name}`)!;
        const { run, outcome } = await runCase(fuzzCase, kind, baseline, dir, timeoutMs);
        let saved: string | null = null;
        if (isFailure(outcome.outcome)) {
          failing++;
          if (!values['no-save']) {
            saved = await saveReproducer(values.save, fuzzCase, outcome, run, baseline, runSeedValue, savedSignatures);
          }
        }
        await rm(dir, { recursive: true, force: true });
        const tally = tallies.get(kind.name)!;
        tally.counts[outcome.outcome]++;
        tally.wallMs.push(run.wallMs);
        results.push({
          kind: fuzzCase.kind,
          index: fuzzCase.index,
          seed: fuzzCase.seed.name,
          mutation: fuzzCase.mutation,
          detail: fuzzCase.detail,
          expect: fuzzCase.expect ?? null,
          outcome: outcome.outcome,
          reason: outcome.reason,
          exit: run.timedOut ? 'timeout' : (run.code ?? run.signal),
          wallMs: Math.round(run.wallMs),
          rawLines: outcome.rawLines,
          saved,
        });
        done++;
        if (done % 50 === 0 || done === cases.length) {
          const elapsedS = (performance.now() - started) / 1000;
          process.stderr.write(`fuzz: ${done}/${cases.length} inputs, ${failing} failing, ${elapsedS.toFixed(0)} s\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: jobs }, () => worker()));

    const elapsedS = (performance.now() - started) / 1000;
    const casesS = (performance.now() - casesStarted) / 1000;
    const cpuAfterS = childCpuS();
    const cpuS = cpuBeforeS === null || cpuAfterS === null ? null : cpuAfterS - cpuBeforeS;
    const ordered = kinds.map((k) => tallies.get(k.name)!);
    results.sort((a, b) => a.kind.localeCompare(b.kind) || a.index - b.index);
    const failures = results.filter((r) => isFailure(r.outcome));
    process.stdout.write(
      `raqib fuzz: seed ${runSeedValue}, ${perKind} per kind, timeout ${timeoutMs / 1000} s, ${jobs} jobs: ` +
        `${results.length} inputs in ${elapsedS.toFixed(0)} s (seeds ${(elapsedS - casesS).toFixed(0)} s)` +
        (cpuS === null
          ? ''
          : `; the runs used ${cpuS.toFixed(0)} CPU-s (${(cpuS / Math.max(1, results.length)).toFixed(2)} per input)`) +
        `\n\n${outcomeTable(ordered)}\n`,
    );
    for (const f of failures) {
      process.stdout.write(
        `${f.outcome} ${f.kind}:${f.index} (${f.seed}, ${f.mutation}${f.detail ? `: ${f.detail}` : ''}) ${f.reason}` +
          `${f.saved ? ` -> ${f.saved}` : ''}\n`,
      );
    }
    if (values.report) {
      const tables = ordered.map((t) => ({ kind: t.kind, counts: t.counts }));
      await writeFile(
        values.report,
        JSON.stringify(
          { seed: runSeedValue, perKind, timeoutS: timeoutMs / 1000, jobs, elapsedS, casesS, cpuS, tables, results },
          null,
          1,
        ),
      );
    }
    if (failedSeeds.length > 0)
      process.stdout.write(`seeds that failed unmutated (left out): ${failedSeeds.join(', ')}\n`);
    return failures.length > 0 || failedSeeds.length > 0 ? 1 : 0;
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
    else process.stderr.write(`fuzz: work folder kept: ${work}\n`);
  }
}

await mkdir(tmpdir(), { recursive: true });
process.exitCode = await main(process.argv.slice(2));
