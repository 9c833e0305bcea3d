import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RaqibError } from '@raqib/core';
import {
  compareNatural,
  DATASET_IMAGE_EXTENSIONS,
  isDirectory,
  type DatasetImage,
  type DatasetProblem,
} from './shanghaitech-dataset.js';

/** Folder of VisDrone-DET annotations (`x,y,w,h,score,category,...`) beside `images/`. */
export const VISDRONE_ANNOTATIONS_DIR = 'annotations_visdrone_orig';
/** Folder of YOLO labels (`class cx cy w h`) beside `images/`. */
export const YOLO_LABELS_DIR = 'labels';
/** The subset a box dataset with train/val/test folders is evaluated on unless told otherwise. */
export const DEFAULT_DATASET_SUBSET = 'val';

/** A dataset of person boxes (VisDrone annotations and/or YOLO labels), listed. */
export interface BoxDatasetListing {
  root: string;
  /** The subset folder evaluated (`val`, ...), or null when `images/` holds the images directly. */
  subset: string | null;
  imagesDir: string;
  /** The annotation folders found, VisDrone first. */
  annotationDirs: string[];
  /** Image files in natural order; each with its VisDrone annotation when there is one, else its YOLO label. */
  images: DatasetImage[];
  /** Files in the images folder that are not images. */
  problems: DatasetProblem[];
  /** Annotation files whose image is not in the images folder. */
  unmatchedGroundTruth: string[];
}

/** Entries of a folder that are (or link to) files, or folders; dot-files left out. */
async function listEntries(dir: string, want: 'files' | 'folders'): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    // Symbolic links (a subset linked in from elsewhere) count as what they point to.
    const folder = entry.isSymbolicLink() ? await isDirectory(join(dir, entry.name)) : entry.isDirectory();
    if (folder === (want === 'folders')) names.push(entry.name);
  }
  return names.sort(compareNatural);
}

/**
 * Lists a dataset of person boxes: `DIR/images/<name>.jpg` with `DIR/annotations_visdrone_orig/<name>.txt`
 * (VisDrone-DET, preferred: it marks ignored regions) and/or `DIR/labels/<name>.txt` (YOLO). When
 * `images/` holds subset folders instead of images (`images/{train,val,test}`, as VisDrone-person),
 * `subset` picks one (default `val`) and the annotations are read from the same subset folders.
 *
 * @throws RaqibError DATASET_INVALID when the subset or the annotation folders are missing or there are
 *   no images
 */
export async function listBoxDataset(dir: string, options: { subset?: string } = {}): Promise<BoxDatasetListing> {
  const root = resolve(dir);
  let imagesDir = join(root, 'images');
  const direct = await listEntries(imagesDir, 'files');
  const subsets = await listEntries(imagesDir, 'folders');
  let subset: string | null = null;
  if (direct.length === 0 && subsets.length > 0) {
    subset = options.subset ?? DEFAULT_DATASET_SUBSET;
    if (!subsets.includes(subset)) {
      throw new RaqibError(
        'DATASET_INVALID',
        `${imagesDir}: no subset folder '${subset}' (subsets: ${subsets.join(', ')}); choose one with --split-subset`,
      );
    }
    imagesDir = join(imagesDir, subset);
  }
  const candidates = [VISDRONE_ANNOTATIONS_DIR, YOLO_LABELS_DIR].map((name) =>
    subset === null ? join(root, name) : join(root, name, subset),
  );
  const present = await Promise.all(candidates.map(isDirectory));
  const annotationDirs = candidates.filter((_, i) => present[i]);
  if (annotationDirs.length === 0) {
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: no annotation folder: expected ${candidates.map((c) => c.slice(root.length + 1)).join(' or ')} beside ${imagesDir.slice(root.length + 1)}`,
    );
  }
  const [visdroneDir, yoloDir] = candidates.map((c, i) => (present[i] ? c : null));
  const visdroneFiles = new Set(visdroneDir ? await listEntries(visdroneDir, 'files') : []);
  const yoloFiles = new Set(yoloDir ? await listEntries(yoloDir, 'files') : []);
  const expected = annotationDirs.map((d) => `${d.slice(root.length + 1)}/<name>.txt`).join(' or ');
  const images: DatasetImage[] = [];
  const problems: DatasetProblem[] = [];
  const used = new Set<string>();
  for (const name of await listEntries(imagesDir, 'files')) {
    const imagePath = join(imagesDir, name);
    const extension = extname(name).toLowerCase();
    if (!DATASET_IMAGE_EXTENSIONS.includes(extension)) {
      problems.push({
        file: imagePath,
        code: 'INPUT_INVALID',
        message: `${imagePath}: not an image file (expected ${DATASET_IMAGE_EXTENSIONS.join(', ')}); skipped`,
      });
      continue;
    }
    const label = `${basename(name, extname(name))}.txt`;
    const image: DatasetImage = {
      name,
      imagePath,
      groundTruthPath: null,
      groundTruthFormat: visdroneDir ? 'visdrone' : 'yolo',
      expectedGroundTruth: expected.replaceAll('<name>.txt', label),
    };
    if (visdroneDir && visdroneFiles.has(label)) {
      image.groundTruthPath = join(visdroneDir, label);
      image.groundTruthFormat = 'visdrone';
      used.add(image.groundTruthPath);
    } else if (yoloDir && yoloFiles.has(label)) {
      image.groundTruthPath = join(yoloDir, label);
      image.groundTruthFormat = 'yolo';
    }
    if (yoloDir && yoloFiles.has(label)) used.add(join(yoloDir, label));
    images.push(image);
  }
  if (images.length === 0) {
    throw new RaqibError(
      'DATASET_INVALID',
      `${imagesDir}: no image files (${DATASET_IMAGE_EXTENSIONS.join(', ')}) found`,
    );
  }
  const unmatchedGroundTruth = [
    ...[...visdroneFiles].map((name) => join(visdroneDir ?? '', name)),
    ...[...yoloFiles].filter((name) => name !== 'classes.txt').map((name) => join(yoloDir ?? '', name)),
  ]
    .filter((path) => path.endsWith('.txt') && !used.has(path))
    .sort(compareNatural);
  return { root, subset, imagesDir, annotationDirs, images, problems, unmatchedGroundTruth };
}
