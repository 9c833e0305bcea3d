import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { RaqibError } from '@raqib/core';
import { parseMatFile } from './mat-file-reader.js';
import { matCell, matField, matMatrix, matScalar, type MatFile, type MatValue } from './mat-value.js';

/**
 * Annotated head points of one image.
 *
 * Coordinates convention: files store MATLAB 1-based pixel coordinates (the centre of the top-left
 * pixel is (1, 1)). Here they are converted once, on reading, to 0-based pixel coordinates
 * (x - 1, y - 1): the centre of pixel (column c, row r) is (c, r), the same frame as image arrays
 * and as the points a DensityEstimator returns.
 */
export interface HeadPointsGroundTruth {
  /** The file the points came from. */
  source: string;
  /** Head centres as interleaved [x0, y0, x1, y1, ...], 0-based pixels (see above). */
  pointsXy: Float64Array;
  /** Number of points (`pointsXy.length / 2`). */
  count: number;
  /** The count the file declares (`number` in a .mat, `count` in a .json), when it declares one. */
  declaredCount: number | null;
  /** The image file the annotation names (.json `image`), when it names one. */
  imageName: string | null;
  /** Image size the annotation declares (.json `width`/`height`), when it declares one. */
  width: number | null;
  height: number | null;
}

/** How far (px) a head point may lie outside the image before the annotation counts as mismatched. */
export const GROUND_TRUTH_OUTSIDE_TOLERANCE_PX = 8;

/**
 * Reads head points from a ShanghaiTech-style annotation: `GT_*.mat` (`image_info{1}.location` Nx2
 * and `image_info{1}.number`; `annPoints` Nx2 as in UCF-QNRF/NWPU also works) or `GT_*.json`
 * (`{"image","width","height","count","points":[[x,y],...]}`).
 *
 * @throws RaqibError GROUND_TRUTH_MISSING when the file does not exist, GROUND_TRUTH_INVALID naming
 *   the file and the problem when it is unreadable, corrupt or not in one of these layouts
 */
export async function readHeadPointsGroundTruth(path: string): Promise<HeadPointsGroundTruth> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RaqibError(
      missing ? 'GROUND_TRUTH_MISSING' : 'GROUND_TRUTH_INVALID',
      `${path}: cannot read the ground truth (${(error as Error).message})`,
      { cause: error },
    );
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.mat') return headPointsFromMat(parseMatFile(bytes, path), path);
  if (extension === '.json') return headPointsFromJson(new TextDecoder().decode(bytes), path);
  throw new RaqibError(
    'GROUND_TRUTH_INVALID',
    `${path}: unknown ground-truth format '${extension}' (expected .mat or .json)`,
  );
}

