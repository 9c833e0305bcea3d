import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruthProblems, headPointsFromJson, readHeadPointsGroundTruth } from './head-points-ground-truth.js';

const GT_B = join(import.meta.dirname, '../../../../../shared/datasets/ShanghaiTech/part_B/train_data/ground-truth');
const GT_A = join(import.meta.dirname, '../../../../../shared/datasets/ShanghaiTech/part_A/train_data/ground-truth');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'raqib-gt-'));
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

describe('readHeadPointsGroundTruth', () => {
  it.each([
    [GT_B, 'IMG_7'],
    [GT_A, 'IMG_92'],
  ])('reads %s/%s.mat and its JSON twin as the same 0-based points', async (dir, name) => {
    const fromMat = await readHeadPointsGroundTruth(join(dir, `GT_${name}.mat`));
    const fromJson = await readHeadPointsGroundTruth(join(dir, `GT_${name}.json`));
    const raw = JSON.parse(await readFile(join(dir, `GT_${name}.json`), 'utf8')) as { points: number[][] };
    expect(fromMat.count).toBe(raw.points.length);
    expect(fromMat.declaredCount).toBe(raw.points.length);
    expect(fromJson.imageName).toBe(`${name}.jpg`);
    // MATLAB 1-based -> 0-based: every coordinate is the file's minus 1.
    raw.points.forEach(([x, y], i) => {
      expect(fromJson.pointsXy[2 * i]).toBeCloseTo(x! - 1, 9);
      expect(fromJson.pointsXy[2 * i + 1]).toBeCloseTo(y! - 1, 9);
      expect(Math.abs(fromMat.pointsXy[2 * i]! - (x! - 1))).toBeLessThan(1e-3);
      expect(Math.abs(fromMat.pointsXy[2 * i + 1]! - (y! - 1))).toBeLessThan(1e-3);
    });
  });

  it('names the file of a truncated .mat copy', async () => {
    const bytes = await readFile(join(GT_B, 'GT_IMG_1.mat'));
    for (const cut of [60, 128, 400, bytes.length - 8]) {
      const path = join(tmp, `GT_cut_${cut}.mat`);
      await writeFile(path, bytes.subarray(0, cut));
      const error = await rejection(readHeadPointsGroundTruth(path));
      expect(isRaqibError(error, 'GROUND_TRUTH_INVALID'), String(error)).toBe(true);
      expect(error.message.startsWith(`${path}: `)).toBe(true);
    }
  });

  it('names the file of a truncated .json copy and of a missing file', async () => {
    const text = await readFile(join(GT_B, 'GT_IMG_1.json'), 'utf8');
    const path = join(tmp, 'GT_cut.json');
    await writeFile(path, text.slice(0, text.length / 2));
    const invalid = await rejection(readHeadPointsGroundTruth(path));
    expect(isRaqibError(invalid, 'GROUND_TRUTH_INVALID')).toBe(true);
    expect(invalid.message).toMatch(/GT_cut\.json: not valid JSON/);
    const missing = await rejection(readHeadPointsGroundTruth(join(tmp, 'GT_none.mat')));
    expect(isRaqibError(missing, 'GROUND_TRUTH_MISSING')).toBe(true);
  });

  it('rejects malformed points with their index', () => {
    expect(() => headPointsFromJson('{"points":[[1,2],[3]]}', 'g.json')).toThrow(
      /g\.json: points\[1\] should be \[x, y\]/,
    );
  });
});

describe('groundTruthProblems', () => {
  const truth = (points: number[][], extra: object = {}) =>
    headPointsFromJson(JSON.stringify({ image: 'IMG_1.jpg', width: 100, height: 50, points, ...extra }), 'g.json');
  const image = { fileName: 'IMG_1.jpg', width: 100, height: 50 };

  it('accepts points up to the tolerance outside the image', () => {
    expect(
      groundTruthProblems(
        truth(
          [
            [1, 1],
            [100, 50],
            [-5, 55],
          ],
          { count: 3 },
        ),
        image,
      ),
    ).toEqual([]);
  });

  it.each([
    { name: 'count disagrees', gt: truth([[1, 1]], { count: 2 }), match: /declares 2 people but holds 1 points/ },
    { name: 'other image', gt: truth([[1, 1]], { image: 'IMG_9.jpg' }), match: /annotates image 'IMG_9\.jpg'/ },
    { name: 'other size', gt: truth([[1, 1]], { width: 1024 }), match: /declares image size 1024x50/ },
    {
      name: 'points far outside',
      gt: truth([
        [1, 1],
        [400, 10],
      ]),
      match: /1 of 2 points lie more than 8 px outside/,
    },
  ])('flags: $name', ({ gt, match }) => {
    const problems = groundTruthProblems(gt, image);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(match);
  });
});
