import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageSplit } from './image-split.js';
import { compareNatural, listShanghaiTechDataset } from './shanghaitech-dataset.js';

const PART_B = join(import.meta.dirname, '../../../../../shared/datasets/ShanghaiTech/part_B/train_data');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'raqib-ds-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('compareNatural', () => {
  it('orders digit runs by value', () => {
    expect(['IMG_10.jpg', 'IMG_2.jpg', 'IMG_1.jpg', 'IMG_100.jpg', 'A.jpg'].sort(compareNatural)).toEqual([
      'A.jpg',
      'IMG_1.jpg',
      'IMG_2.jpg',
      'IMG_10.jpg',
      'IMG_100.jpg',
    ]);
  });
});

describe('listShanghaiTechDataset', () => {
  it('pairs the 400 part B images with their .mat annotations in natural order', async () => {
    const listing = await listShanghaiTechDataset(PART_B);
    expect(listing.images).toHaveLength(400);
    expect(listing.images.slice(0, 3).map((i) => i.name)).toEqual(['IMG_1.jpg', 'IMG_2.jpg', 'IMG_3.jpg']);
    expect(listing.images.every((i) => i.groundTruthPath?.endsWith(`GT_${i.name.replace('.jpg', '.mat')}`))).toBe(true);
    expect(listing.problems).toEqual([]);
    expect(listing.unmatchedGroundTruth).toEqual([]);
  });

  it('reports non-image files, images without annotations and annotations without images', async () => {
    const dir = join(tmp, 'mixed');
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'ground-truth'));
    await symlink(join(PART_B, 'images/IMG_1.jpg'), join(dir, 'images/IMG_1.jpg'));
    await symlink(join(PART_B, 'images/IMG_2.jpg'), join(dir, 'images/IMG_2.jpg'));
    await writeFile(join(dir, 'images/notes.txt'), 'not an image');
    await writeFile(join(dir, 'images/.DS_Store'), '');
    await symlink(join(PART_B, 'ground-truth/GT_IMG_1.json'), join(dir, 'ground-truth/GT_IMG_1.json'));
    await symlink(join(PART_B, 'ground-truth/GT_IMG_3.mat'), join(dir, 'ground-truth/GT_IMG_3.mat'));
    const listing = await listShanghaiTechDataset(dir);
    expect(listing.images.map((i) => [i.name, i.groundTruthPath !== null])).toEqual([
      ['IMG_1.jpg', true],
      ['IMG_2.jpg', false],
    ]);
    expect(listing.problems).toHaveLength(1);
    expect(listing.problems[0]!.message).toMatch(/notes\.txt: not an image file/);
    expect(listing.unmatchedGroundTruth).toEqual([join(dir, 'ground-truth/GT_IMG_3.mat')]);
  });

  it.each([
    {
      name: 'a missing folder',
      setup: async () => join(tmp, 'absent'),
      code: 'INPUT_NOT_FOUND',
      match: /does not exist/,
    },
    {
      name: 'an empty folder',
      setup: async () => {
        await mkdir(join(tmp, 'empty'));
        return join(tmp, 'empty');
      },
      code: 'DATASET_INVALID',
      match: /no images\/ folder/,
    },
    {
      name: 'empty images/',
      setup: async () => {
        await mkdir(join(tmp, 'no-images/images'), { recursive: true });
        await mkdir(join(tmp, 'no-images/ground-truth'));
        return join(tmp, 'no-images');
      },
      code: 'DATASET_INVALID',
      match: /no image files/,
    },
    {
      name: 'no ground-truth/',
      setup: async () => {
        await mkdir(join(tmp, 'no-gt/images'), { recursive: true });
        return join(tmp, 'no-gt');
      },
      code: 'DATASET_INVALID',
      match: /ground-truth: annotation folder missing/,
    },
  ])('refuses $name with a clear message', async ({ setup, code, match }) => {
    const dir = await setup();
    const error = await rejection(listShanghaiTechDataset(dir));
    expect(isRaqibError(error, code as 'DATASET_INVALID')).toBe(true);
    expect(error.message).toMatch(match);
  });
});

describe('readImageSplit', () => {
  it('reads the training split format, inferring the part from the dataset path', async () => {
    const path = join(tmp, 'split.json');
    await writeFile(
      path,
      JSON.stringify({
        seed: 1,
        parts: { A: { val: ['IMG_9.jpg'] }, B: { val: ['IMG_3.jpg'], train: ['IMG_1.jpg'] } },
      }),
    );
    expect(await readImageSplit(path, { datasetDir: '/data/ShanghaiTech/part_B/train_data' })).toEqual(['IMG_3.jpg']);
    expect(await readImageSplit(path, { part: 'B', subset: 'train' })).toEqual(['IMG_1.jpg']);
    await expect(readImageSplit(path, { datasetDir: '/elsewhere' })).rejects.toThrow(
      /cannot tell which part.*--split-part/,
    );
  });

  it('reads a plain list and a text file', async () => {
    await writeFile(join(tmp, 'list.json'), '["IMG_1.jpg", "IMG_2.jpg"]');
    await writeFile(join(tmp, 'list.txt'), '# val\nIMG_5.jpg\n\nIMG_6.jpg  # dense\n');
    expect(await readImageSplit(join(tmp, 'list.json'))).toEqual(['IMG_1.jpg', 'IMG_2.jpg']);
    expect(await readImageSplit(join(tmp, 'list.txt'))).toEqual(['IMG_5.jpg', 'IMG_6.jpg']);
  });
});
