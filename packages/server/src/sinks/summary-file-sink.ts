import { writeFile } from 'node:fs/promises';
import type { AnalysisSummary } from './analysis-summary.js';
import type { Sink } from './sink.js';

/**
 * Completes the summary before it is written: the caller adds what only it knows at the end (an
 * interruption, failed outputs, what became of the notifications, which it may wait for here).
 */
export type SummaryFinisher = (summary: AnalysisSummary) => void | Promise<void>;

/** summary.json, written once at the end (also after a failed run). Close it after the other sinks. */
export class SummaryFileSink implements Sink {
  constructor(
    private readonly path: string,
    private readonly finish?: SummaryFinisher,
  ) {}

  async write(): Promise<void> {}

  async close(summary: AnalysisSummary): Promise<void> {
    try {
      await this.finish?.(summary);
    } finally {
      await writeFile(this.path, JSON.stringify(summary, null, 2) + '\n');
    }
  }
}
