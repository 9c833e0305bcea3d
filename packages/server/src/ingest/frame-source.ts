import type { Detections, FrameMeta, RgbImage } from '@raqib/core';
import type { DataQualityPart } from '../pipeline/data-quality.js';

/**
 * One frame from a source: decoded pixels (video, images) and/or ready-made head detections
 * (a points file). `image.rgb` is only valid until the source is asked for the next frame.
 */
export interface SourceFrame {
  meta: FrameMeta;
  image?: RgbImage;
  detections?: Detections;
}

/** How a source ended: all frames read, or stopped early (corrupt data, lost stream) and why. */
export interface SourceEnd {
  completed: boolean;
  framesRead: number;
  /** Time of the last frame delivered, from the start of the input. */
  lastPtsMs: number | null;
  /** Why the source stopped early (absent when completed). */
  reason?: string;
}

/** Anything that yields decoded frames: a video file, a folder of images, a live stream. */
export interface FrameSource {
  /** Human-readable origin for messages, e.g. the file path. */
  readonly description: string;
  frames(): AsyncGenerator<SourceFrame>;
  /** Valid once `frames()` has finished. */
  end(): SourceEnd;
  /** What was wrong in the data read (damaged frames, bad rows), valid once `frames()` has finished. */
  dataQuality?(): DataQualityPart | undefined;
}
