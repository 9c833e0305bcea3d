import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { parseMatFile } from './mat-file-reader.js';
import { matCell, matField, matMatrix, matScalar, matVariable } from './mat-value.js';
import { trackAnnotationsFromCsv, trackAnnotationsFromMat } from './track-annotations.js';

const DATASETS = join(import.meta.dirname, '../../../../../shared/datasets');

// A minimal MAT-file writer, enough to build the cases real files do not cover (big-endian, chars,
// complex, struct arrays, small elements); the format details are those the reader decodes.
class Writer {
  constructor(private readonly le = true) {}

  element(type: number, data: Uint8Array, small = data.length <= 4): Uint8Array {
    const out = new Uint8Array(small ? 8 : 8 + Math.ceil(data.length / 8) * 8);
    const view = new DataView(out.buffer);
    if (small) {
      view.setUint32(0, (data.length << 16) | type, this.le);
      out.set(data, 4);
    } else {
      view.setUint32(0, type, this.le);
      view.setUint32(4, data.length, this.le);
      out.set(data, 8);
    }
    return out;
  }

  words(values: number[], bytes: number, set: (view: DataView, at: number, value: number) => void): Uint8Array {
    const out = new Uint8Array(values.length * bytes);
    const view = new DataView(out.buffer);
    values.forEach((value, i) => set(view, i * bytes, value));
    return out;
  }

  matrix(name: string, classId: number, dims: number[], body: Uint8Array[], flags = 0): Uint8Array {
    const parts = [
      this.element(
        6,
        this.words([classId | flags, 0], 4, (v, at, x) => v.setUint32(at, x, this.le)),
        false,
      ),
      this.element(
        5,
        this.words(dims, 4, (v, at, x) => v.setInt32(at, x, this.le)),
        false,
      ),
      this.element(1, new TextEncoder().encode(name)),
      ...body,
    ];
    return this.element(14, concat(parts), false);
  }

  doubles(values: number[]): Uint8Array {
    return this.element(
      9,
      this.words(values, 8, (v, at, x) => v.setFloat64(at, x, this.le)),
    );
  }

