import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { RaqibError } from '@raqib/core';
import type { FrameSource } from '../ingest/frame-source.js';
import { IMAGE_EXTENSIONS, listImageFiles } from '../ingest/image-file.js';
import { ImageFolderSource } from '../ingest/image-folder-source.js';
import { VideoFileSource } from '../ingest/video-file-source.js';

export interface AnalysisInput {
  kind: 'video' | 'images';
  source: FrameSource;
  /** Analysed frames per second of stream time. */
  fps: number;
  /** Seconds of input to analyse, when known (for progress). */
  durationS: number | null;
  /** Problems with individual inputs that did not stop the run (unreadable images). */
  skipped: RaqibError[];
  video?: VideoFileSource;
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
