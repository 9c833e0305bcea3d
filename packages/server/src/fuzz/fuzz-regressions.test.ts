import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyOutcome, isFailure } from './classify-outcome.js';
import { FUZZ_ENV, parseReport, resolveArgs } from './fuzz-case.js';
import { reportFigures } from './fuzz-kinds.js';
import { REPO_ROOT, runCli } from './run-cli.js';
import type { SavedCase } from './save-reproducer.js';

// Every input `npm run fuzz` found failing is saved under test-fixtures/fuzz/ (case.json + files/) and
// replayed here through the real CLI (needs `npm run build`, as `npm test` does). A case marked
// `"open": true` is a known, not yet fixed failure: it is expected to still fail, so that the day it
// is fixed this test says so and the flag is removed (then it guards against a relapse).

const FIXTURES = join(REPO_ROOT, 'packages/server/test-fixtures/fuzz');
const cases = existsSync(FIXTURES)
  ? readdirSync(FIXTURES)
      .filter((name) => existsSync(join(FIXTURES, name, 'case.json')))
      .map((name) => ({
        name,
        saved: JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as SavedCase,
      }))
      .filter(({ name, saved }) => !saved.fromDataset && existsSync(join(FIXTURES, name, 'files')))
  : [];

describe.skipIf(cases.length === 0)('fuzz regressions (test-fixtures/fuzz)', () => {
  for (const { name, saved } of cases) {
    const test = saved.open ? it.fails : it;
    test(`${name}: ${saved.mutation} (${saved.detail.slice(0, 60)}) - was ${saved.outcome}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'raqib-fuzz-regression-'));
      await cp(join(FIXTURES, name, 'files'), dir, { recursive: true });
      const run = await runCli(resolveArgs(saved.args), { cwd: dir, timeoutMs: 30_000, env: FUZZ_ENV });
      const baseline = { messages: new Set(saved.baseline.messages), figures: saved.baseline.figures };
      const expectation = (saved.expect ?? undefined) as Parameters<typeof classifyOutcome>[4];
      const outcome = classifyOutcome(run, saved.names, reportFigures(parseReport(run.stdout)), baseline, expectation);
      expect(isFailure(outcome.outcome), `${outcome.outcome}: ${outcome.reason}`).toBe(false);
    });
  }
});
