import { createWriteStream, type WriteStream } from 'node:fs';
import type { FrameAnalysis } from '@raqib/core';
import { frameAnalysisRecord } from './analysis-record.js';
import type { Sink } from './sink.js';

/**
 * Writes a text file line by line (a line of JSON per record, or CSV rows); every line is complete when
 * written, so a crash loses no earlier line.
 */
export class JsonlWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (error) => (this.failure = error));
  }

  append(record: unknown): Promise<void> {
    return this.appendText(JSON.stringify(record) + '\n');
  }

  /** Appends complete lines of text (ending with a newline). */
  async appendText(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await this.drained();
    if (this.failure) throw this.failure;
  }

  /** Waits for 'drain', or for the error or close that means it will never come (disk full, folder removed). */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.destroyed) throw new Error(`${this.path}: the file was closed before the end of the run`);
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (this.failure) throw this.failure;
  }
}

/** analysis.jsonl: one FrameAnalysis record per analysed frame. */
export class AnalysisJsonlSink implements Sink {
  private readonly writer: JsonlWriter;

  constructor(path: string) {
    this.writer = new JsonlWriter(path);
  }

  write(analysis: FrameAnalysis): Promise<void> {
    return this.writer.append(frameAnalysisRecord(analysis));
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
