import { Detections, RaqibError, type PointFrame } from '@raqib/core';
import { readPointCsv, type CsvIssue } from '../tracking-data/index.js';
import type { FrameSource, SourceEnd, SourceFrame } from './frame-source.js';

/** Options of {@link openPointsFileSource}. */
export interface PointsFileSourceOptions {
  /** Frame rate of the file's frame numbers, frames per second. */
  fps: number;
  widthPx: number;
  heightPx: number;
  /** Analyse from / up to these times, seconds from frame 0. */
  startS?: number;
  endS?: number;
  streamId?: string;
}

/**
 * Frames of pre-detected head points from a `frame,x,y[,score]` CSV (`raqib analyze --points`): one
 * frame per frame number from the first to the last, at `fps`; numbers missing from the file are empty
 * frames. Points outside the frame size are kept (the tracker may still use them).
 */
export class PointsFileSource implements FrameSource {
  readonly description: string;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };

  constructor(
    private readonly frameList: readonly PointFrame[],
    private readonly options: PointsFileSourceOptions,
    description: string,
  ) {
    this.description = description;
  }

  /** Number of frames the source will deliver. */
  get frameCount(): number {
    const { first, last } = this.range();
    return Math.max(0, last - first + 1);
  }

  end(): SourceEnd {
    return this.endInfo;
  }

  async *frames(): AsyncGenerator<SourceFrame> {
    const { fps, widthPx, heightPx } = this.options;
    const { first, last } = this.range();
    const byNumber = new Map(this.frameList.map((frame) => [frame.frame, frame]));
    let seq = 0;
    let lastPtsMs: number | null = null;
    for (let number = first; number <= last; number++) {
      const points = byNumber.get(number);
      const ptsMs = (number * 1000) / fps;
      const detections = points ? Detections.fromPoints(points.xy, points.score) : Detections.empty();
      const meta = { streamId: this.options.streamId ?? 'points', seq, ptsMs, width: widthPx, height: heightPx };
      this.endInfo = { completed: false, framesRead: seq + 1, lastPtsMs: ptsMs, reason: 'interrupted' };
      yield { meta, detections };
      lastPtsMs = ptsMs;
      seq++;
    }
    this.endInfo = { completed: true, framesRead: seq, lastPtsMs };
  }

  private range(): { first: number; last: number } {
    const { fps, startS, endS } = this.options;
    const numbers = this.frameList.map((frame) => frame.frame);
    const first = Math.max(numbers[0] ?? 0, startS === undefined ? 0 : Math.ceil(startS * fps - 1e-9));
    const last = Math.min(
      numbers[numbers.length - 1] ?? -1,
      endS === undefined ? Infinity : Math.floor(endS * fps + 1e-9),
    );
    return { first, last };
  }
}

/** A points CSV opened for analysis, with the problems found in it. */
export interface OpenedPointsFile {
  source: PointsFileSource;
  rows: number;
  issues: CsvIssue[];
  issueCount: number;
}

/** Reads a points CSV (see {@link PointsFileSource}); throws `INPUT_INVALID` when no row is usable. */
export async function openPointsFileSource(path: string, options: PointsFileSourceOptions): Promise<OpenedPointsFile> {
  if (!(options.fps > 0)) throw new RaqibError('USAGE', `--fps must be > 0 for --points, got ${options.fps}`);
  const csv = await readPointCsv(path);
  return {
    source: new PointsFileSource(csv.frames, options, path),
    rows: csv.rows,
    issues: csv.issues,
    issueCount: csv.issueCount,
  };
}
