import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  medianHeadSizePx,
  readGroundTruthFile,
  resolveGroundTruth,
  scaleGroundTruth,
  type ParsedGroundTruth,
} from './image-ground-truth.js';
import { parseVisDroneAnnotation } from './visdrone-annotation.js';
import { parseYoloLabels } from './yolo-labels.js';

const VISDRONE = join(import.meta.dirname, '../../../../../shared/datasets/VisDrone-person');
const image = { fileName: 'x.jpg', width: 200, height: 100 };

function visdrone(text: string): ParsedGroundTruth {
  return { format: 'visdrone', annotation: parseVisDroneAnnotation(text, 'x.txt') };
}

describe('resolveGroundTruth', () => {
  it('turns person boxes into head points (x + w/2, y + min(w,h)/2) and drops those in ignored regions', () => {
    const { truth, mismatches } = resolveGroundTruth(
      visdrone(
        [
          '10,20,10,30,1,1,0,0', // standing: head (15, 25), size 5
          '100,50,12,10,1,2,0,0', // from above: head (106, 55), size 5
          '60,60,8,20,1,1,0,0', // head (64, 64): inside the ignored region below
          '50,50,40,40,0,0,0,0', // ignored region [50, 90) x [50, 90)
          '0,0,30,20,1,4,0,0', // a car
        ].join('\n'),
      ),
      image,
    );
    expect(mismatches).toEqual([]);
    expect(truth).toMatchObject({ format: 'visdrone', count: 2, droppedInIgnoredRegions: 1 });
    expect([...truth.pointsXy]).toEqual([15, 25, 106, 55]);
    expect([...truth.boxHeadSizesPx!]).toEqual([5, 5]);
    expect([...truth.ignoredBoxesXyxy]).toEqual([50, 50, 90, 90]);
  });

  it('reads YOLO boxes against the image size; they have no ignored regions', () => {
    const labels = parseYoloLabels('0 0.5 0.5 0.05 0.3\n2 0.1 0.1 0.1 0.1\n', 'x.txt');
    const { truth } = resolveGroundTruth({ format: 'yolo', labels }, image);
    // Box x 95..105, y 35..65 px: head (100, 35 + 5).
    expect(truth.count).toBe(1);
    expect([...truth.pointsXy].map((v) => Number(v.toFixed(9)))).toEqual([100, 40]);
    expect(truth.ignoredBoxesXyxy).toHaveLength(0);
  });

  it('flags boxes of another (larger) image', () => {
    const { mismatches } = resolveGroundTruth(visdrone('10,10,5,5,1,1,0,0\n900,500,10,20,1,1,0,0\n'), image);
    expect(mismatches).toEqual([
      expect.stringMatching(
        /^1 of 2 person head points lie more than 8 px outside the 200x100 image \(first at \(905\.0, 505\.0\)\)/,
      ),
    ]);
  });

  it('reads a real VisDrone annotation the same way as its YOLO twin when it has no ignored regions', async () => {
    const name = '0000026_00500_d_0000025';
    const size = { fileName: `${name}.jpg`, width: 1360, height: 765 };
    const fromVisdrone = resolveGroundTruth(
      await readGroundTruthFile(join(VISDRONE, 'annotations_visdrone_orig/val', `${name}.txt`), 'visdrone'),
      size,
    ).truth;
    const fromYolo = resolveGroundTruth(
      await readGroundTruthFile(join(VISDRONE, 'labels/val', `${name}.txt`), 'yolo'),
      size,
    ).truth;
    expect(fromVisdrone.count).toBe(5);
    expect(fromYolo.count).toBe(5);
    fromVisdrone.pointsXy.forEach((v, i) => expect(fromYolo.pointsXy[i]).toBeCloseTo(v, 1));
  });
});

describe('scaleGroundTruth and medianHeadSizePx', () => {
  it('moves points, boxes and head sizes with the pixels', () => {
    const { truth } = resolveGroundTruth(
      visdrone('10,20,10,30,1,1,0,0\n100,50,12,10,1,2,0,0\n140,0,20,60,1,1,0,0\n50,50,40,40,0,0,0,0\n'),
      image,
    );
    expect(medianHeadSizePx(truth)).toBe(5); // sizes 5, 5, 10
    const half = scaleGroundTruth(truth, 0.5, 0.5);
    // Pixel centres map as (v + 0.5) * s - 0.5: 15 -> 7.25, 25 -> 12.25.
    expect([...half.pointsXy.subarray(0, 2)]).toEqual([7.25, 12.25]);
    expect([...half.ignoredBoxesXyxy]).toEqual([24.75, 24.75, 44.75, 44.75]);
    expect(medianHeadSizePx(half)).toBe(2.5);
    expect(half.count).toBe(truth.count);
  });

  it('takes the nearest-neighbour distance (capped at 64 px) for head points', () => {
    const points: ParsedGroundTruth = {
      format: 'head-points',
      points: {
        source: 'GT.json',
        pointsXy: Float64Array.of(0, 0, 6, 8, 20, 8, 150, 90),
        count: 4,
        declaredCount: null,
        imageName: null,
        width: null,
        height: null,
      },
    };
    const { truth } = resolveGroundTruth(points, image);
    // Distances 10, 10, 14, 64 (capped): median 12.
    expect(medianHeadSizePx(truth)).toBe(12);
    expect(medianHeadSizePx(scaleGroundTruth(truth, 2, 2))).toBe(24);
  });

  it('has no head size for a box image without people, and 64 px for fewer than two head points', () => {
    expect(medianHeadSizePx(resolveGroundTruth(visdrone('0,0,10,10,0,0,0,0\n'), image).truth)).toBeNaN();
    const lone: ParsedGroundTruth = {
      format: 'head-points',
      points: {
        source: 'g',
        pointsXy: Float64Array.of(5, 5),
        count: 1,
        declaredCount: null,
        imageName: null,
        width: null,
        height: null,
      },
    };
    expect(medianHeadSizePx(resolveGroundTruth(lone, image).truth)).toBe(64);
  });
});
