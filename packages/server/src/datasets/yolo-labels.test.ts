import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readVisDroneAnnotation } from './visdrone-annotation.js';
import { parseYoloLabels, readYoloLabels, yoloBoxesPx } from './yolo-labels.js';

const VISDRONE = join(import.meta.dirname, '../../../../../shared/datasets/VisDrone-person');

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('YOLO labels', () => {
  it('read the real VisDrone-person val labels: the same people, in pixels, as the VisDrone annotations', async () => {
    const files = (await readdir(join(VISDRONE, 'labels/val'))).filter((name) => name.endsWith('.txt'));
    expect(files).toHaveLength(30);
    let people = 0;
    for (const file of files) {
      const labels = await readYoloLabels(join(VISDRONE, 'labels/val', file));
      expect(labels.source).toContain(file);
      const { width, height } = await sharp(join(VISDRONE, 'images/val', file.replace(/\.txt$/, '.jpg'))).metadata();
      const boxes = yoloBoxesPx(labels, width!, height!);
      const visdrone = await readVisDroneAnnotation(join(VISDRONE, 'annotations_visdrone_orig/val', file));
      // Both exports hold the same person boxes in the same order; YOLO rounds to 6 decimals.
      expect(boxes.length).toBe(visdrone.personBoxesXywh.length);
      boxes.forEach((v, i) => expect(Math.abs(v - visdrone.personBoxesXywh[i]!)).toBeLessThan(0.02));
      people += boxes.length / 4;
    }
    expect(people).toBe(879); // VisDrone-person val: 569 pedestrians + 310 people
  });

  it('convert normalised centre boxes to pixel corner boxes and keep only the asked class', () => {
    const labels = parseYoloLabels('0 0.5 0.5 0.1 0.2\n3 0.25 0.25 0.5 0.5\n\n0 0.1 0.9 0.2 0.2\n', 'l.txt');
    expect([...labels.classIds]).toEqual([0, 3, 0]);
    expect([...yoloBoxesPx(labels, 200, 100)]).toEqual([90, 40, 20, 20, 0, 80, 40, 20]);
    expect([...yoloBoxesPx(labels, 200, 100, 3)]).toEqual([0, 0, 100, 50]);
  });

  it('accept CRLF line ends, a BOM and an empty file', () => {
    expect(parseYoloLabels('\uFEFF0 0.5 0.5 0.1 0.1\r\n0 0.4 0.4 0.1 0.1\r\n', 'l.txt').classIds).toHaveLength(2);
    expect(parseYoloLabels('', 'empty.txt').classIds).toHaveLength(0);
  });

  it.each([
    ['too few fields', '0 0.5 0.5 0.1\n', 1, /expected 5 fields 'class cx cy w h', found 4/],
    ['a segment polygon', '0 0.1 0.1 0.2 0.1 0.2 0.2\n', 1, /found 7/],
    [
      'a class name',
      '0 0.5 0.5 0.1 0.1\nperson 0.5 0.5 0.1 0.1\n',
      2,
      /class should be a non-negative integer, not 'person'/,
    ],
    ['a word for a number', '0 0.5 0.5 0.1 0.1\n\n0 0.5 abc 0.1 0.1\n', 3, /cx cy w h should be numbers/],
    ['a zero-size box', '0 0.5 0.5 0 0.1\n', 1, /w and h should be in \(0, 1\]/],
    ['pixel coordinates', '0 960 540 20 40\n', 1, /w and h should be in \(0, 1\]/],
    ['a centre outside the image', '0 1.5 0.5 0.1 0.1\n', 1, /cx and cy should be in \[0, 1\].*VisDrone annotation/],
  ])('reject %s with the file and line', (_name, text, line, message) => {
    const error = errorOf(() => parseYoloLabels(text, '/data/labels/val/x.txt'));
    expect(isRaqibError(error) && error.code).toBe('GROUND_TRUTH_INVALID');
    expect(error.message).toMatch(new RegExp(`^/data/labels/val/x\\.txt:${line}: `));
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/\(got ".*"\)$/);
  });

  it('report a missing file as GROUND_TRUTH_MISSING', async () => {
    await expect(readYoloLabels('/no/such/labels.txt')).rejects.toMatchObject({
      code: 'GROUND_TRUTH_MISSING',
      message: expect.stringContaining('/no/such/labels.txt: cannot read the annotation'),
    });
  });
});
