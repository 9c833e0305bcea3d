import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageFile } from './image-file.js';

// Property: any bytes in an image file decode to a consistent RGB image or fail with
// IMAGE_DECODE_FAILED naming the file: never another exception.

const dir = mkdtempSync(join(tmpdir(), 'raqib-image-property-'));
const seeds: Record<string, Uint8Array> = {};

beforeAll(async () => {
  // A 37x23 gradient (odd sizes on purpose), as JPEG, PNG and WebP.
  const width = 37;
  const height = 23;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set([(i * 7) % 256, (i * 3) % 256, (i * 11) % 256], i * 3);
  const image = () => sharp(rgb, { raw: { width, height, channels: 3 } });
  seeds.jpg = await image().jpeg().toBuffer();
  seeds.png = await image().png().toBuffer();
  seeds.webp = await image().webp().toBuffer();
});

/** A seed with a few bytes overwritten, a range zeroed, or cut short. */
const corrupted = fc
  .record({
    format: fc.constantFrom('jpg', 'png', 'webp'),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    zero: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 }))),
    cut: fc.option(fc.nat()),
  })
  .map(({ format, edits, zero, cut }) => () => {
    let bytes = Uint8Array.from(seeds[format]!);
    for (const [at, value] of edits) bytes[at % bytes.length] = value;
    if (zero) bytes.fill(0, zero[0] % bytes.length, (zero[0] % bytes.length) + zero[1]);
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    return { name: `image.${format}`, bytes };
  });

describe('loadImageFile properties', () => {
  it('corrupted JPEG/PNG/WebP and random bytes: an RGB image or IMAGE_DECODE_FAILED naming the file', async () => {
    let decoded = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: corrupted },
          fc.uint8Array({ maxLength: 200 }).map((bytes) => () => ({ name: 'image.png', bytes })),
        ),
        async (make) => {
          const { name, bytes } = make();
          const path = join(dir, `${run++}-${name}`);
          writeFileSync(path, bytes);
          try {
            const image = await loadImageFile(path);
            expect(image.rgb.length).toBe(image.width * image.height * 3);
            expect(image.width > 0 && image.height > 0).toBe(true);
            decoded++;
          } catch (error) {
            if (!isRaqibError(error, 'IMAGE_DECODE_FAILED')) throw error;
            expect(error.message.startsWith(`${path}: `)).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 90 },
    );
    expect(decoded).toBeGreaterThan(5);
  });
});
