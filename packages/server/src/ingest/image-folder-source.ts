import { isRaqibError, type RaqibError } from '@raqib/core';
import type { FrameSource, SourceEnd, SourceFrame } from './frame-source.js';
import { loadImageFile } from './image-file.js';

/**
 * Frames from a list of image files (a folder, or one image), one every `1 / fps` seconds of
 * stream time. An unreadable image is reported through `onSkip` and skipped; the run goes on.
 */
export class ImageFolderSource implements FrameSource {
  readonly description: string;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };

  constructor(
    private readonly files: readonly string[],
    private readonly options: { fps: number; streamId?: string; onSkip?: (error: RaqibError) => void },
    description?: string,
  ) {
    this.description = description ?? (files.length === 1 ? files[0]! : `${files.length} images`);
  }

  end(): SourceEnd {
    return this.endInfo;
  }

  async *frames(): AsyncGenerator<SourceFrame> {
    let seq = 0;
    let skipped = 0;
    let lastPtsMs: number | null = null;
    for (const [index, path] of this.files.entries()) {
      const ptsMs = (index * 1000) / this.options.fps;
      let image;
      try {
        image = await loadImageFile(path);
      } catch (error) {
        if (!isRaqibError(error)) throw error;
        skipped++;
        this.options.onSkip?.(error);
        continue;
      }
      lastPtsMs = ptsMs;
      this.endInfo = { completed: false, framesRead: seq + 1, lastPtsMs, reason: 'interrupted' };
      const meta = {
        streamId: this.options.streamId ?? 'images',
        seq,
        ptsMs,
        width: image.width,
        height: image.height,
      };
      yield { meta, image };
      seq++;
    }
    this.endInfo = {
      completed: skipped === 0,
      framesRead: seq,
      lastPtsMs,
      ...(skipped ? { reason: `${skipped} of ${this.files.length} images could not be read` } : {}),
    };
  }
}
