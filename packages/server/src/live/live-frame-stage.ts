import type { LiveFrameMessage, RgbImage } from '@raqib/core';
import type { LiveBus } from '../bus/live-bus.js';
import type { FrameContext, Stage } from '../pipeline/stage.js';
import { encodeJpeg, type JpegOptions } from './frame-jpeg.js';

const round1 = (value: number) => Math.round(value * 10) / 10;

export interface LiveFrameStageOptions extends JpegOptions {
  bus: LiveBus;
  streamId: string;
  /** At most one picture per this interval (display rate); default 100 ms. */
  minIntervalMs?: number;
  /** Whether anyone watches the picture now (no subscriber, no encode); default always. */
  watched?: () => boolean;
  /** Makes the picture of a frame that has no pixels of its own (the demo drone draws its crowd). */
  render?: (context: FrameContext) => RgbImage | undefined;
  nowMs?: () => number;
  onEncoded?: (message: LiveFrameMessage) => void;
}

/**
 * Publishes the picture of analysed frames on `streams/<id>/frames`, so that overlays drawn from
 * `streams/<id>/analysis` (same `seq`, same pixel space) line up with it exactly. Never slows the
 * analysis: the pixels are copied and encoded in the background, one encode at a time, and a frame
 * that arrives while one is running is skipped (latest frame wins, like the analysis itself).
 */
export class LiveFrameStage implements Stage {
  readonly name = 'live-frame';
  private busy = false;
  private lastMs = -Infinity;
  private readonly topic: string;
  /** The last encode's promise (tests and a clean stop wait for it). */
  pending: Promise<void> = Promise.resolve();

  constructor(private readonly options: LiveFrameStageOptions) {
    this.topic = `streams/${options.streamId}/frames`;
  }

  process(context: FrameContext): void {
    const now = (this.options.nowMs ?? Date.now)();
    if (this.busy || now - this.lastMs < (this.options.minIntervalMs ?? 100)) return;
    if (this.options.watched && !this.options.watched()) return;
    const rendered = this.options.render?.(context);
    const source = rendered ?? context.image;
    if (!source) return;
    // The frame's pixels are only valid during this call: copy them unless we drew them ourselves.
    const image: RgbImage = rendered ? source : { width: source.width, height: source.height, rgb: source.rgb.slice() };
    const { frame } = context.analysis;
    const count = Math.round(context.analysis.count * 100) / 100;
    const points = Array.from(context.analysis.detections.centers(), round1);
    const tracks = (context.analysis.tracks ?? []).map((track) => ({
      id: track.id,
      xPx: round1(track.xPx),
      yPx: round1(track.yPx),
      vxPxPerS: round1(track.vxPxPerS),
      vyPxPerS: round1(track.vyPxPerS),
    }));
    this.busy = true;
    this.lastMs = now;
    this.pending = encodeJpeg(image, this.options).then(
      (encoded) => {
        this.busy = false;
        const message: LiveFrameMessage = {
          streamId: this.options.streamId,
          seq: frame.seq,
          timeS: context.analysis.timeS,
          capturedAtMs: frame.capturedAtMs ?? null,
          encodedAtMs: (this.options.nowMs ?? Date.now)(),
          encodeMs: Math.round(encoded.encodeMs * 10) / 10,
          widthPx: frame.width,
          heightPx: frame.height,
          imageWidthPx: encoded.widthPx,
          imageHeightPx: encoded.heightPx,
          jpegBase64: encoded.jpeg.toString('base64'),
          count,
          points,
          tracks,
        };
        this.options.bus.publish(this.topic, message);
        this.options.onEncoded?.(message);
      },
      () => {
        // A frame that cannot be encoded is skipped; the next one is tried.
        this.busy = false;
      },
    );
  }
}

/** Whether `topic` has a subscriber on `bus` (buses that cannot tell are taken as watched). */
export function busWatched(bus: LiveBus, topic: string): () => boolean {
  const counting = bus as LiveBus & { subscriberCount?: (topic: string) => number };
  return () => (typeof counting.subscriberCount === 'function' ? counting.subscriberCount(topic) > 0 : true);
}
