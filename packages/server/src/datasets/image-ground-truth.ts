import {
  medianOf,
  nearestNeighbourHeadSizesPx,
  personBoxHeadPoint,
  personBoxHeadSizePx,
  insideAnyBox,
  NEAREST_NEIGHBOUR_HEAD_SIZE_CAP_PX,
} from '@raqib/core';
import {
  GROUND_TRUTH_OUTSIDE_TOLERANCE_PX,
  groundTruthProblems,
  readHeadPointsGroundTruth,
  type HeadPointsGroundTruth,
} from './head-points-ground-truth.js';
import { readVisDroneAnnotation, type VisDroneAnnotation } from './visdrone-annotation.js';
import { readYoloLabels, yoloBoxesPx, type YoloLabels } from './yolo-labels.js';

/**
 * How an image is annotated: `head-points` (ShanghaiTech GT_*.mat/.json), `visdrone` (VisDrone-DET
 * boxes with categories and ignored regions) or `yolo` (normalised person boxes, class 0).
 */
export type GroundTruthFormat = 'head-points' | 'visdrone' | 'yolo';

/** An annotation file as read, before it is matched with its image. */
export type ParsedGroundTruth =
  | { format: 'head-points'; points: HeadPointsGroundTruth }
  | { format: 'visdrone'; annotation: VisDroneAnnotation }
  | { format: 'yolo'; labels: YoloLabels };

/**
 * The people annotated in one image, whatever the format: head points in 0-based pixels of the image
 * (box formats: the head point of each person box, see `personBoxHeadPoint`), with the people inside
 * ignored regions already dropped.
 */
export interface ImageGroundTruth {
  source: string;
  format: GroundTruthFormat;
  /** Head points of the counted people, interleaved `[x0, y0, ...]`, px. */
  pointsXy: Float64Array;
  /** Number of counted people (`pointsXy.length / 2`). */
  count: number;
  /** Head-size proxy per counted person for box formats (`min(w, h) / 2`), px; null for head points. */
  boxHeadSizesPx: Float64Array | null;
  /** Height / width of each counted person box (the camera view, see cameraViewOfBoxes); null for head points. */
  boxHeightToWidth: Float64Array | null;
  /**
   * Ignored regions `[x0, y0, x1, y1, ...]`, px: the density predicted there is not counted and the
   * points there are dropped. Empty for formats without them (ShanghaiTech, YOLO).
   */
  ignoredBoxesXyxy: Float64Array;
  /** Annotated people whose head point lies in an ignored region (not counted). */
  droppedInIgnoredRegions: number;
}

/**
 * Reads an annotation file of the given format.
 *
 * @throws RaqibError GROUND_TRUTH_MISSING / GROUND_TRUTH_INVALID naming the file (and line)
 */
export async function readGroundTruthFile(path: string, format: GroundTruthFormat): Promise<ParsedGroundTruth> {
  if (format === 'visdrone') return { format, annotation: await readVisDroneAnnotation(path) };
  if (format === 'yolo') return { format, labels: await readYoloLabels(path) };
  return { format, points: await readHeadPointsGroundTruth(path) };
}

function boxesToXyxy(boxesXywh: Float64Array): Float64Array {
  const out = new Float64Array(boxesXywh.length);
  for (let i = 0; i + 3 < boxesXywh.length; i += 4) {
    out[i] = boxesXywh[i]!;
    out[i + 1] = boxesXywh[i + 1]!;
    out[i + 2] = boxesXywh[i]! + boxesXywh[i + 2]!;
    out[i + 3] = boxesXywh[i + 1]! + boxesXywh[i + 3]!;
  }
  return out;
}

function fromPersonBoxes(
  source: string,
  format: GroundTruthFormat,
  personBoxesXywh: Float64Array,
  ignoredBoxesXyxy: Float64Array,
): ImageGroundTruth {
  const points: number[] = [];
  const sizes: number[] = [];
  const aspects: number[] = [];
  let dropped = 0;
  for (let i = 0; i + 3 < personBoxesXywh.length; i += 4) {
    const [w, h] = [personBoxesXywh[i + 2]!, personBoxesXywh[i + 3]!];
    const [x, y] = personBoxHeadPoint(personBoxesXywh[i]!, personBoxesXywh[i + 1]!, w, h);
    if (insideAnyBox(x, y, ignoredBoxesXyxy)) {
      dropped++;
      continue;
    }
    points.push(x, y);
    sizes.push(personBoxHeadSizePx(w, h));
    aspects.push(h / w);
  }
  return {
    source,
    format,
    pointsXy: Float64Array.from(points),
    count: sizes.length,
    boxHeadSizesPx: Float64Array.from(sizes),
    boxHeightToWidth: Float64Array.from(aspects),
    ignoredBoxesXyxy,
    droppedInIgnoredRegions: dropped,
  };
}

