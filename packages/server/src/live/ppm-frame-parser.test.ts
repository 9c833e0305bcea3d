import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@raqib/core';
import { PpmFrameParser } from './ppm-frame-parser.js';

function ppm(width: number, height: number, fill: (i: number) => number): Uint8Array {
  const header = new TextEncoder().encode(`P6\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height * 3);
  out.set(header);
  for (let i = 0; i < width * height * 3; i++) out[header.length + i] = fill(i);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('PpmFrameParser', () => {
  it('splits a stream into frames at any chunking, including a size change mid-stream', () => {
    const stream = concat([ppm(4, 2, (i) => i), ppm(4, 2, (i) => 255 - i), ppm(3, 5, (i) => (i * 7) % 256)]);
    for (const chunkSize of [1, 2, 7, 13, 31, stream.length]) {
      const parser = new PpmFrameParser();
      const frames: RgbImage[] = [];
      for (let at = 0; at < stream.length; at += chunkSize) {
        parser.push(stream.subarray(at, at + chunkSize), (frame) => frames.push(frame));
      }
      expect(frames.map((f) => `${f.width}x${f.height}`)).toEqual(['4x2', '4x2', '3x5']);
      expect(Array.from(frames[0]!.rgb.slice(0, 4))).toEqual([0, 1, 2, 3]);
      expect(frames[1]!.rgb[23]).toBe(255 - 23);
      expect(frames[2]!.rgb[44]).toBe((44 * 7) % 256);
      expect(parser.partial).toBe(false);
      // each frame owns its buffer
      expect(frames[0]!.rgb.buffer).not.toBe(frames[1]!.rgb.buffer);
    }
  });

  it('reports a frame cut short as partial', () => {
    const parser = new PpmFrameParser();
    const frames: RgbImage[] = [];
    parser.push(ppm(4, 2, () => 1).subarray(0, 20), (f) => frames.push(f));
    expect(frames).toHaveLength(0);
    expect(parser.partial).toBe(true);
  });

  it.each([
    ['garbage bytes', new TextEncoder().encode('GIF89a....')],
    ['a huge size', new TextEncoder().encode('P6\n100000 100000\n255\n')],
    ['16-bit samples', new TextEncoder().encode('P6\n2 2\n65535\n')],
    ['an endless header', new TextEncoder().encode(`P6 ${'1'.repeat(80)}`)],
  ])('rejects %s with SOURCE_FAILED', (_name, bytes) => {
    const parser = new PpmFrameParser();
    expect(() => parser.push(bytes, () => undefined)).toThrow(/not a PPM frame stream/);
  });
});
