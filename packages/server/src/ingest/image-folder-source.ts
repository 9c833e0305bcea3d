import { isRaqibError, type RaqibError } from '@raqib/core';
import { percent, type DataQualityPart } from '../pipeline/data-quality.js';
import { isBlankFrame } from './blank-frame.js';
import type { FrameSource, SourceEnd, SourceFrame } from './frame-source.js';
import { loadImageFile } from './image-file.js';

/** Above this share of blank images (one flat colour, e.g. a truncated file filled grey) the run fails (exit 1). */
export const MAX_BLANK_IMAGE_SHARE = 0.05;

/**
 * Frames from a list of image files (a folder, or one image), one every `1 / fps` seconds of
 * stream time. An unreadable image is reported through `onSkip` and skipped; the run goes on.
 * Blank images (one flat colour: nothing to count on) are analysed and reported by `dataQuality()`.
 */
export class ImageFolderSource implements FrameSource {
  readonly description: string;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };
  private blank: string[] = [];
  private unreadable = 0;

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
    this.blank = [];
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
      if (isBlankFrame(image)) this.blank.push(path);
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
    this.unreadable = skipped;
    this.endInfo = {
      completed: skipped === 0,
      framesRead: seq,
      lastPtsMs,
      ...(skipped ? { reason: `${skipped} of ${this.files.length} images could not be read` } : {}),
    };
  }

  /** Blank images among those read (unreadable ones are reported as skipped), against {@link MAX_BLANK_IMAGE_SHARE}. */
  dataQuality(): DataQualityPart {
    const read = this.endInfo.framesRead;
    const blank = this.blank.length;
    const share = read === 0 ? 0 : blank / read;
    const overLimit = share > MAX_BLANK_IMAGE_SHARE;
    const warnings =
      blank === 0
        ? []
        : [
            `${blank} of ${read} images are blank (one flat colour, first ${this.blank[0]}): nothing to count on them` +
              (overLimit ? `; over the ${percent(MAX_BLANK_IMAGE_SHARE)} limit, the counts are not reliable` : ''),
          ];
    return {
      section: 'images',
      counts: {
        imagesRead: read,
        unreadableImages: this.unreadable,
        blankImages: blank,
        blankShare: Number(share.toFixed(4)),
        maxBlankShare: MAX_BLANK_IMAGE_SHARE,
      },
      warnings,
      overLimit,
    };
  }
}