/** Box formats: person head points far outside the image mean the annotation is of another image. */
function headPointsOutside(truth: ImageGroundTruth, image: { width: number; height: number }): string[] {
  const tolerance = GROUND_TRUTH_OUTSIDE_TOLERANCE_PX;
  let outside = 0;
  let first = '';
  for (let i = 0; i < truth.count; i++) {
    const x = truth.pointsXy[2 * i]!;
    const y = truth.pointsXy[2 * i + 1]!;
    if (x < -tolerance || y < -tolerance || x > image.width - 1 + tolerance || y > image.height - 1 + tolerance) {
      if (outside++ === 0) first = `(${x.toFixed(1)}, ${y.toFixed(1)})`;
    }
  }
  if (outside === 0) return [];
  return [
    `${outside} of ${truth.count} person head points lie more than ${tolerance} px outside the ` +
      `${image.width}x${image.height} image (first at ${first}); is it the annotation of another image?`,
  ];
}

/**
 * Matches a read annotation with its image: converts boxes to head points in pixels, drops the people
 * in ignored regions, and checks that the annotation fits the image (declared size, count and name;
 * points inside the image). Returns the ground truth and one message per mismatch (empty when
 * consistent).
 */
export function resolveGroundTruth(
  parsed: ParsedGroundTruth,
  image: { fileName: string; width: number; height: number },
): { truth: ImageGroundTruth; mismatches: string[] } {
  let truth: ImageGroundTruth;
  let mismatches: string[];
  if (parsed.format === 'head-points') {
    const points = parsed.points;
    mismatches = groundTruthProblems(points, image);
    truth = {
      source: points.source,
      format: 'head-points',
      pointsXy: points.pointsXy,
      count: points.count,
      boxHeadSizesPx: null,
      boxHeightToWidth: null,
      ignoredBoxesXyxy: new Float64Array(0),
      droppedInIgnoredRegions: 0,
    };
  } else {
    truth =
      parsed.format === 'visdrone'
        ? fromPersonBoxes(
            parsed.annotation.source,
            'visdrone',
            parsed.annotation.personBoxesXywh,
            boxesToXyxy(parsed.annotation.ignoredBoxesXywh),
          )
        : fromPersonBoxes(
            parsed.labels.source,
            'yolo',
            yoloBoxesPx(parsed.labels, image.width, image.height),
            new Float64Array(0),
          );
    mismatches = headPointsOutside(truth, image);
  }
  return { truth, mismatches };
}

/**
 * The ground truth of an image resized by `scaleX x scaleY` (e.g. to simulate a higher drone):
 * points, boxes and head sizes move with the pixels (pixel centres stay pixel centres).
 */
export function scaleGroundTruth(truth: ImageGroundTruth, scaleX: number, scaleY: number): ImageGroundTruth {
  const mapXy = (values: Float64Array): Float64Array =>
    values.map((v, i) => (v + 0.5) * (i % 2 === 0 ? scaleX : scaleY) - 0.5);
  const sizeScale = Math.sqrt(scaleX * scaleY);
  return {
    ...truth,
    pointsXy: mapXy(truth.pointsXy),
    boxHeadSizesPx: truth.boxHeadSizesPx ? truth.boxHeadSizesPx.map((v) => v * sizeScale) : null,
    boxHeightToWidth: truth.boxHeightToWidth ? truth.boxHeightToWidth.map((v) => (v * scaleY) / scaleX) : null,
    ignoredBoxesXyxy: mapXy(truth.ignoredBoxesXyxy),
  };
}

/**
 * Typical head size of an image, px: the median head-size proxy of its annotated people. Box formats:
 * `min(w, h) / 2` per person box; head points: the distance to the nearest other head, capped at
 * 64 px (as the model training does; 64 when fewer than two heads). NaN when a box-annotated image
 * has no people.
 */
export function medianHeadSizePx(truth: ImageGroundTruth): number {
  if (truth.boxHeadSizesPx) return medianOf(truth.boxHeadSizesPx);
  if (truth.count < 2) return NEAREST_NEIGHBOUR_HEAD_SIZE_CAP_PX;
  return medianOf(nearestNeighbourHeadSizesPx(truth.pointsXy));
}
