import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { RaqibError } from '@raqib/core';
import { parseMatFile } from './mat-file-reader.js';
import { matMatrix, matVariable } from './mat-value.js';

/**
 * Head tracks of one drone sequence (DroneCrowd / UP-COUNT layout), columnar: row i is one head in
 * one frame. Coordinates are pixel positions of the head centre exactly as the files give them.
 */
export interface TrackAnnotations {
  source: string;
  /** 0-based frame index per row. */
  frame: Int32Array;
  /** Track id per row (same person across frames). */
  trackId: Int32Array;
  /** Head centre x, y per row, in pixels. */
  x: Float32Array;
  y: Float32Array;
}

/**
 * Reads `NNNNN.mat` (`anno` Nx6: frame, track id, x1, y1, x2, y2; the head centre is the box
 * centre) or its `NNNNN.csv` twin (`frame,track_id,x,y`).
 *
 * @throws RaqibError GROUND_TRUTH_MISSING / GROUND_TRUTH_INVALID naming the file and the problem
 */
export async function readTrackAnnotations(path: string): Promise<TrackAnnotations> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RaqibError(
      missing ? 'GROUND_TRUTH_MISSING' : 'GROUND_TRUTH_INVALID',
      `${path}: cannot read the track annotations (${(error as Error).message})`,
      { cause: error },
    );
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.mat') return trackAnnotationsFromMat(bytes, path);
  if (extension === '.csv') return trackAnnotationsFromCsv(new TextDecoder().decode(bytes), path);
  throw new RaqibError(
    'GROUND_TRUTH_INVALID',
    `${path}: unknown track annotation format '${extension}' (expected .mat or .csv)`,
  );
}

/** Track annotations from the bytes of an `anno` MAT-file. */
export function trackAnnotationsFromMat(bytes: Uint8Array, source: string): TrackAnnotations {
  const anno = matMatrix(matVariable(parseMatFile(bytes, source), 'anno', source), 'anno', source);
  if (anno.rows > 0 && anno.cols < 6) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: anno is ${anno.rows}x${anno.cols}, expected Nx6 (frame, track id, x1, y1, x2, y2)`,
    );
  }
  const n = anno.cols < 6 ? 0 : anno.rows;
  const out = allocate(source, n);
  for (let i = 0; i < n; i++) {
    out.frame[i] = anno.at(i, 0);
    out.trackId[i] = anno.at(i, 1);
    out.x[i] = (anno.at(i, 2) + anno.at(i, 4)) / 2;
    out.y[i] = (anno.at(i, 3) + anno.at(i, 5)) / 2;
  }
  return out;
}

/** Track annotations from `frame,track_id,x,y` CSV text (with a header line). */
export function trackAnnotationsFromCsv(text: string, source: string): TrackAnnotations {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.trim().toLowerCase();
  if (header !== 'frame,track_id,x,y') {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: line 1 should be 'frame,track_id,x,y', got '${lines[0] ?? ''}'`,
    );
  }
  const out = allocate(source, lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.split(',').map(Number);
    if (fields.length !== 4 || fields.some((v) => !Number.isFinite(v))) {
      throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: line ${i + 1} should be 4 numbers, got '${lines[i]}'`);
    }
    out.frame[i - 1] = fields[0]!;
    out.trackId[i - 1] = fields[1]!;
    out.x[i - 1] = fields[2]!;
    out.y[i - 1] = fields[3]!;
  }
  return out;
}

function allocate(source: string, n: number): TrackAnnotations {
  return {
    source,
    frame: new Int32Array(n),
    trackId: new Int32Array(n),
    x: new Float32Array(n),
    y: new Float32Array(n),
  };
}