/** Head points from a decoded ShanghaiTech (`image_info`) or UCF-QNRF/NWPU (`annPoints`) MAT-file. */
export function headPointsFromMat(file: MatFile, source: string): HeadPointsGroundTruth {
  let location: MatValue;
  let declaredCount: number | null = null;
  const annPoints = file.variables.get('annPoints');
  const imageInfo = file.variables.get('image_info');
  if (imageInfo) {
    const info = imageInfo.kind === 'cell' ? matCell(imageInfo, 0, 'image_info', source) : imageInfo;
    location = matField(info, 'location', 'image_info{1}', source);
    if (info.kind === 'struct' && info.fieldNames.includes('number')) {
      declaredCount = matScalar(matField(info, 'number', 'image_info{1}', source), 'image_info{1}.number', source);
    }
  } else if (annPoints) {
    location = annPoints;
  } else if (file.variables.size === 0) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: the MAT-file holds no variables; it is empty or truncated`,
    );
  } else {
    const names = [...file.variables.keys()].join(', ');
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: no head points: expected a variable 'image_info' (ShanghaiTech) or 'annPoints' (variables: ${names})`,
    );
  }
  const path = imageInfo ? 'image_info{1}.location' : 'annPoints';
  const matrix = matMatrix(location, path, source);
  if (matrix.rows > 0 && matrix.cols < 2) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: ${path} is ${matrix.rows}x${matrix.cols}, expected Nx2 (x, y)`,
    );
  }
  const count = matrix.cols < 2 ? 0 : matrix.rows;
  const pointsXy = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    pointsXy[2 * i] = matrix.at(i, 0) - 1;
    pointsXy[2 * i + 1] = matrix.at(i, 1) - 1;
  }
  checkFinite(pointsXy, source, path);
  return { source, pointsXy, count, declaredCount, imageName: null, width: null, height: null };
}

/** Head points from the JSON twin of a ShanghaiTech annotation. */
export function headPointsFromJson(text: string, source: string): HeadPointsGroundTruth {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { points?: unknown }).points)) {
    throw new RaqibError('GROUND_TRUTH_INVALID', `${source}: expected an object with "points": [[x, y], ...]`);
  }
  const record = data as Record<string, unknown>;
  const points = record.points as unknown[];
  const pointsXy = new Float64Array(points.length * 2);
  points.forEach((point, i) => {
    if (!Array.isArray(point) || point.length < 2 || typeof point[0] !== 'number' || typeof point[1] !== 'number') {
      throw new RaqibError(
        'GROUND_TRUTH_INVALID',
        `${source}: points[${i}] should be [x, y], got ${JSON.stringify(point)}`,
      );
    }
    pointsXy[2 * i] = point[0] - 1;
    pointsXy[2 * i + 1] = point[1] - 1;
  });
  checkFinite(pointsXy, source, 'points');
  const numberOrNull = (key: string): number | null => {
    const value = record[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RaqibError(
        'GROUND_TRUTH_INVALID',
        `${source}: "${key}" should be a number, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  return {
    source,
    pointsXy,
    count: points.length,
    declaredCount: numberOrNull('count'),
    imageName: typeof record.image === 'string' ? record.image : null,
    width: numberOrNull('width'),
    height: numberOrNull('height'),
  };
}

function checkFinite(pointsXy: Float64Array, source: string, path: string): void {
  const bad = pointsXy.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new RaqibError(
      'GROUND_TRUTH_INVALID',
      `${source}: ${path} point ${Math.floor(bad / 2) + 1} is not a finite number`,
    );
  }
}

/**
 * Consistency checks of an annotation against the image it belongs to. Returns one message per
 * problem (empty when consistent): a declared count that disagrees with the points, another image
 * name or size, points more than {@link GROUND_TRUTH_OUTSIDE_TOLERANCE_PX} outside the image.
 */
export function groundTruthProblems(
  truth: HeadPointsGroundTruth,
  image: { fileName: string; width: number; height: number },
): string[] {
  const problems: string[] = [];
  if (truth.declaredCount !== null && truth.declaredCount !== truth.count) {
    problems.push(`declares ${truth.declaredCount} people but holds ${truth.count} points`);
  }
  if (truth.imageName !== null && basename(truth.imageName) !== image.fileName) {
    problems.push(`annotates image '${truth.imageName}', not '${image.fileName}'`);
  }
  if (
    (truth.width !== null && truth.width !== image.width) ||
    (truth.height !== null && truth.height !== image.height)
  ) {
    problems.push(
      `declares image size ${truth.width}x${truth.height} but ${image.fileName} is ${image.width}x${image.height}`,
    );
  }
  const tolerance = GROUND_TRUTH_OUTSIDE_TOLERANCE_PX;
  let outside = 0;
  let first = -1;
  for (let i = 0; i < truth.count; i++) {
    const x = truth.pointsXy[2 * i] ?? 0;
    const y = truth.pointsXy[2 * i + 1] ?? 0;
    if (x < -tolerance || y < -tolerance || x > image.width - 1 + tolerance || y > image.height - 1 + tolerance) {
      outside++;
      if (first < 0) first = i;
    }
  }
  if (outside > 0) {
    const x = (truth.pointsXy[2 * first] ?? 0) + 1;
    const y = (truth.pointsXy[2 * first + 1] ?? 0) + 1;
    problems.push(
      `${outside} of ${truth.count} points lie more than ${tolerance} px outside the ${image.width}x${image.height} image ` +
        `(first: point ${first + 1} at (${x.toFixed(1)}, ${y.toFixed(1)}), 1-based); is it the annotation of another image?`,
    );
  }
  return problems;
}
