import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { RaqibError } from '@raqib/core';
import type { MatFile, MatNumericClass, MatValue } from './mat-value.js';

// MATLAB Level 5 MAT-file format (MathWorks "MAT-File Format" reference): a 128-byte header, then
// tagged data elements, each padded to 8 bytes; miCOMPRESSED wraps one zlib-deflated element.
const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;
const MI_UTF16 = 17;
const MI_UTF32 = 18;

const BYTES_PER_VALUE: Readonly<Record<number, number>> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
};

/** mxClass ids of numeric arrays (6 = double ... 15 = uint64). */
const NUMERIC_CLASSES: Readonly<Record<number, MatNumericClass>> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};
const CLASS_CELL = 1;
const CLASS_STRUCT = 2;
const CLASS_CHAR = 4;
const OTHER_CLASSES: Readonly<Record<number, string>> = { 3: 'object', 5: 'sparse', 16: 'function', 17: 'opaque' };

const HEADER_BYTES = 128;
const MAX_DEPTH = 64;
/** Refuse to inflate a single compressed element beyond this (a corrupt length must not exhaust memory). */
const MAX_INFLATED_BYTES = 1 << 30;

interface Tag {
  type: number;
  size: number;
  dataStart: number;
  /** Offset of the next element (data padded to 8 bytes, except miCOMPRESSED). */
  next: number;
}

