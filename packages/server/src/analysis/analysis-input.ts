import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { RaqibError } from '@raqib/core';
import type { FrameSource } from '../ingest/frame-source.js';
import type { CsvIssue } from '../tracking-data/index.js';
import { IMAGE_EXTENSIONS, listImageFiles } from '../ingest/image-file.js';
import { ImageFolderSource } from '../ingest/image-folder-source.js';
import { openPointsFileSource } from '../ingest/points-file-source.js';
import { VideoFileSource } from '../ingest/video-file-source.js';

export interface AnalysisInput {
  kind: 'video' | 'images' | 'points';
  source: FrameSource;
  /** Analysed frames per second of stream time (`--points`: the rate of the frame numbers). */
  fps: number;
  /** Seconds between analysed frames when not `1 / fps` (a points file whose frame numbers step by N). */
  frameIntervalS?: number;
  /** Seconds of input to analyse, when known (for progress). */
  durationS: number | null;
  /** Problems with individual inputs that did not stop the run (unreadable images, bad CSV rows). */
  skipped: RaqibError[];
  video?: VideoFileSource;
  /** Things worth telling that changed nothing (e.g. rows out of frame order, clamped scores). */
  notes?: string[];
}

export interface AnalysisInputOptions {
  fps?: number;
  startS?: number;
  endS?: number;
  maxWidthPx?: number;
}

/** Opens what `raqib analyze` was given: a video file, a folder of images, or one image. */
export async function openAnalysisInput(path: string, options: AnalysisInputOptions): Promise<AnalysisInput> {
  const info = await stat(path).catch((error: unknown) => {
    throw new RaqibError('INPUT_NOT_FOUND', `${path}: no such file or directory`, { cause: error });
  });
  const skipped: RaqibError[] = [];
  if (info.isDirectory() || IMAGE_EXTENSIONS.includes(extname(path).toLowerCase())) {
    const listed = await listImageFiles([path]);
    skipped.push(...listed.errors);
    if (listed.files.length === 0) {
      throw new RaqibError(
        'INPUT_INVALID',
        `${path}: no images to analyse (${listed.errors.map((e) => e.message).join('; ') || 'empty'})`,
      );
    }
    const fps = options.fps ?? 1;
    const source = new ImageFolderSource(listed.files, { fps, onSkip: (error) => skipped.push(error) }, path);
    return { kind: 'images', source, fps, durationS: listed.files.length / fps, skipped };
  }
  const video = new VideoFileSource(path, options);
  const probe = await video.probe();
  const fps = await video.analysisFps();
  const startS = options.startS ?? 0;
  const endS = Math.min(options.endS ?? Infinity, probe.durationS ?? Infinity);
  return {
    kind: 'video',
    source: video,
    fps,
    durationS: Number.isFinite(endS) ? Math.max(0, endS - startS) : null,
    skipped,
    video,
  };
}

/** Options of {@link openPointsAnalysisInput}: `--fps`, `--frame-size WxH`, `--start`, `--end`. */
export interface PointsInputOptions {
  fps: number | undefined;
  frameSize: string | undefined;
  startS?: number;
  endS?: number;
}

/**
 * Opens a `frame,x,y[,score]` points CSV (`raqib analyze --points FILE`). Needs the frame rate and the
 * frame size, which a points file does not carry. Malformed rows are reported as skipped, with line numbers.
 */
export async function openPointsAnalysisInput(path: string, options: PointsInputOptions): Promise<AnalysisInput> {
  if (options.fps === undefined) {
    throw new RaqibError('USAGE', `--points needs --fps N: the frame rate of the frame numbers in ${path}`);
  }
  const { widthPx, heightPx } = parseFrameSize(options.frameSize, path);
  const opened = await openPointsFileSource(path, {
    fps: options.fps,
    widthPx,
    heightPx,
    ...(options.startS === undefined ? {} : { startS: options.startS }),
    ...(options.endS === undefined ? {} : { endS: options.endS }),
  });
  const skippedRows = opened.issues.filter((issue) => issue.kind === 'skipped');
  const skipped = groupedNotes(path, skippedRows).map((text) => new RaqibError('INPUT_INVALID', text));
  const notices = opened.issues.filter((issue) => issue.kind === 'notice');
  const more = opened.issueCount - opened.issues.length;
  if (more > 0) skipped.push(new RaqibError('INPUT_INVALID', `${path}: ${more} more problems not listed`));
  return {
    kind: 'points',
    source: opened.source,
    fps: options.fps,
    // Frame numbers that step by N (0, 5, 10, ...) cover N frame intervals each.
    frameIntervalS: opened.source.frameStep / options.fps,
    durationS: (opened.source.frameCount * opened.source.frameStep) / options.fps,
    skipped,
    notes: groupedNotes(path, notices),
  };
}

/** Parses `--frame-size WxH` (pixels), e.g. `1920x1080`. */
export function parseFrameSize(text: string | undefined, pointsPath: string): { widthPx: number; heightPx: number } {
  if (text === undefined) {
    throw new RaqibError(
      'USAGE',
      `--points needs --frame-size WxH (pixels, e.g. 1920x1080): the image size of ${pointsPath}`,
    );
  }
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  const widthPx = Number(match?.[1]);
  const heightPx = Number(match?.[2]);
  if (!match || !(widthPx > 0) || !(heightPx > 0)) {
    throw new RaqibError('USAGE', `--frame-size must be WxH in pixels like 1920x1080, got '${text}'`);
  }
  return { widthPx, heightPx };
}

/**
 * One line per kind of row problem (e.g. every clamped score, every unreadable position), naming the
 * first line and how many more had the same kind: 10,000 scores of 1.2 give one line, not 200.
 */
export function groupedNotes(path: string, notices: readonly CsvIssue[]): string[] {
  const groups = new Map<string, { first: CsvIssue; more: number }>();
  for (const issue of notices) {
    // The kind: the message without its quoted values and numbers.
    const kind = issue.message.replace(/'[^']*'/g, "'#'").replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, '#');
    const group = groups.get(kind);
    if (group) group.more++;
    else groups.set(kind, { first: issue, more: 0 });
  }
  return [...groups.values()].map(
    ({ first, more }) =>
      `${path}:${first.line}: ${first.message}` + (more > 0 ? ` (and ${more} more line(s) like it)` : ''),
  );
}
