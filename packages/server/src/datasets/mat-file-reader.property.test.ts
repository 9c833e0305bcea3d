import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shanghaiTechMatFile } from '../fuzz/mat-file-writer.js';
import { headPointsFromMat } from './head-points-ground-truth.js';
import { parseMatFile } from './mat-file-reader.js';

// Property: any bytes give decoded variables (and head points, or a clear "not head points") or
// GROUND_TRUTH_INVALID naming the file: never another exception, never a hang or a huge allocation.

const FILE = 'fuzz/GT_IMG_1.mat';

const heads = fc.array(
  fc.tuple(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true })),
  { maxLength: 20 },
);
const seed = fc.tuple(heads, fc.boolean()).map(([points, compressed]) => shanghaiTechMatFile(points, compressed));

/** Edits of a valid file: byte overwrites, absurd 32-bit words (sizes, dimensions), truncation. */
const corrupted = fc
  .tuple(
    seed,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(0xffffffff, 0x7fffffff, 0x80000000, 0, 0x10000)), { maxLength: 3 }),
    fc.option(fc.nat()),
  )
  .map(([bytes, edits, words, cut]) => {
    const out = Uint8Array.from(bytes);
    for (const [at, value] of edits) out[at % out.length] = value;
    const view = new DataView(out.buffer);
    for (const [at, value] of words) {
      const offset = Math.floor((at % (out.length - 3)) / 4) * 4;
      view.setUint32(offset, value, true);
    }
    return cut === null ? out : out.subarray(0, cut % (out.length + 1));
  });

function decodeOrCleanError(bytes: Uint8Array): boolean {
  try {
    const truth = headPointsFromMat(parseMatFile(bytes, FILE), FILE);
    expect(truth.pointsXy.length).toBe(2 * truth.count);
    for (const v of truth.pointsXy) expect(Number.isFinite(v)).toBe(true);
    return true;
  } catch (error) {
    if (!isRaqibError(error, 'GROUND_TRUTH_INVALID')) throw error;
    expect(error.message.startsWith(`${FILE}: `)).toBe(true);
    return false;
  }
}

describe('parseMatFile properties', () => {
  it('valid files written for random head points read back exactly', () => {
    fc.assert(
      fc.property(heads, fc.boolean(), (points, compressed) => {
        const truth = headPointsFromMat(parseMatFile(shanghaiTechMatFile(points, compressed), FILE), FILE);
        expect(Array.from(truth.pointsXy)).toEqual(points.flatMap(([x, y]) => [x + 1 - 1, y + 1 - 1]));
        expect(truth.declaredCount).toBe(points.length);
      }),
      { numRuns: 100, seed: 80 },
    );
  });

  it('corrupted files and random bytes: head points or GROUND_TRUTH_INVALID naming the file', () => {
    let decoded = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: corrupted }, fc.uint8Array({ maxLength: 300 })), (bytes) => {
        if (decodeOrCleanError(bytes)) decoded++;
      }),
      { numRuns: 500, seed: 81 },
    );
    expect(decoded).toBeGreaterThan(5);
  });
});

describe('parseMatFile on a struct array without fields', () => {
  it('does not materialise the elements a corrupt header claims (100000 x 100000, no fields)', () => {
    const element = (type: number, data: Uint8Array): Uint8Array => {
      const out = new Uint8Array(8 + Math.ceil(data.length / 8) * 8);
      new DataView(out.buffer).setUint32(0, type, true);
      new DataView(out.buffer).setUint32(4, data.length, true);
      out.set(data, 8);
      return out;
    };
    const int32s = (values: number[]): Uint8Array => new Uint8Array(Int32Array.from(values).buffer);
    const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
    const body = concat([
      element(6, int32s([2, 0])), // array flags: struct
      element(5, int32s([100_000, 100_000])), // dimensions
      element(1, new TextEncoder().encode('image_info')),
      element(5, int32s([32])), // field name length
      element(1, new Uint8Array(0)), // no field names
    ]);
    const header = new Uint8Array(128).fill(32);
    header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file'));
    header.set(new TextEncoder().encode('IM'), 126);
    const file = parseMatFile(concat([header, element(14, body)]), FILE);
    expect(file.variables.get('image_info')).toMatchObject({ kind: 'struct', dims: [100_000, 100_000], elements: [] });
    expect(() => headPointsFromMat(file, FILE)).toThrow(expect.objectContaining({ code: 'GROUND_TRUTH_INVALID' }));
  });
});
