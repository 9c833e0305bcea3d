import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { parseVisDroneAnnotation, readVisDroneAnnotation } from './visdrone-annotation.js';

const VISDRONE = join(import.meta.dirname, '../../../../../shared/datasets/VisDrone-person');

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('VisDrone annotations', () => {
  it.each([
    ['val', 30, 879, 75],
    ['test', 50, 1013, 42],
    ['train', 150, 2593, 239],
  ])(
    'read the real VisDrone-person %s annotations (README: 4,485 people in all)',
    async (subset, files, people, ignored) => {
      const dir = join(VISDRONE, 'annotations_visdrone_orig', subset);
      const names = (await readdir(dir)).filter((name) => name.endsWith('.txt'));
      expect(names).toHaveLength(files);
      let persons = 0;
      let regions = 0;
      for (const name of names) {
        const annotation = await readVisDroneAnnotation(join(dir, name));
        persons += annotation.personBoxesXywh.length / 4;
        regions += annotation.ignoredBoxesXywh.length / 4;
      }
      expect(persons).toBe(people);
      expect(regions).toBe(ignored);
    },
  );

  it('keeps pedestrians and people, ignored regions apart, and only counts vehicles and others', () => {
    const annotation = parseVisDroneAnnotation(
      [
        '123,530,17,44,1,1,0,0', // pedestrian
        '306,503,16,34,1,2,0,1', // people (sitting)
        '157,160,21,16,0,0,0,0', // ignored region
        '500,500,60,30,1,4,0,0', // car
        '10,10,5,5,1,11,0,0', // others
        '',
        '1,2,3,4,1,1,', // trailing comma, no occlusion
        '1,2,3,4,1,2', // score and category only
      ].join('\r\n'),
      'a.txt',
    );
    expect([...annotation.personBoxesXywh]).toEqual([123, 530, 17, 44, 306, 503, 16, 34, 1, 2, 3, 4, 1, 2, 3, 4]);
    expect([...annotation.ignoredBoxesXywh]).toEqual([157, 160, 21, 16]);
    expect(annotation.otherObjects).toBe(2);
  });

  it.each([
    [
      'too few fields',
      '1,2,3,4,1\n',
      1,
      /expected 'x,y,w,h,score,category,truncation,occlusion' \(6 to 8 comma-separated fields\), found 5/,
    ],
    ['too many fields', '1,2,3,4,1,1,0,0,9\n', 1, /found 9/],
    ['spaces instead of commas', '123 530 17 44 1 1 0 0\n', 1, /found 1/],
    ['a word for a number', '1,2,3,4,1,1,0,0\n1,2,wide,4,1,1,0,0\n', 2, /w should be a number, not 'wide'/],
    ['an empty field', '1,2,3,4,1,1,0,0\n\n1,,3,4,1,1,0,0\n', 3, /y should be a number, not ''/],
    ['an unknown category', '1,2,3,4,1,12,0,0\n', 1, /category should be an integer 0-11, not 12/],
    ['a fractional category', '1,2,3,4,1,1.5,0,0\n', 1, /category should be an integer 0-11, not 1.5/],
    ['a negative size', '1,2,-3,4,1,1,0,0\n', 1, /w and h should not be negative/],
  ])('rejects %s with the file and line', (_name, text, line, message) => {
    const error = errorOf(() => parseVisDroneAnnotation(text, '/data/ann/val/x.txt'));
    expect(isRaqibError(error) && error.code).toBe('GROUND_TRUTH_INVALID');
    expect(error.message).toMatch(new RegExp(`^/data/ann/val/x\\.txt:${line}: `));
    expect(error.message).toMatch(message);
  });
});
