import type { CountReporter } from './count-reporter.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV, one row per image as it is counted: path,count,ms,width,height,points (no total row). */
export function createCountCsvReporter(out: NodeJS.WritableStream): CountReporter {
  let started = false;
  const start = () => {
    if (!started) out.write('path,count,ms,width,height,points\n');
    started = true;
  };
  return {
    image(row) {
      start();
      out.write(
        `${csvField(row.path)},${row.count.toFixed(2)},${row.ms.toFixed(1)},${row.widthPx},${row.heightPx},${row.points}\n`,
      );
    },
    finish: start,
  };
}
