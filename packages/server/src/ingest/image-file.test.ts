import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listImageFiles, loadImageFile } from './image-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-image-file-'));
  // 4x2 RGBA PNG: left half red, right half blue, half-transparent
  const rgba = Buffer.alloc(4 * 2 * 4);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 4; x++) rgba.set(x < 2 ? [255, 0, 0, 128] : [0, 0, 255, 128], 4 * (y * 4 + x));
  }
  await sharp(rgba, { raw: { width: 4, height: 2, channels: 4 } })
    .png()
    .toFile(join(dir, 'rgba.png'));
  await sharp(Buffer.from([0, 50, 100, 150, 200, 250]), { raw: { width: 3, height: 2, channels: 1 } })
    .png()
    .toFile(join(dir, 'gray.png'));
  // 6 wide x 2 high, stored with EXIF orientation 6 (display rotated 90 degrees clockwise)
  await sharp({ create: { width: 6, height: 2, channels: 3, background: { r: 0, g: 200, b: 0 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(join(dir, 'rotated.jpg'));
  await writeFile(join(dir, 'notes.txt'), 'not an image\n');
  await writeFile(join(dir, 'fake.jpg'), 'this is text with a .jpg name\n');
  await writeFile(join(dir, 'empty.png'), '');
  const pngBytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  await writeFile(join(dir, 'truncated.png'), pngBytes.subarray(0, 40));
  await mkdir(join(dir, 'seq'));
  await mkdir(join(dir, 'seq', 'sub'));
  for (const name of ['IMG_10.jpg', 'IMG_2.JPG', 'IMG_1.png', 'readme.md', '.hidden.jpg']) {
    await writeFile(join(dir, 'seq', name), pngBytes);
  }
  await mkdir(join(dir, 'no-images'));
  await writeFile(join(dir, 'no-images', 'a.csv'), 'x\n');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return (await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  )) as Error;
}

describe('loadImageFile', () => {
  it('drops alpha and keeps the colours', async () => {
    const image = await loadImageFile(join(dir, 'rgba.png'));
    expect([image.width, image.height, image.rgb.length]).toEqual([4, 2, 24]);
    expect(Array.from(image.rgb.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(image.rgb.subarray(9, 12))).toEqual([0, 0, 255]);
  });

  it('turns grayscale into three equal channels', async () => {
    const image = await loadImageFile(join(dir, 'gray.png'));
    expect(Array.from(image.rgb)).toEqual([0, 50, 100, 150, 200, 250].flatMap((v) => [v, v, v]));
  });

  it('applies the EXIF orientation', async () => {
    const image = await loadImageFile(join(dir, 'rotated.jpg'));
    expect([image.width, image.height]).toEqual([2, 6]);
  });

  it.each([
    ['notes.txt', 'IMAGE_DECODE_FAILED', /notes\.txt: not an image in a supported format/],
    ['fake.jpg', 'IMAGE_DECODE_FAILED', /fake\.jpg: not an image/],
    ['empty.png', 'IMAGE_DECODE_FAILED', /empty\.png: empty file/],
    ['truncated.png', 'IMAGE_DECODE_FAILED', /truncated\.png: cannot decode the image/],
    ['missing.jpg', 'INPUT_NOT_FOUND', /missing\.jpg: no such file/],
    ['seq', 'INPUT_INVALID', /seq: is a directory/],
  ])('reports %s as %s naming the file', async (name, code, message) => {
    const error = await errorOf(loadImageFile(join(dir, name)));
    expect(isRaqibError(error, code as never)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(join(dir, name))).toBe(true);
  });
});

describe('listImageFiles', () => {
  it('expands directories in natural order, skipping non-images and keeping explicit files', async () => {
    const seq = join(dir, 'seq');
    const list = await listImageFiles([join(dir, 'notes.txt'), seq]);
    expect(list.files).toEqual([
      join(dir, 'notes.txt'),
      join(seq, 'IMG_1.png'),
      join(seq, 'IMG_2.JPG'),
      join(seq, 'IMG_10.jpg'),
    ]);
    expect(list.skipped).toEqual([join(seq, 'readme.md')]);
    expect(list.errors).toEqual([]);
  });

  it('reports missing paths and directories without images, and still lists the rest', async () => {
    const list = await listImageFiles([join(dir, 'nope'), join(dir, 'no-images'), join(dir, 'gray.png')]);
    expect(list.files).toEqual([join(dir, 'gray.png')]);
    expect(list.errors.map((e) => e.code)).toEqual(['INPUT_NOT_FOUND', 'INPUT_INVALID']);
    expect(list.errors[0]?.message).toBe(`${join(dir, 'nope')}: no such file or directory`);
    expect(list.errors[1]?.message).toMatch(/no-images: directory contains no image files/);
  });
});
