import { RaqibError, type RgbImage } from '@raqib/core';

/** Largest frame accepted from a live decoder: 8K. Guards against a garbage header asking for gigabytes. */
export const MAX_FRAME_PIXELS = 7680 * 4320;

const P6 = 0x50_36; // "P6"

/**
 * Splits ffmpeg's `-f image2pipe -c:v ppm` output into RGB frames. Each PPM frame carries its own
 * size in its header, so a live stream that changes resolution mid-flight (drone apps do) needs no
 * probe and no restart. Every frame gets a fresh buffer: the consumer may keep it (or hand it to a
 * worker) while the next one is parsed.
 */
export class PpmFrameParser {
  private header = '';
  private frame: { width: number; height: number; rgb: Uint8Array; filled: number } | null = null;

  /** Feeds a chunk of ffmpeg output; calls `onFrame` for every frame it completes. */
  push(chunk: Uint8Array, onFrame: (image: RgbImage) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frame) {
        const frame = this.frame;
        const take = Math.min(frame.rgb.length - frame.filled, chunk.length - offset);
        frame.rgb.set(chunk.subarray(offset, offset + take), frame.filled);
        frame.filled += take;
        offset += take;
        if (frame.filled === frame.rgb.length) {
          this.frame = null;
          onFrame({ width: frame.width, height: frame.height, rgb: frame.rgb });
        }
        continue;
      }
      // Header: "P6" ws width ws height ws maxval, then exactly one whitespace byte. ffmpeg writes
      // "P6\n<w> <h>\n255\n" (no comments); anything else is not a stream we produced.
      const byte = chunk[offset++]!;
      this.header += String.fromCharCode(byte);
      if (this.header.length > 64) throw this.invalid('header longer than 64 bytes');
      if (this.header.length === 2 && (this.header.charCodeAt(0) << 8) + this.header.charCodeAt(1) !== P6) {
        throw this.invalid('does not start with P6');
      }
      const fields = this.header.split(/\s+/);
      // Complete when four fields are followed by the one separating whitespace byte.
      if (fields.length === 5 && fields[4] === '' && /\s$/.test(this.header)) {
        const [, w, h, maxval] = fields;
        const width = Number(w);
        const height = Number(h);
        if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
          throw this.invalid(`bad size "${w} ${h}"`);
        }
        if (width * height > MAX_FRAME_PIXELS) throw this.invalid(`frame ${width}x${height} is larger than 8K`);
        if (maxval !== '255') throw this.invalid(`max value ${maxval}, expected 255 (8-bit RGB)`);
        this.header = '';
        this.frame = { width, height, rgb: new Uint8Array(width * height * 3), filled: 0 };
      }
    }
  }

  /** True when a frame or header is partly read (the stream stopped mid-frame). */
  get partial(): boolean {
    return this.frame !== null || this.header !== '';
  }

  private invalid(why: string): RaqibError {
    const shown = JSON.stringify(this.header.slice(0, 32));
    this.header = '';
    this.frame = null;
    return new RaqibError('SOURCE_FAILED', `decoder output is not a PPM frame stream (${why}, header ${shown})`);
  }
}
