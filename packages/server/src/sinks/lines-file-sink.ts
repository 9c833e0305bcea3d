import { writeFile } from 'node:fs/promises';
import type { AnalysisSummary } from './analysis-summary.js';
import type { Sink } from './sink.js';

/** lines.json: `{"lines":[{"id","in","out","lengthM"?}]}`, the crossing totals of every line zone, written at the end. */
export class LinesFileSink implements Sink {
  constructor(private readonly path: string) {}

  async write(): Promise<void> {}

  async close(summary: AnalysisSummary): Promise<void> {
    const lines = Array.isArray(summary.lines) ? summary.lines : [];
    await writeFile(this.path, JSON.stringify({ lines }, null, 2) + '\n');
  }
}