/** Decodes one buffer of elements (the file body, or an inflated miCOMPRESSED payload). */
class ElementReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly source: string,
    /** Describes where this buffer sits in the file, for messages. */
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${this.source}: ${message} (${this.where}); the MAT-file is corrupt or truncated`,
    );
  }

  tag(offset: number, end: number, what: string): Tag {
    if (offset + 4 > end) this.fail(`${what}: element tag at byte ${offset} is cut off`);
    const first = this.view.getUint32(offset, this.littleEndian);
    if (first >>> 16 !== 0) {
      // Small data element: size and type share the first word, the data the second.
      const size = first >>> 16;
      if (size > 4) this.fail(`${what}: small element at byte ${offset} declares ${size} bytes (at most 4)`);
      if (offset + 8 > end) this.fail(`${what}: small element at byte ${offset} is cut off`);
      return { type: first & 0xffff, size, dataStart: offset + 4, next: offset + 8 };
    }
    if (offset + 8 > end) this.fail(`${what}: element tag at byte ${offset} is cut off`);
    const size = this.view.getUint32(offset + 4, this.littleEndian);
    const dataStart = offset + 8;
    if (dataStart + size > end) {
      this.fail(`${what}: element at byte ${offset} declares ${size} bytes but only ${end - dataStart} remain`);
    }
    const next = first === MI_COMPRESSED ? dataStart + size : dataStart + Math.ceil(size / 8) * 8;
    return { type: first, size, dataStart, next: Math.min(next, end) };
  }

  /** All top-level variables in `[start, end)`. */
  variables(start: number, end: number, into: Map<string, MatValue>): void {
    let offset = start;
    while (offset < end) {
      // Trailing zero padding after the last element is harmless.
      if (end - offset < 8 && this.bytes.subarray(offset, end).every((b) => b === 0)) return;
      const tag = this.tag(offset, end, 'top level');
      if (tag.type === MI_COMPRESSED) {
        const inflated = this.inflate(tag);
        const inner = new ElementReader(
          inflated,
          this.littleEndian,
          this.source,
          `compressed element at byte ${offset}`,
        );
        inner.variables(0, inflated.length, into);
      } else if (tag.type === MI_MATRIX) {
        const { name, value } = this.matrix(tag, '', 0);
        into.set(name, value);
      } // other top-level element types carry no variables: skip them
      offset = tag.next;
    }
  }

  private inflate(tag: Tag): Uint8Array {
    try {
      return inflateSync(this.bytes.subarray(tag.dataStart, tag.dataStart + tag.size), {
        maxOutputLength: MAX_INFLATED_BYTES,
      });
    } catch (error) {
      this.fail(`compressed element at byte ${tag.dataStart - 8} does not inflate (${(error as Error).message})`);
    }
  }

  /** One miMATRIX element: array flags, dimensions, name, then class-specific sub-elements. */
  private matrix(tag: Tag, path: string, depth: number): { name: string; value: MatValue } {
    if (depth > MAX_DEPTH) this.fail(`${path}: arrays nested more than ${MAX_DEPTH} deep`);
    const end = tag.dataStart + tag.size;
    if (tag.size === 0) return { name: '', value: emptyDouble() };
    const flagsTag = this.tag(tag.dataStart, end, `${path || 'variable'} array flags`);
    if (flagsTag.size < 4) this.fail(`${path || 'variable'}: array flags element is ${flagsTag.size} bytes`);
    const flags = this.view.getUint32(flagsTag.dataStart, this.littleEndian);
    const classId = flags & 0xff;
    const complex = (flags & 0x800) !== 0;
    const logical = (flags & 0x200) !== 0;
    const dimsTag = this.tag(flagsTag.next, end, `${path || 'variable'} dimensions`);
    const dims: number[] = [];
    for (let k = 0; k + 4 <= dimsTag.size; k += 4)
      dims.push(this.view.getInt32(dimsTag.dataStart + k, this.littleEndian));
    if (dims.length < 2 || dims.some((d) => d < 0))
      this.fail(`${path || 'variable'}: bad dimensions [${dims.join(', ')}]`);
    const nameTag = this.tag(dimsTag.next, end, `${path || 'variable'} name`);
    const name = latin1(this.bytes.subarray(nameTag.dataStart, nameTag.dataStart + nameTag.size));
    const here = path || name;
    const count = dims.reduce((a, b) => a * b, 1);
    let offset = nameTag.next;

    const numericClass = NUMERIC_CLASSES[classId];
    if (numericClass) {
      const realTag = this.tag(offset, end, `${here} real part`);
      const real = this.numbers(realTag, count, `${here} real part`);
      const imag = complex ? this.numbers(this.tag(realTag.next, end, `${here} imaginary part`), count, here) : null;
      return { name, value: { kind: 'numeric', className: numericClass, logical, dims, real, imag } };
    }
    if (classId === CLASS_CHAR) {
      const dataTag = this.tag(offset, end, `${here} characters`);
      return { name, value: { kind: 'char', dims, text: this.text(dataTag, here) } };
    }
    if (classId === CLASS_CELL) {
      const cells: MatValue[] = [];
      for (let i = 0; i < count; i++) {
        const cellPath = `${here}{${i + 1}}`;
        const cellTag = this.tag(offset, end, cellPath);
        if (cellTag.type !== MI_MATRIX) this.fail(`${cellPath}: expected a matrix element, found type ${cellTag.type}`);
        cells.push(this.matrix(cellTag, cellPath, depth + 1).value);
        offset = cellTag.next;
      }
      return { name, value: { kind: 'cell', dims, cells } };
    }
    if (classId === CLASS_STRUCT) {
      const lengthTag = this.tag(offset, end, `${here} field name length`);
      const fieldNameBytes = lengthTag.size >= 4 ? this.view.getInt32(lengthTag.dataStart, this.littleEndian) : 0;
      const namesTag = this.tag(lengthTag.next, end, `${here} field names`);
      if (fieldNameBytes <= 0 || namesTag.size % fieldNameBytes !== 0) {
        this.fail(`${here}: field names of ${namesTag.size} bytes do not split into ${fieldNameBytes}-byte names`);
      }
      const fieldNames: string[] = [];
      for (let k = 0; k < namesTag.size; k += fieldNameBytes) {
        const start = namesTag.dataStart + k;
        fieldNames.push(latin1(this.bytes.subarray(start, start + fieldNameBytes)));
      }
      offset = namesTag.next;
      const elements: Array<Record<string, MatValue>> = [];
      // Each element of a struct array with fields consumes bytes, so a corrupt count fails at the end of
      // the data; elements without fields consume none, so they are not materialised (a corrupt header
      // can claim billions of them).
      for (let i = 0; i < count && fieldNames.length > 0; i++) {
        const element: Record<string, MatValue> = {};
        for (const field of fieldNames) {
          const fieldPath = count === 1 ? `${here}.${field}` : `${here}(${i + 1}).${field}`;
          const fieldTag = this.tag(offset, end, fieldPath);
          if (fieldTag.type !== MI_MATRIX)
            this.fail(`${fieldPath}: expected a matrix element, found type ${fieldTag.type}`);
          element[field] = this.matrix(fieldTag, fieldPath, depth + 1).value;
          offset = fieldTag.next;
        }
        elements.push(element);
      }
      return { name, value: { kind: 'struct', dims, fieldNames, elements } };
    }
    return { name, value: { kind: 'unsupported', dims, className: OTHER_CLASSES[classId] ?? `class ${classId}` } };
  }

  private numbers(tag: Tag, count: number, what: string): Float64Array {
    const width = BYTES_PER_VALUE[tag.type];
    if (width === undefined) this.fail(`${what}: element type ${tag.type} is not numeric`);
    if (tag.size !== count * width) {
      this.fail(`${what}: dimensions call for ${count} values but the data holds ${tag.size / width}`);
    }
    const out = new Float64Array(count);
    const v = this.view;
    const le = this.littleEndian;
    const at = tag.dataStart;
    for (let i = 0; i < count; i++) {
      const p = at + i * width;
      switch (tag.type) {
        case MI_DOUBLE:
          out[i] = v.getFloat64(p, le);
          break;
        case MI_SINGLE:
          out[i] = v.getFloat32(p, le);
          break;
        case MI_INT8:
          out[i] = v.getInt8(p);
          break;
        case MI_UINT8:
          out[i] = v.getUint8(p);
          break;
        case MI_INT16:
          out[i] = v.getInt16(p, le);
          break;
        case MI_UINT16:
          out[i] = v.getUint16(p, le);
          break;
        case MI_INT32:
          out[i] = v.getInt32(p, le);
          break;
        case MI_UINT32:
          out[i] = v.getUint32(p, le);
          break;
        case MI_INT64:
          out[i] = Number(v.getBigInt64(p, le));
          break;
        default:
          out[i] = Number(v.getBigUint64(p, le));
      }
    }
    return out;
  }

  private text(tag: Tag, what: string): string {
    const data = this.bytes.subarray(tag.dataStart, tag.dataStart + tag.size);
    if (tag.type === MI_UTF8 || tag.type === MI_UINT8 || tag.type === MI_INT8) return new TextDecoder().decode(data);
    if (tag.type === MI_UINT16 || tag.type === MI_UTF16) {
      const units: number[] = [];
      for (let k = 0; k + 2 <= data.length; k += 2)
        units.push(this.view.getUint16(tag.dataStart + k, this.littleEndian));
      return fromCodes(units, String.fromCharCode);
    }
    if (tag.type === MI_UTF32 || tag.type === MI_UINT32 || tag.type === MI_INT32) {
      const points: number[] = [];
      for (let k = 0; k + 4 <= data.length; k += 4)
        points.push(this.view.getUint32(tag.dataStart + k, this.littleEndian));
      return fromCodes(points, String.fromCodePoint);
    }
    this.fail(`${what}: characters stored as element type ${tag.type}`);
  }
}

function emptyDouble(): MatValue {
  return { kind: 'numeric', className: 'double', logical: false, dims: [0, 0], real: new Float64Array(0), imag: null };
}

function latin1(bytes: Uint8Array): string {
  const zero = bytes.indexOf(0);
  return fromCodes(Array.from(zero < 0 ? bytes : bytes.subarray(0, zero)), String.fromCharCode);
}

/** Builds a string in chunks (spreading a long array into one call would overflow the stack). */
function fromCodes(codes: number[], build: (...codes: number[]) => string): string {
  let out = '';
  for (let k = 0; k < codes.length; k += 8192) out += build(...codes.slice(k, k + 8192));
  return out;
}

/**
 * Decodes a MATLAB Level 5 MAT-file (what `save` writes by default up to -v7): numeric arrays of
 * every class (real and complex), char arrays, cell arrays, struct arrays, miCOMPRESSED elements and
 * the small data element format, in either byte order. Sparse and object arrays come back as
 * `unsupported`. v7.3 files (HDF5) and v4 files are refused.
 *
 * @param source the file name used in error messages
 * @throws RaqibError GROUND_TRUTH_INVALID naming `source` and the problem for a truncated or corrupt file
 */
export function parseMatFile(bytes: Uint8Array, source: string): MatFile {
  if (bytes.length < HEADER_BYTES) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: ${bytes.length} bytes is too short for a MAT-file (the header alone is ${HEADER_BYTES}); the file is truncated or not a MAT-file`,
    );
  }
  const header = latin1(bytes.subarray(0, 116)).trimEnd();
  if (/^MATLAB 7\.3/.test(header) || latin1(bytes.subarray(512, 516)).startsWith('\x89HDF')) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: MATLAB v7.3 (HDF5) MAT-files are not supported; re-save it in MATLAB with save(..., '-v7')`,
    );
  }
  const endian = String.fromCharCode(bytes[126] ?? 0, bytes[127] ?? 0);
  if (!header.startsWith('MATLAB') || (endian !== 'IM' && endian !== 'MI')) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: not a MATLAB v5 MAT-file (no 'MATLAB' header text or byte-order mark); v4 files are not supported`,
    );
  }
  const littleEndian = endian === 'IM';
  const variables = new Map<string, MatValue>();
  new ElementReader(bytes, littleEndian, source, 'file body').variables(HEADER_BYTES, bytes.length, variables);
  return { header, littleEndian, variables };
}

/** Reads and decodes a MAT-file; a file that cannot be read is GROUND_TRUTH_MISSING / _INVALID naming it. */
export async function readMatFile(path: string): Promise<MatFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'GROUND_TRUTH_MISSING' : 'GROUND_TRUTH_INVALID';
    throw new RaqibError(code, `${path}: cannot read the MAT-file (${(error as Error).message})`, { cause: error });
  }
  return parseMatFile(bytes, path);
}
