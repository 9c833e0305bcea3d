import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { parseCalibration, type Calibration } from './calibration-file.js';
import { applyHomography } from './homography.js';

// Property: any text gives a usable calibration (finite homographies that invert each other) or
// CALIBRATION_INVALID naming the file and the field: never another exception.

const FILE = 'fuzz/calibration.json';

const number = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }) },
  fc.constantFrom(0, 1e308, -1e308, 5e-324, 1e-12, 180, -90),
);
const pair = fc.oneof({ weight: 8, arbitrary: fc.tuple(number, number) }, fc.array(number, { maxLength: 3 }));
const point = fc.record(
  {
    image: pair,
    ground: pair,
    lngLat: fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true })),
    name: fc.string({ maxLength: 4 }),
  },
  { requiredKeys: ['image'] },
);
const document = fc.record(
  {
    points: fc.array(point, { maxLength: 8 }),
    imageSize: fc.oneof(fc.tuple(number, number), fc.constant([1920, 1080])),
    ransacThresholdPx: number,
  },
  { requiredKeys: ['points'] },
);

/** Exact control points of a random, well-conditioned plane-to-image mapping (a scaled, rotated view). */
const exactPoints = fc
  .record({
    gsd: fc.double({ min: 0.005, max: 0.5, noNaN: true }),
    angle: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    tilt: fc.double({ min: -2e-4, max: 2e-4, noNaN: true }),
    pixels: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 1920 }), fc.integer({ min: 0, max: 1080 })), {
      minLength: 4,
      maxLength: 10,
      selector: ([x, y]) => `${x},${y}`,
    }),
  })
  .map(({ gsd, angle, tilt, pixels }) =>
    pixels.map(([x, y]) => {
      const w = 1 + tilt * x;
      const east = (gsd * (Math.cos(angle) * x - Math.sin(angle) * y)) / w;
      const north = (gsd * (Math.sin(angle) * x + Math.cos(angle) * y)) / w;
      return { image: [x, y], ground: [east, north] };
    }),
  );

function checkCalibration(c: Calibration): void {
  for (const v of [...c.imageToGround, ...c.groundToImage]) expect(Number.isFinite(v)).toBe(true);
  expect(c.inliers.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  expect(Number.isFinite(c.reprojectionErrorPx)).toBe(true);
}

function parseOrCleanError(text: string): Calibration | null {
  try {
    const calibration = parseCalibration(text, FILE);
    checkCalibration(calibration);
    return calibration;
  } catch (error) {
    if (!isRaqibError(error, 'CALIBRATION_INVALID')) throw error;
    expect(error.message.startsWith(`${FILE}: `)).toBe(true);
    expect(error.message).toMatch(/points|imageSize|ransacThresholdPx|\(top level\)|line \d+|not valid JSON/);
    return null;
  }
}

describe('parseCalibration properties', () => {
  it('any text: a finite calibration or CALIBRATION_INVALID naming the file and the field', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 6, arbitrary: document.map((d) => JSON.stringify(d)) },
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ unit: 'binary', maxLength: 60 }),
        ),
        (text) => {
          parseOrCleanError(text);
        },
      ),
      { numRuns: 400, seed: 40 },
    );
  });

  it('exact control points of a plane give a calibration that maps them within a millimetre', () => {
    let fitted = 0;
    fc.assert(
      fc.property(exactPoints, (points) => {
        const calibration = parseOrCleanError(JSON.stringify({ points }));
        if (!calibration) return; // e.g. 3 of the 4 pixels on one line: refused with a reason
        fitted++;
        for (const { image, ground } of points) {
          const [east, north] = applyHomography(calibration.imageToGround, [image[0]!, image[1]!]);
          expect(Math.hypot(east - ground[0]!, north - ground[1]!)).toBeLessThan(1e-3);
        }
      }),
      { numRuns: 200, seed: 41 },
    );
    expect(fitted).toBeGreaterThan(150);
  });
});
