import { annotationLineError, annotationLines, readAnnotationText } from './annotation-lines.js';

/** Class id of a person in YOLO person labels (VisDrone-person: pedestrian + people). */
export const YOLO_PERSON_CLASS_ID = 0;

/**
 * How far (in image widths/heights) a YOLO box centre may lie outside [0, 1] before the line counts as
 * corrupt; exporters round boxes at the border.
 */
const NORMALISED_TOLERANCE = 0.01;

/** Boxes of a YOLO label file, normalised to the image size. */
export interface YoloLabels {
  source: string;
  classIds: Int32Array;
  /** `[cx, cy, w, h, ...]` per box, fractions of the image width and height. */
  boxesCxcywh: Float64Array;
}

/**
 * Parses a YOLO label file: one box per line, `class cx cy w h`, the centre and size normalised to
 * the image (0-1). Blank lines are skipped.
 *
 * @throws RaqibError GROUND_TRUTH_INVALID naming the file and line of the first bad line
 */
export function parseYoloLabels(text: string, source: string): YoloLabels {
  const lines = annotationLines(text);
  const classIds = new Int32Array(lines.length);
  const boxesCxcywh = new Float64Array(lines.length * 4);
  lines.forEach((line, i) => {
    const fields = line.text.split(/\s+/);
    if (fields.length !== 5) {
      throw annotationLineError(source, line, `expected 5 fields 'class cx cy w h', found ${fields.length}`);
    }
    const [classText, ...boxText] = fields as [string, string, string, string, string];
    if (!/^\d+$/.test(classText)) {
      throw annotationLineError(source, line, `class should be a non-negative integer, not '${classText}'`);
    }
    const box = boxText.map(Number);
    if (box.some((v) => !Number.isFinite(v))) {
      throw annotationLineError(source, line, 'cx cy w h should be numbers');
    }
    const [cx, cy, w, h] = box as [number, number, number, number];
    if (!(w > 0 && h > 0 && w <= 1 + NORMALISED_TOLERANCE && h <= 1 + NORMALISED_TOLERANCE)) {
      throw annotationLineError(source, line, 'w and h should be in (0, 1] (normalised to the image size)');
    }
    const outside = (v: number): boolean => v < -NORMALISED_TOLERANCE || v > 1 + NORMALISED_TOLERANCE;
    if (outside(cx) || outside(cy)) {
      throw annotationLineError(
        source,
        line,
        'cx and cy should be in [0, 1] (normalised to the image size); pixel boxes belong in a VisDrone annotation',
      );
    }
    classIds[i] = Number(classText);
    boxesCxcywh.set(box, 4 * i);
  });
  return { source, classIds, boxesCxcywh };
}

/** Reads and parses a YOLO label file (see {@link parseYoloLabels}). */
export async function readYoloLabels(path: string): Promise<YoloLabels> {
  return parseYoloLabels(await readAnnotationText(path), path);
}

/**
 * The boxes of one class in pixels, `[x, y, w, h, ...]` (top-left corner and size), for an image of
 * `widthPx x heightPx`.
 */
export function yoloBoxesPx(
  labels: YoloLabels,
  widthPx: number,
  heightPx: number,
  classId: number = YOLO_PERSON_CLASS_ID,
): Float64Array {
  const out: number[] = [];
  labels.classIds.forEach((id, i) => {
    if (id !== classId) return;
    const b = labels.boxesCxcywh.subarray(4 * i, 4 * i + 4);
    const w = b[2]! * widthPx;
    const h = b[3]! * heightPx;
    out.push(b[0]! * widthPx - w / 2, b[1]! * heightPx - h / 2, w, h);
  });
  return Float64Array.from(out);
}
