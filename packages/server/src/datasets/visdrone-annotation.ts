import { annotationLineError, annotationLines, readAnnotationText } from './annotation-lines.js';

/** VisDrone-DET object categories that are people: 1 pedestrian, 2 people (sitting, riding, ...). */
export const VISDRONE_PERSON_CATEGORIES: readonly number[] = [1, 2];
/** VisDrone-DET category 0: an ignored region (people there may be unannotated). */
export const VISDRONE_IGNORED_REGION_CATEGORY = 0;
/** Highest VisDrone-DET category (11: others); 3-11 are vehicles and other objects. */
const VISDRONE_MAX_CATEGORY = 11;

/** The boxes of a VisDrone-DET annotation that matter for counting people. */
export interface VisDroneAnnotation {
  source: string;
  /** Person boxes (categories 1 and 2), `[x, y, w, h, ...]` in pixels (top-left corner and size). */
  personBoxesXywh: Float64Array;
  /** Ignored regions (category 0), `[x, y, w, h, ...]` in pixels. */
  ignoredBoxesXywh: Float64Array;
  /** Boxes of other objects (vehicles, ...): not people, only counted. */
  otherObjects: number;
}

/**
 * Parses a VisDrone-DET annotation: one object per line,
 * `x,y,w,h,score,category,truncation,occlusion` (pixels; the last two may be missing, a trailing
 * comma is allowed). Categories 1 (pedestrian) and 2 (people) are persons, 0 is an ignored region,
 * 3-11 are vehicles and other objects.
 *
 * @throws RaqibError GROUND_TRUTH_INVALID naming the file and line of the first bad line
 */
export function parseVisDroneAnnotation(text: string, source: string): VisDroneAnnotation {
  const persons: number[] = [];
  const ignored: number[] = [];
  let otherObjects = 0;
  for (const line of annotationLines(text)) {
    const fields = line.text.replace(/,$/, '').split(',');
    if (fields.length < 6 || fields.length > 8) {
      throw annotationLineError(
        source,
        line,
        `expected 'x,y,w,h,score,category,truncation,occlusion' (6 to 8 comma-separated fields), found ${fields.length}`,
      );
    }
    const values = fields.map((field) => (field.trim() === '' ? NaN : Number(field)));
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const names = ['x', 'y', 'w', 'h', 'score', 'category', 'truncation', 'occlusion'];
      throw annotationLineError(source, line, `${names[bad]} should be a number, not '${fields[bad]!.trim()}'`);
    }
    const [x, y, w, h, , category] = values as [number, number, number, number, number, number];
    if (!Number.isInteger(category) || category < 0 || category > VISDRONE_MAX_CATEGORY) {
      throw annotationLineError(
        source,
        line,
        `category should be an integer 0-${VISDRONE_MAX_CATEGORY}, not ${category}`,
      );
    }
    if (w < 0 || h < 0) throw annotationLineError(source, line, 'w and h should not be negative');
    if (VISDRONE_PERSON_CATEGORIES.includes(category)) persons.push(x, y, w, h);
    else if (category === VISDRONE_IGNORED_REGION_CATEGORY) ignored.push(x, y, w, h);
    else otherObjects++;
  }
  return {
    source,
    personBoxesXywh: Float64Array.from(persons),
    ignoredBoxesXywh: Float64Array.from(ignored),
    otherObjects,
  };
}

/** Reads and parses a VisDrone-DET annotation file (see {@link parseVisDroneAnnotation}). */
export async function readVisDroneAnnotation(path: string): Promise<VisDroneAnnotation> {
  return parseVisDroneAnnotation(await readAnnotationText(path), path);
}
