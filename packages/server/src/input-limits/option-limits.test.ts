import { describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { checkOption, OPTION_LIMITS, rangeProblem, threadsLimit } from './option-limits.js';

function usageMessage(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (isRaqibError(error, 'USAGE')) return error.message;
    throw error;
  }
  throw new Error('expected a USAGE error');
}

describe('option limits', () => {
  it.each([
    // The reproducers (V8 "invalid size" crashes, a stack trace, runaway work) and their edges.
    { option: 'hfov', value: 200, says: 'must be less than 170 degrees' },
    { option: 'hfov', value: 179.9, says: 'must be less than 170 degrees' },
    { option: 'hfov', value: 170, says: 'must be less than 170 degrees' },
    { option: 'hfov', value: 0, says: 'must be more than 0 degrees' },
    { option: 'altitude', value: 1e9, says: 'must be at most 1000 m' },
    { option: 'altitude', value: -5, says: 'must be more than 0 m' },
    { option: 'gsd', value: 1e6, says: 'must be at most 10 m/px' },
    { option: 'gsd', value: 100, says: 'must be at most 10 m/px' },
    { option: 'scale', value: 8, says: 'must be at most 4' },
    { option: 'fps', value: 0, says: 'must be at least 0.01 frames per second' },
    { option: 'max-width', value: 100000, says: 'must be at most 16384 px' },
    { option: 'max-width', value: 640.5, says: 'must be a whole number' },
    { option: 'gsd', value: Number.NaN, says: 'is not a finite number' },
    { option: 'altitude', value: Infinity, says: 'is not a finite number' },
  ] as const)('--$option $value: refused ($says), with the reason and what to give', ({ option, value, says }) => {
    const limit = OPTION_LIMITS[option];
    const message = usageMessage(() => checkOption(option, value, limit));
    expect(message).toContain(`--${option} ${value} `);
    expect(message).toContain(says);
    expect(message).toContain(limit.why);
    expect(message).toContain(limit.fix);
    expect(message).not.toContain('\n');
  });

  it.each([
    { option: 'hfov', value: 73.7 },
    { option: 'hfov', value: 169.9 },
    { option: 'altitude', value: 1000 },
    { option: 'gsd', value: 10 },
    { option: 'gsd', value: 0.046 },
    { option: 'scale', value: 4 },
    { option: 'fps', value: 240 },
    { option: 'max-width', value: 16384 },
  ] as const)('--$option $value is accepted', ({ option, value }) => {
    expect(rangeProblem(value, OPTION_LIMITS[option])).toBeUndefined();
    expect(() => checkOption(option, value, OPTION_LIMITS[option])).not.toThrow();
  });

  it('passes an option that was not given', () => {
    expect(() => checkOption('hfov', undefined, OPTION_LIMITS.hfov)).not.toThrow();
  });

  it('allows up to twice the cores as threads, whole numbers only', () => {
    const limit = threadsLimit(2);
    expect(rangeProblem(4, limit)).toBeUndefined();
    expect(usageMessage(() => checkOption('threads', 1000, limit))).toContain('must be at most 4 threads');
    expect(usageMessage(() => checkOption('threads', 0, limit))).toContain('must be at least 1 threads');
    expect(usageMessage(() => checkOption('threads', 1.5, limit))).toContain('must be a whole number');
    expect(threadsLimit(16).max).toBe(32);
  });
});
