import { Detections, RaqibError, type PointFrame } from '@raqib/core';
import { percent, type DataQualityPart } from '../pipeline/data-quality.js';
import { readPointCsv, type CsvIssue, type PointCsv } from '../tracking-data/index.js';
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
 * The longest run of missing frame numbers a points file may have inside the analysed range, in
 * seconds of stream time. Missing frames are analysed as empty frames (nobody detected), so a gap
 * of hours (`0`, then `2000000000`) would mean billions of empty frames and a full disk; such a file
 * is refused, naming the two rows.
 */
export const MAX_POINTS_GAP_S = 600;

/** Above this share of points outside `--frame-size` the size is probably wrong: the run fails (exit 1). */
export const MAX_OUT_OF_FRAME_SHARE = 0.05;

/**
 * Frames of pre-detected head points from a `frame,x,y[,score]` CSV (`raqib analyze --points`): one
 * frame per frame number from the first to the last, at `fps`; numbers missing from the file are empty
 * frames. When the numbers step by more than one (0, 5, 10, ...: every 5th frame of a video), only
 * those numbers are frames. Points outside the frame size, and exact duplicate rows, are dropped and
 * reported by {@link PointsFileSource.dataQuality}.
 */
export class PointsFileSource implements FrameSource {
  readonly description: string;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };
  private readonly frameList: readonly PointFrame[];

  constructor(
    private readonly csv: Pick<PointCsv, 'frames' | 'quality' | 'rows'>,
    private readonly options: PointsFileSourceOptions,
    description: string,
  ) {
    this.description = description;
    this.frameList = csv.frames;
  }

  /** Frame numbers advance by this much from one analysed frame to the next (inferred from the file). */
  get frameStep(): number {
    return this.csv.quality.frameStep;
  }

  /** Number of frames the source will deliver. */
  get frameCount(): number {
    const { first, last } = this.range();
    return last < first ? 0 : Math.floor((last - first) / this.frameStep) + 1;
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
    for (let number = first; number <= last; number += this.frameStep) {
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

  /**
   * What was odd in the file and what was done about it: the frame step found, exact duplicate rows
   * and points outside the frame (dropped), frames appearing twice (merged). Over
   * {@link MAX_OUT_OF_FRAME_SHARE} of the points outside the frame marks the run as unreliable.
   */
  dataQuality(): DataQualityPart {
    const q = this.csv.quality;
    const path = this.description;
    const { fps, widthPx, heightPx } = this.options;
    const warnings: string[] = [];
    const step = q.frameStep;
    if (step > 1) {
      warnings.push(
        `${path}: frame numbers step by ${step}, not 1: analysed as every ${step}th frame, ` +
          `${fmt(fps / step)} frames per second at --fps ${fmt(fps)} (frame N at N/${fmt(fps)} s); ` +
          `if consecutive rows are 1/${fmt(fps)} s apart, pass --fps ${fmt(fps * step)}`,
      );
    }
    if (q.duplicateRows.count > 0) {
      warnings.push(
        `${path}: ${q.duplicateRows.count} row(s) repeat an earlier row of the same frame exactly ` +
          `(first at line ${q.duplicateRows.firstLine}): dropped, each point counted once; was the file joined to itself?`,
      );
    }
    if (q.reappearedFrames.count > 0) {
      warnings.push(
        `${path}: ${q.reappearedFrames.count} time(s) a frame's rows appear again after other frames ` +
          `(first at line ${q.reappearedFrames.firstLine}): their new points were added to the frame; ` +
          'if two files were joined, analyse them separately',
      );
    }
    const pointRows = this.csv.frames.reduce((sum, frame) => sum + frame.score.length, 0) + q.outOfFrame.count;
    const outShare = pointRows === 0 ? 0 : q.outOfFrame.count / pointRows;
    const overLimit = outShare > MAX_OUT_OF_FRAME_SHARE;
    if (q.outOfFrame.count > 0) {
      const extent = `the points reach x ${fmt(q.maxXPx)}, y ${fmt(q.maxYPx)}`;
      warnings.push(
        `${path}: ${q.outOfFrame.count} point(s) (${percent(outShare)}) lie outside --frame-size ${widthPx}x${heightPx} ` +
          `(first at line ${q.outOfFrame.firstLine}): dropped` +
          (overLimit
            ? `; over the ${percent(MAX_OUT_OF_FRAME_SHARE)} limit, so --frame-size is probably wrong (${extent})`
            : ''),
      );
    }
    return {
      section: 'points',
      counts: {
        rows: this.csv.rows,
        frames: this.frameCount,
        frameStep: step,
        duplicateRows: q.duplicateRows.count,
        reappearedFrames: q.reappearedFrames.count,
        pointsOutOfFrame: q.outOfFrame.count,
        outOfFrameShare: Number(outShare.toFixed(4)),
        maxOutOfFrameShare: MAX_OUT_OF_FRAME_SHARE,
      },
      warnings,
      overLimit,
    };
  }

  /** First and last frame number to deliver: within the file and `--start/--end`, on the file's step. */
  range(): { first: number; last: number } {
    const { fps, startS, endS } = this.options;
    const numbers = this.frameList.map((frame) => frame.frame);
    const firstInFile = numbers[0] ?? 0;
    const startNumber = startS === undefined ? 0 : Math.ceil(startS * fps - 1e-9);
    const step = this.frameStep;
    const first =
      startNumber <= firstInFile ? firstInFile : firstInFile + Math.ceil((startNumber - firstInFile) / step) * step;
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

/**
 * Reads a points CSV (see {@link PointsFileSource}); throws `INPUT_INVALID` when no row is usable, or
 * when the analysed range has a gap in its frame numbers longer than {@link MAX_POINTS_GAP_S}.
 */
export async function openPointsFileSource(path: string, options: PointsFileSourceOptions): Promise<OpenedPointsFile> {
  if (!(options.fps > 0)) throw new RaqibError('USAGE', `--fps must be > 0 for --points, got ${options.fps}`);
  const csv = await readPointCsv(path, { frameSize: { widthPx: options.widthPx, heightPx: options.heightPx } });
  const source = new PointsFileSource(csv, options, path);
  checkFrameGaps(csv, source.range(), options.fps, path);
  return { source, rows: csv.rows, issues: csv.issues, issueCount: csv.issueCount };
}

/** Refuses a gap in the frame numbers longer than {@link MAX_POINTS_GAP_S} inside `[first, last]`. */
function checkFrameGaps(csv: PointCsv, range: { first: number; last: number }, fps: number, path: string): void {
  const { frames, frameLines } = csv;
  for (let i = 1; i < frames.length; i++) {
    const previous = frames[i - 1]!.frame;
    const next = frames[i]!.frame;
    // Only the part of the gap inside the analysed range is filled with empty frames.
    const gapS = (Math.min(next, range.last) - Math.max(previous, range.first)) / fps;
    if (gapS <= MAX_POINTS_GAP_S) continue;
    throw new RaqibError(
      'INPUT_INVALID',
      `${path}:${frameLines[i]}: frame ${next} follows frame ${previous} (line ${frameLines[i - 1]}): ` +
        `a gap of ${fmt(gapS)} s at --fps ${fmt(fps)}, longer than the ${MAX_POINTS_GAP_S} s limit ` +
        '(every missing frame would be analysed as an empty frame); check the frame numbers, ' +
        'or analyse the parts on either side separately with --start/--end',
    );
  }
}

function fmt(value: number): string {
  return String(Number(value.toFixed(3)));
}