  file(elements: Uint8Array[]): Uint8Array {
    const header = new Uint8Array(128).fill(32);
    header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by a Raqib test'));
    new DataView(header.buffer).setUint16(124, 0x0100, this.le);
    header.set(new TextEncoder().encode(this.le ? 'IM' : 'MI'), 126);
    return concat([header, ...elements]);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function compressed(w: Writer, element: Uint8Array, le = true): Uint8Array {
  const data = deflateSync(element);
  const out = new Uint8Array(8 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 15, le);
  view.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

/** A file using most features: every decoded class, struct array, nested cell, compression. */
function featureFile(le: boolean): Uint8Array {
  const w = new Writer(le);
  const chars = w.element(
    4,
    w.words(
      [...'héllo'].map((c) => c.charCodeAt(0)),
      2,
      (v, at, x) => v.setUint16(at, x, le),
    ),
  );
  const int8 = w.matrix('', 8, [1, 3], [w.element(1, new Uint8Array([0xff, 2, 0x80]))]); // int8 -1, 2, -128
  const single = w.matrix(
    '',
    7,
    [1, 1],
    [
      w.element(
        7,
        w.words([1.5], 4, (v, at, x) => v.setFloat32(at, x, le)),
      ),
    ],
  );
  const complex = w.matrix('z', 6, [1, 2], [w.doubles([1, 2]), w.doubles([-3, 4])], 0x800);
  // 2x1 struct array with fields a, bb (field names padded to 3 bytes each).
  const struct = w.matrix(
    's',
    2,
    [2, 1],
    [
      w.element(
        5,
        w.words([3], 4, (v, at, x) => v.setInt32(at, x, le)),
      ),
      w.element(1, new Uint8Array([97, 0, 0, 98, 98, 0])),
      w.matrix('', 6, [1, 1], [w.doubles([10])]),
      w.matrix('', 4, [1, 5], [chars]),
      w.matrix('', 6, [1, 1], [w.doubles([20])]),
      w.matrix('', 1, [1, 2], [int8, single]),
    ],
  );
  // 2x3 uint16 matrix stored as miUINT8 (MATLAB narrows storage), column-major.
  const narrow = w.matrix('m', 11, [2, 3], [w.element(2, new Uint8Array([1, 2, 3, 4, 5, 6]))]);
  const empty = w.matrix('e', 6, [0, 0], [w.element(9, new Uint8Array(0))]);
  return w.file([compressed(w, struct, le), complex, narrow, compressed(w, empty, le)]);
}

describe('parseMatFile', () => {
  it.each([true, false])('decodes structs, cells, chars, complex and narrowed numbers (little-endian %s)', (le) => {
    const file = parseMatFile(featureFile(le), 'features.mat');
    expect(file.littleEndian).toBe(le);
    expect([...file.variables.keys()]).toEqual(['s', 'z', 'm', 'e']);
    const s = matVariable(file, 's', 'f');
    expect(s.kind === 'struct' && s.fieldNames).toEqual(['a', 'bb']);
    expect(matScalar(matField(s, 'a', 's', 'f', 0), 's(1).a', 'f')).toBe(10);
    expect(matScalar(matField(s, 'a', 's', 'f', 1), 's(2).a', 'f')).toBe(20);
    const text = matField(s, 'bb', 's', 'f', 0);
    expect(text.kind === 'char' && text.text).toBe('héllo');
    const cell = matField(s, 'bb', 's', 'f', 1);
    const int8 = matCell(cell, 0, 'c', 'f');
    expect(int8.kind === 'numeric' && [int8.className, ...int8.real]).toEqual(['int8', -1, 2, -128]);
    expect(matScalar(matCell(cell, 1, 'c', 'f'), 'c{2}', 'f')).toBe(1.5);
    const z = matVariable(file, 'z', 'f');
    expect(z.kind === 'numeric' && [...z.real, ...(z.imag ?? [])]).toEqual([1, 2, -3, 4]);
    const m = matMatrix(matVariable(file, 'm', 'f'), 'm', 'f');
    expect([m.rows, m.cols, m.at(0, 0), m.at(1, 0), m.at(0, 2), m.at(1, 2)]).toEqual([2, 3, 1, 2, 5, 6]);
    expect(matMatrix(matVariable(file, 'e', 'f'), 'e', 'f').rows).toBe(0);
  });

  it('reads ShanghaiTech image_info{1}.location and .number like the JSON twins', async () => {
    for (const [part, name] of [
      ['part_A', 'IMG_1'],
      ['part_A', 'IMG_92'], // the densest annotation (thousands of heads)
      ['part_B', 'IMG_1'],
      ['part_B', 'IMG_400'],
    ] as const) {
      const base = join(DATASETS, 'ShanghaiTech', part, 'train_data', 'ground-truth', `GT_${name}`);
      const source = `${base}.mat`;
      const file = parseMatFile(await readFile(source), source);
      const info = matCell(matVariable(file, 'image_info', source), 0, 'image_info', source);
      const location = matMatrix(matField(info, 'location', 'image_info{1}', source), 'location', source);
      const number = matScalar(matField(info, 'number', 'image_info{1}', source), 'number', source);
      const json = JSON.parse(await readFile(`${base}.json`, 'utf8')) as { count: number; points: number[][] };
      expect(location.cols).toBe(2);
      expect(location.rows).toBe(json.points.length);
      expect(number).toBe(json.count);
      json.points.forEach(([x, y], i) => {
        expect(Math.abs(location.at(i, 0) - x!)).toBeLessThan(1e-3);
        expect(Math.abs(location.at(i, 1) - y!)).toBeLessThan(1e-3);
      });
    }
  });

  it.each([
    ['DroneCrowd', '00001'], // compressed, uint16
    ['UP-COUNT', '0000'], // uncompressed, int64, small-element variable name
    ['UP-COUNT', '0002'],
  ])('reads %s %s anno Nx6 like its CSV twin', async (dataset, sequence) => {
    const base = join(DATASETS, dataset, 'annotations', sequence);
    const fromMat = trackAnnotationsFromMat(await readFile(`${base}.mat`), `${base}.mat`);
    const fromCsv = trackAnnotationsFromCsv(await readFile(`${base}.csv`, 'utf8'), `${base}.csv`);
    expect(fromMat.frame.length).toBeGreaterThan(100);
    expect(fromMat.frame).toEqual(fromCsv.frame);
    expect(fromMat.trackId).toEqual(fromCsv.trackId);
    expect(fromMat.x).toEqual(fromCsv.x);
    expect(fromMat.y).toEqual(fromCsv.y);
  });

  it('names the file and the problem for every truncation of a real file', async () => {
    const source = join(DATASETS, 'ShanghaiTech/part_B/train_data/ground-truth/GT_IMG_1.mat');
    const bytes = await readFile(source);
    const cuts = [0, 10, 127, 131, 136, 200, bytes.length - 100, bytes.length - 1];
    for (const cut of cuts) {
      const error = catchError(() => parseMatFile(bytes.subarray(0, cut), 'cut.mat'));
      expect(isRaqibError(error, 'GROUND_TRUTH_INVALID'), `cut at ${cut}: ${String(error)}`).toBe(true);
      expect((error as Error).message).toMatch(/^cut\.mat: .*(truncated|cut off|remain|inflate)/);
    }
  });

  it('fails only with GROUND_TRUTH_INVALID on truncated or corrupted bytes, never a crash', () => {
    const bytes = featureFile(true);
    for (let cut = 0; cut < bytes.length; cut += 3) {
      const error = catchError(() => parseMatFile(bytes.subarray(0, cut), 'f.mat'));
      if (error !== undefined) expect(isRaqibError(error, 'GROUND_TRUTH_INVALID'), String(error)).toBe(true);
    }
    let seed = 9;
    for (let trial = 0; trial < 300; trial++) {
      const copy = Uint8Array.from(bytes);
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const at = 128 + (seed % (bytes.length - 128));
      copy[at] = copy[at]! ^ (1 + (seed % 255));
      const error = catchError(() => parseMatFile(copy, 'f.mat'));
      if (error !== undefined) expect(isRaqibError(error, 'GROUND_TRUTH_INVALID'), String(error)).toBe(true);
    }
  });

  it.each([
    ['not a MAT-file', new TextEncoder().encode('x'.repeat(200)), /not a MATLAB v5 MAT-file/],
    ['v7.3 (HDF5)', new TextEncoder().encode('MATLAB 7.3 MAT-file' + ' '.repeat(200)), /v7\.3 \(HDF5\)/],
  ])('refuses %s with a clear message', (_name, bytes, message) => {
    expect(() => parseMatFile(bytes, 'x.mat')).toThrow(message);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}
