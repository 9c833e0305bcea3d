import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FrameAnalysis, RgbImage } from '@raqib/core';
import type { AnalysisSummary } from './analysis-summary.js';
import type { Sink } from './sink.js';

/** A sink that can stop its work at once (e.g. kill an encoder) when its output is given up. */
export interface AbortableSink extends Sink {
  abort?(): void;
}

/**
 * Runs a sink whose output is a by-product (heatmap.png, annotated.mp4) so that its failure fails
 * that output only: the first error is kept as {@link problem}, the sink gets no more frames, its
 * partial file is deleted, and the analysis and every other output go on.
 */
export class OptionalOutputSink implements Sink {
  /** Why the output is missing, e.g. `annotated.mp4: encoding failed (ffmpeg exit code 1: ...)`; null when written. */
  problem: string | null = null;

  constructor(
    private readonly path: string,
    private readonly sink: AbortableSink,
  ) {}

  /** The file name, as outputs are listed. */
  get name(): string {
    return basename(this.path);
  }

  async write(analysis: FrameAnalysis, image?: RgbImage): Promise<void> {
    if (this.problem !== null) return;
    try {
      await this.sink.write(analysis, image);
    } catch (error) {
      this.fail(error);
    }
  }

  async close(summary: AnalysisSummary): Promise<void> {
    if (this.problem === null) {
      try {
        await this.sink.close(summary);
      } catch (error) {
        this.fail(error);
      }
    }
    if (this.problem !== null) await rm(this.path, { force: true }).catch(() => undefined);
  }

  private fail(error: unknown): void {
    // Named as the user will find it: the staging path the sink knows is gone after the final move.
    const message = (error instanceof Error ? error.message : String(error)).split(this.path).join(this.name);
    this.problem = message.startsWith(this.name) ? message : `${this.name}: ${message}`;
    try {
      this.sink.abort?.();
    } catch {
      // already failing; the first error is the one to report
    }
  }
}
