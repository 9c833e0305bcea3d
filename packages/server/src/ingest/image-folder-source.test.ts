import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageFolderSource } from './image-folder-source.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-image-folder-'));

/** A 64x48 PNG: a gradient (something to see) or one flat grey. */
async function png(name: string, blank: boolean): Promise<string> {
  const rgb = Buffer.alloc(64 * 48 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = blank ? 128 : (i * 7) % 251;
  const path = join(dir, name);
  await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } })
    .png()
    .toFile(path);
  return path;
}

async function drain(source: ImageFolderSource): Promise<number> {
  let n = 0;
  for await (const _frame of source.frames()) n++;
  return n;
}

describe('ImageFolderSource data quality', () => {
  it('reports no blank image in a folder of real pictures', async () => {
    const files = await Promise.all([png('a.png', false), png('b.png', false)]);
    const source = new ImageFolderSource(files, { fps: 1 });
    expect(await drain(source)).toBe(2);
    expect(source.dataQuality()).toMatchObject({ warnings: [], overLimit: false, counts: { blankImages: 0 } });
  });

  it('counts blank images and fails the run when they are over the limit', async () => {
    const files = await Promise.all([png('c.png', false), png('grey.png', true), png('d.png', false)]);
    const source = new ImageFolderSource(files, { fps: 1 });
    expect(await drain(source)).toBe(3);
    const quality = source.dataQuality();
    expect(quality.counts).toMatchObject({ imagesRead: 3, blankImages: 1, blankShare: 0.3333 });
    expect(quality.overLimit).toBe(true);
    expect(quality.warnings).toEqual([
      expect.stringMatching(/^1 of 3 images are blank \(one flat colour, first .*grey\.png\)/),
    ]);
  });
});
