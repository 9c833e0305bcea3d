import type { CountReporter } from './count-reporter.js';

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * One JSON object at the end: {"images":[{"path","count","ms"}],"total":..,"errors":[{"code","message"}]}.
 * Counts are rounded to 2 decimals, ms to 1; total is the sum of the unrounded counts.
 */
export function createCountJsonReporter(out: NodeJS.WritableStream): CountReporter {
  return {
    image() {},
    finish(summary) {
      const report = {
        images: summary.images.map((row) => ({ path: row.path, count: round(row.count, 2), ms: round(row.ms, 1) })),
        total: round(summary.total, 2),
        errors: summary.failures.map((failure) => ({ code: failure.code, message: failure.message })),
      };
      out.write(JSON.stringify(report) + '\n');
    },
  };
}
