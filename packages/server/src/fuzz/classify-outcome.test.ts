import { describe, expect, it } from 'vitest';
import { baselineOf, classifyOutcome, isFailure, type Figures } from './classify-outcome.js';
import type { Expectation } from './mutator.js';
import type { CliRun } from './run-cli.js';

const seedRun: CliRun = {
  code: 0,
  signal: null,
  timedOut: false,
  stdout: '{}',
  stderr: 'raqib analyze: warning: no GSD, telemetry or calibration: areas in m² are not available\n',
  wallMs: 900,
};
const baseline = baselineOf(seedRun, { frames: 46, count: 5.85 });

function run(overrides: Partial<CliRun>): CliRun {
  return { ...seedRun, stderr: '', ...overrides };
}

function classify(r: CliRun, figures?: Figures, expect?: Expectation) {
  return classifyOutcome(r, ['points.csv'], figures, baseline, expect);
}

describe('classifyOutcome', () => {
  it.each([
    [
      'a stack trace',
      run({ code: 1, stderr: 'raqib analyze: unexpected error: RangeError: x\n    at f (file:///a.js:1:2)\n' }),
      'CRASH',
    ],
    ['an unsettled top-level await (exit 13)', run({ code: 13, stderr: '' }), 'CRASH'],
    [
      'a V8 fatal error (exit 133)',
      run({ code: 133, stderr: '# Fatal JavaScript invalid size error 169220804\n' }),
      'CRASH',
    ],
    ['a signal', run({ code: null, signal: 'SIGSEGV' }), 'CRASH'],
    ['the time limit', run({ code: null, signal: 'SIGKILL', timedOut: true, wallMs: 60_000 }), 'HANG'],
    [
      'exit 1 naming the file',
      run({ code: 1, stderr: 'raqib analyze: error INPUT_INVALID: points.csv:3: bad row\n' }),
      'clean-error',
    ],
    ['exit 1 naming nothing', run({ code: 1, stderr: '' }), 'UNCLEAR-ERROR'],
    [
      'exit 3 with its message',
      run({ code: 3, stderr: 'raqib analyze: error: 2 alert notifications could not be delivered\n' }),
      'clean-error',
    ],
  ] as const)('%s is %s', (_what, r, outcome) => {
    expect(classify(r, { frames: 46, count: 5.85 }).outcome).toBe(outcome);
  });

  it('tells a new warning from the ones the seed run printed too (numbers aside)', () => {
    expect(classify(run({ stderr: seedRun.stderr }), { frames: 46, count: 5.85 }).outcome).toBe('ok');
    const warned = run({ stderr: 'raqib analyze: warning: 12 points outside the frame\n' });
    expect(classify(warned, { frames: 46, count: 5.85 }).outcome).toBe('warning-ok');
  });

  it('checks the oracles of mutations with a known answer', () => {
    const quiet = run({});
    expect(classify(quiet, { frames: 46, count: 5.85 }, 'must-fail').outcome).toBe('SILENT-WRONG');
    expect(classify(quiet, { frames: 46, count: 5.85 }, 'must-warn').outcome).toBe('SILENT-WRONG');
    expect(classify(quiet, { frames: 46, count: 11.7 }, 'not-doubled').outcome).toBe('SILENT-WRONG');
    expect(classify(quiet, { frames: 46, count: 5.85 }, 'not-doubled').outcome).toBe('ok');
    expect(classify(quiet, { frames: 46, count: 5.9 }, 'same-result').outcome).toBe('SILENT-WRONG');
    expect(classify(quiet, { frames: 46, count: 5.85 }, 'same-result').outcome).toBe('ok');
    expect(classify(quiet, { frames: 46, count: 0.1 }, 'count-or-warn').outcome).toBe('SILENT-WRONG');
    const warned = run({ stderr: 'raqib analyze: warning: 38 of 46 frames are damaged\n' });
    expect(classify(warned, { frames: 46, count: 0.1 }, 'count-or-warn').outcome).toBe('warning-ok');
    expect(
      classify(run({ code: 1, stderr: 'raqib analyze: error RULES_INVALID: points.csv: x\n' }), undefined, 'must-fail')
        .outcome,
    ).toBe('clean-error');
  });

  it('counts exit 0 without a JSON report as a crash, and only upper-case classes as failures', () => {
    expect(classify(run({}), undefined).outcome).toBe('CRASH');
    expect(['ok', 'warning-ok', 'clean-error'].map((c) => isFailure(c as never))).toEqual([false, false, false]);
    expect(['UNCLEAR-ERROR', 'CRASH', 'HANG', 'SILENT-WRONG'].every((c) => isFailure(c as never))).toBe(true);
  });
});
