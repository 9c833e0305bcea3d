import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { calibrationForFrameSize, parseCalibration } from './calibration-file.js';
import { applyHomography, homographyFrom, invertHomography, normalizeHomography } from './homography.js';
import { LocalTangentPlane } from './local-tangent-plane.js';
import type { PointXY } from './polygon.js';

// Ground (metres) -> image (px) of an oblique view; the calibration must recover its inverse.
const GROUND_TO_IMAGE = normalizeHomography(homographyFrom([14, 3, 960, -1.5, -9, 900, 0.0001, 0.006, 1]));
const GROUND: PointXY[] = [
  [-30, 10],
  [30, 10],
  [35, 70],
  [-35, 70],
  [0, 40],
  [-10, 25],
  [18, 55],
  [5, 15],
];
const IMAGE = GROUND.map((g) => applyHomography(GROUND_TO_IMAGE, g));

function file(points: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ points, ...extra });
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isRaqibError(error, 'CALIBRATION_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CALIBRATION_INVALID');
}

describe('parseCalibration', () => {
  it('fits image px -> local metres with ~0 reprojection error', () => {
    const cal = parseCalibration(file(IMAGE.map((image, i) => ({ image, ground: GROUND[i] }))), 'cal.json');
    expect(cal.outlierIndices).toEqual([]);
    expect(cal.reprojectionErrorPx).toBeLessThan(1e-6);
    expect(cal.reprojectionErrorM).toBeLessThan(1e-6);
    const [e, n] = applyHomography(cal.imageToGround, applyHomography(GROUND_TO_IMAGE, [12, 33]));
    expect(e).toBeCloseTo(12, 6);
    expect(n).toBeCloseTo(33, 6);
    expect(cal.plane).toBeUndefined();
  });

  it('fits lon/lat points through a local tangent plane', () => {
    const site = new LocalTangentPlane([46.6753, 24.7136]);
    const points = IMAGE.map((image, i) => ({ image, lngLat: site.toLngLat(GROUND[i]!) }));
    const cal = parseCalibration(file(points), 'cal.json');
    expect(cal.plane).toBeDefined();
    expect(cal.reprojectionErrorPx).toBeLessThan(1e-4);
    // A pixel maps to the lon/lat it came from.
    const px = applyHomography(GROUND_TO_IMAGE, [3, 44]);
    const [lng, lat] = cal.plane!.toLngLat(applyHomography(cal.imageToGround, px));
    const [lng0, lat0] = site.toLngLat([3, 44]);
    expect(lng).toBeCloseTo(lng0, 8);
    expect(lat).toBeCloseTo(lat0, 8);
  });

  it('rejects a wrong point as an outlier and reports it', () => {
    const points = IMAGE.map((image, i) => ({
      image: i === 5 ? [image[0] + 80, image[1] - 60] : image,
      ground: GROUND[i],
    }));
    const cal = parseCalibration(file(points), 'cal.json');
    expect(cal.outlierIndices).toEqual([5]);
    expect(cal.reprojectionErrorPx).toBeLessThan(1e-6);
  });

  it('rescales to another frame size', () => {
    const cal = parseCalibration(
      file(
        IMAGE.map((image, i) => ({ image, ground: GROUND[i] })),
        { imageSize: [3840, 2160] },
      ),
      'c',
    );
    const h = calibrationForFrameSize(cal, 1920, 1080);
    const [x, y] = applyHomography(GROUND_TO_IMAGE, [7, 20]);
    const [e, n] = applyHomography(h, [x / 2, y / 2]);
    expect(e).toBeCloseTo(7, 6);
    expect(n).toBeCloseTo(20, 6);
    expect(invertHomography(h)).toHaveLength(9);
  });

  const four = IMAGE.slice(0, 4).map((image, i) => ({ image, ground: GROUND[i] }));
  const invalid: [string, string, string][] = [
    ['not JSON', '{"points": [}', 'cal.json: not valid JSON (Unexpected token'],
    ['too few points', file(four.slice(0, 3)), 'cal.json: points: needs at least 4 ground control points'],
    [
      'image as a string',
      file([{ ...four[0], image: '12,30' }, ...four.slice(1)]),
      'cal.json: points[0].image: expected array, got "12,30"',
    ],
    [
      'typo in a key',
      file([{ image: [1, 2], grund: [0, 0] }, ...four.slice(1)]),
      'cal.json: points[0]: unknown key "grund"',
    ],
    [
      'no ground position',
      file([{ image: [1, 2] }, ...four.slice(1)]),
      'cal.json: points[0]: missing "ground" ([east, north] metres) or "lngLat" ([lng, lat])',
    ],
    [
      'mixed kinds',
      file([...four.slice(0, 3), { image: [5, 5], lngLat: [4, 52] }]),
      'cal.json: points[3]: mixes "ground" and "lngLat" points; use one kind for all points',
    ],
    [
      'latitude out of range',
      file([{ image: [1, 2], lngLat: [4, 95] }, ...four.slice(1)]),
      'cal.json: points[0].lngLat[1]: number must be less than or equal to 90',
    ],
    ['point outside imageSize', file(four, { imageSize: [100, 100] }), 'cal.json: points[0].image: ['],
    [
      'collinear points',
      file([0, 1, 2, 3].map((i) => ({ image: [i * 100, i * 50], ground: [i, i * 2] }))),
      'cal.json: points: no homography fits at least 4 of the 4 points within 5 px; check that no 3 points lie on one line',
    ],
  ];
  it.each(invalid)('%s', (_name, text, expected) => {
    expect(messageOf(() => parseCalibration(text, 'cal.json'))).toContain(expected);
  });
});

describe('parseCalibration: a "bowtie" (points in another order in the image than on the ground)', () => {
  // The oblique view's points with two ground positions swapped: a homography still fits the four
  // exactly, but it folds the image over its horizon and the frame centre gets no GSD.
  const corners = [0, 1, 2, 3];
  it.each([
    { name: 'last two ground points swapped', order: [0, 1, 3, 2] },
    { name: 'middle two ground points swapped', order: [0, 2, 1, 3] },
  ])('$name: CALIBRATION_INVALID naming the points on each side', ({ order }) => {
    const points = corners.map((i) => ({ image: IMAGE[i], ground: GROUND[order[i]!] }));
    const message = messageOf(() => parseCalibration(file(points), 'bowtie.json'));
    expect(message).toMatch(/^bowtie\.json: points: the fit folds the image over its horizon \(points \[\d\]/);
    expect(message).toContain('pair each image pixel with the ground position of the same mark');
  });

  it('accepts the same points in the same order', () => {
    const points = corners.map((i) => ({ image: IMAGE[i], ground: GROUND[i] }));
    expect(parseCalibration(file(points), 'good.json').outlierIndices).toEqual([]);
  });
});
