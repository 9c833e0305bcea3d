import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDataset } from './dataset-listing.js';

const SHARED = join(import.meta.dirname, '../../../../../shared/datasets');
const VISDRONE = join(SHARED, 'VisDrone-person');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'raqib-listing-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function files(dir: string, names: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(names)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

describe('listDataset', () => {
  it('lists the real VisDrone-person val subset by default, with the VisDrone annotations', async () => {
    const listing = await listDataset(VISDRONE);
    expect(listing).toMatchObject({ layout: 'boxes', subset: 'val', imagesDir: join(VISDRONE, 'images/val') });
    expect(listing.images).toHaveLength(30);
    expect(listing.problems).toEqual([]);
    expect(listing.unmatchedGroundTruth).toEqual([]);
    for (const image of listing.images) {
      expect(image.groundTruthFormat).toBe('visdrone');
      expect(image.groundTruthPath).toBe(
        join(VISDRONE, 'annotations_visdrone_orig/val', basename(image.name, '.jpg') + '.txt'),
      );
    }
  });

  it('picks another subset, and names the subsets when one is missing', async () => {
    expect((await listDataset(VISDRONE, { subset: 'test' })).images).toHaveLength(50);
    await expect(listDataset(VISDRONE, { subset: 'holdout' })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringMatching(
        /images: no subset folder 'holdout' \(subsets: test, train, val\); choose one with --split-subset/,
      ),
    });
  });

  it('tells a user who points at images/val to pass the dataset folder and the subset', async () => {
    await expect(listDataset(join(VISDRONE, 'images/val'))).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining(
        `pass the dataset folder ${VISDRONE} and pick the subset with --split-subset val`,
      ),
    });
  });

  it('reads a flat YOLO layout, prefers a VisDrone annotation per image, and reports leftovers', async () => {
    const dir = join(tmp, 'flat');
    await files(dir, {
      'images/a.jpg': 'x',
      'images/b.jpg': 'x',
      'images/c.jpg': 'x',
      'images/notes.md': 'x',
      'labels/a.txt': '',
      'labels/b.txt': '',
      'labels/classes.txt': 'person\n',
      'labels/orphan.txt': '',
      'annotations_visdrone_orig/b.txt': '',
    });
    const listing = await listDataset(dir);
    expect(listing.subset).toBeNull();
    expect(listing.images.map((image) => [image.name, image.groundTruthFormat, image.groundTruthPath])).toEqual([
      ['a.jpg', 'yolo', join(dir, 'labels/a.txt')],
      ['b.jpg', 'visdrone', join(dir, 'annotations_visdrone_orig/b.txt')],
      ['c.jpg', 'visdrone', null],
    ]);
    expect(listing.images[2]!.expectedGroundTruth).toBe('annotations_visdrone_orig/c.txt or labels/c.txt');
    expect(listing.problems.map((problem) => basename(problem.file))).toEqual(['notes.md']);
    expect(listing.unmatchedGroundTruth).toEqual([join(dir, 'labels/orphan.txt')]);
  });

  it('follows a subset folder linked in from elsewhere', async () => {
    const dir = join(tmp, 'linked');
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'labels'), { recursive: true });
    await symlink(join(VISDRONE, 'images/val'), join(dir, 'images/val'));
    await symlink(join(VISDRONE, 'labels/val'), join(dir, 'labels/val'));
    const listing = await listDataset(dir);
    expect(listing.subset).toBe('val');
    expect(listing.images.filter((image) => image.groundTruthFormat === 'yolo')).toHaveLength(30);
  });

  it('points at the dataset folders inside a folder without images/', async () => {
    await expect(listDataset(join(SHARED, 'ShanghaiTech/part_B'))).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringMatching(
        /part_B: no images\/ folder; expected DIR\/images\/ with ground-truth\/ .* \(did you mean .*part_B\/train_data\?\)$/,
      ),
    });
  });

  it('names the annotation folders it looks for when there are none', async () => {
    const dir = join(tmp, 'bare');
    await files(dir, { 'images/a.jpg': 'x' });
    await expect(listDataset(dir)).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringMatching(
        /no annotation folder beside images\/: expected ground-truth\/ .*annotations_visdrone_orig\/ .*labels\//,
      ),
    });
  });

  it('still lists the ShanghaiTech layout', async () => {
    const listing = await listDataset(join(SHARED, 'ShanghaiTech/part_B/train_data'));
    expect(listing.layout).toBe('shanghaitech');
    expect(listing.images).toHaveLength(400);
    expect(listing.images[0]).toMatchObject({ name: 'IMG_1.jpg', groundTruthFormat: 'head-points' });
  });
});
