import type { CountReporter } from './count-reporter.js';

/** Human-readable table, one row per image as it is counted (path last, so long paths do not shift columns). */
export function createCountTableReporter(out: NodeJS.WritableStream): CountReporter {
  let header = false;
  const writeHeader = () => {
    if (header) return;
    header = true;
    out.write(`${'count'.padStart(10)}  ${'ms'.padStart(7)}  ${'size'.padEnd(11)}  image\n`);
  };
  return {
    image(row) {
      writeHeader();
      const size = `${row.widthPx}x${row.heightPx}`;
      out.write(
        `${row.count.toFixed(1).padStart(10)}  ${row.ms.toFixed(0).padStart(7)}  ${size.padEnd(11)}  ${row.path}\n`,
      );
    },
    finish(summary) {
      writeHeader();
      const n = summary.images.length;
      const failed = summary.failures.length > 0 ? `, ${summary.failures.length} failed` : '';
      out.write(
        `${summary.total.toFixed(1).padStart(10)}  ${'total'.padStart(7)}  ${n} image${n === 1 ? '' : 's'}${failed}\n`,
      );
    },
  };
}
