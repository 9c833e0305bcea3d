import { deflateSync } from 'node:zlib';

// Just enough of the MATLAB Level 5 MAT-file format to write a ShanghaiTech-style ground truth
// (`image_info{1}.location` Nx2, `image_info{1}.number`): the fuzzer's seed for the .mat reader.
const MI_INT8 = 1;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_DOUBLE = 9;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const CLASS_CELL = 1;
const CLASS_STRUCT = 2;
const CLASS_DOUBLE = 6;

function element(type: number, data: Uint8Array): Uint8Array {
  const padded = type === MI_COMPRESSED ? data.length : Math.ceil(data.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function words(values: readonly number[], type: typeof MI_INT32 | typeof MI_UINT32): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (type === MI_INT32 ? view.setInt32(i * 4, v, true) : view.setUint32(i * 4, v, true)));
  return element(type, out);
}

function matrix(name: string, classId: number, dims: readonly number[], body: readonly Uint8Array[]): Uint8Array {
  return element(
    MI_MATRIX,
    concat([
      words([classId, 0], MI_UINT32),
      words(dims, MI_INT32),
      element(MI_INT8, new TextEncoder().encode(name)),
      ...body,
    ]),
  );
}

function doubles(name: string, rows: number, cols: number, columnMajor: readonly number[]): Uint8Array {
  const data = new Uint8Array(columnMajor.length * 8);
  const view = new DataView(data.buffer);
  columnMajor.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return matrix(name, CLASS_DOUBLE, [rows, cols], [element(MI_DOUBLE, data)]);
}

/**
 * A MAT-file holding `image_info = {struct('location', xy, 'number', n)}` with head points in
 * MATLAB's 1-based pixels, like ShanghaiTech's `GT_IMG_n.mat`; `compressed` wraps it in miCOMPRESSED
 * as MATLAB's default `save` does.
 */
export function shanghaiTechMatFile(pointsXy: readonly (readonly [number, number])[], compressed: boolean): Uint8Array {
  const n = pointsXy.length;
  const location = doubles('', n, 2, [...pointsXy.map((p) => p[0] + 1), ...pointsXy.map((p) => p[1] + 1)]);
  const number = doubles('', 1, 1, [n]);
  const fieldNames = new Uint8Array(64);
  fieldNames.set(new TextEncoder().encode('location'), 0);
  fieldNames.set(new TextEncoder().encode('number'), 32);
  const struct = matrix(
    '',
    CLASS_STRUCT,
    [1, 1],
    [words([32], MI_INT32), element(MI_INT8, fieldNames), location, number],
  );
  const cell = matrix('image_info', CLASS_CELL, [1, 1], [struct]);
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by the Raqib fuzzer'));
  new DataView(header.buffer).setUint16(124, 0x0100, true);
  header.set(new TextEncoder().encode('IM'), 126);
  return concat([header, compressed ? element(MI_COMPRESSED, deflateSync(cell)) : cell]);
}
