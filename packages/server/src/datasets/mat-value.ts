import { RaqibError } from '@raqib/core';

/** MATLAB numeric classes this reader decodes (logical arrays are `uint8` with `logical: true`). */
export type MatNumericClass =
  'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

/**
 * A numeric array. Values are widened to float64 whatever the class (int64/uint64 beyond 2^53 lose
 * precision) and kept in MATLAB's column-major order: element (r, c) of an R x C matrix is
 * `real[r + c * R]`.
 */
export interface MatNumericArray {
  kind: 'numeric';
  className: MatNumericClass;
  logical: boolean;
  dims: number[];
  real: Float64Array;
  imag: Float64Array | null;
}

/** A char array, decoded to one string (column-major characters, as MATLAB stores them). */
export interface MatCharArray {
  kind: 'char';
  dims: number[];
  text: string;
}

/** A cell array; `cells` in column-major order. */
export interface MatCellArray {
  kind: 'cell';
  dims: number[];
  cells: MatValue[];
}

/** A struct array; `elements` in column-major order, each a record of field values (empty when there are no fields). */
export interface MatStructArray {
  kind: 'struct';
  dims: number[];
  fieldNames: string[];
  elements: Array<Record<string, MatValue>>;
}

/** A variable of a class this reader does not decode (sparse, object, function handle...). */
export interface MatUnsupported {
  kind: 'unsupported';
  dims: number[];
  className: string;
}

export type MatValue = MatNumericArray | MatCharArray | MatCellArray | MatStructArray | MatUnsupported;

/** A decoded MAT-file: its text header and its top-level variables by name. */
export interface MatFile {
  /** The 116-byte descriptive text, e.g. `MATLAB 5.0 MAT-file, Platform: PCWIN64, ...`, trimmed. */
  header: string;
  littleEndian: boolean;
  variables: Map<string, MatValue>;
}

function describe(value: MatValue): string {
  const dims = value.dims.join('x');
  if (value.kind === 'numeric') return `${dims} ${value.className}`;
  if (value.kind === 'unsupported') return `${dims} ${value.className}`;
  return `${dims} ${value.kind}`;
}

/** A top-level variable; throws GROUND_TRUTH_INVALID naming the file when it is absent. */
export function matVariable(file: MatFile, name: string, source: string): MatValue {
  const value = file.variables.get(name);
  if (!value) {
    const names = [...file.variables.keys()].join(', ') || 'none';
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: no variable '${name}' (variables: ${names})`);
  }
  return value;
}

/** Cell `index` (column-major, 0-based) of a cell array; `path` names the value in error messages. */
export function matCell(value: MatValue, index: number, path: string, source: string): MatValue {
  if (value.kind !== 'cell') {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: ${path} should be a cell array, found ${describe(value)}`);
  }
  const cell = value.cells[index];
  if (!cell) {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: ${path} has no cell ${index + 1} (${describe(value)})`);
  }
  return cell;
}

/** Field `name` of struct element `index` (0-based). */
export function matField(value: MatValue, name: string, path: string, source: string, index = 0): MatValue {
  if (value.kind !== 'struct') {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: ${path} should be a struct, found ${describe(value)}`);
  }
  const field = value.elements[index]?.[name];
  if (!field) {
    const fields = value.fieldNames.join(', ') || 'none';
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: ${path} has no field '${name}' (fields: ${fields})`);
  }
  return field;
}

/** A real numeric 2-D array as `{ rows, cols, at(r, c) }`; throws when `value` is anything else. */
export function matMatrix(
  value: MatValue,
  path: string,
  source: string,
): { rows: number; cols: number; at(r: number, c: number): number } {
  if (value.kind !== 'numeric' || value.dims.length > 2) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: ${path} should be a numeric matrix, found ${describe(value)}`,
    );
  }
  const rows = value.dims[0] ?? 0;
  const cols = value.dims[1] ?? 1;
  const real = value.real;
  return { rows, cols, at: (r, c) => real[r + c * rows] ?? NaN };
}

/** A numeric scalar; throws when `value` is not a 1x1 numeric array. */
export function matScalar(value: MatValue, path: string, source: string): number {
  if (value.kind !== 'numeric' || value.real.length !== 1) {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: ${path} should be a number, found ${describe(value)}`);
  }
  return value.real[0] ?? NaN;
}
