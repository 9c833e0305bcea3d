import { writeFile } from 'node:fs/promises';
import type { AnalysisSummary } from './analysis-summary.js';
import type { Sink } from './sink.js';

/** summary.json, written once at the end (also after a failed run). */
export class SummaryFileSink implements Sink {
  constructor(private readonly path: string) {}

  async write(): Promise<void> {}

  async close(summary: AnalysisSummary): Promise<void> {
    await writeFile(this.path, JSON.stringify(summary, null, 2) + '\n');
  }
}
