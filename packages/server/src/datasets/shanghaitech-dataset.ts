import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RaqibError, type RaqibErrorCode } from '@raqib/core';
import type { GroundTruthFormat } from './image-ground-truth.js';

/** File extensions taken as images (the formats ingest's loadImageFile decodes). */
export const DATASET_IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
];

/** One image of a dataset and its annotation file (null when none was found). */
export interface DatasetImage {
  /** File name inside `images/`, e.g. `IMG_12.jpg`. */
  name: string;
  imagePath: string;
  /** The annotation file (ShanghaiTech: `ground-truth/GT_<stem>.mat`, else `.json`); null when none exists. */
  groundTruthPath: string | null;
  /** How `groundTruthPath` is to be read. */
  groundTruthFormat: GroundTruthFormat;
  /** Where the annotation was looked for, for messages (e.g. `ground-truth/GT_IMG_2.mat or .json`). */
  expectedGroundTruth: string;
}

/** Something wrong with one file of a dataset. */
export interface DatasetProblem {
  file: string;
  code: RaqibErrorCode;
  message: string;
}

/** A ShanghaiTech-layout dataset folder, listed. */
export interface ShanghaiTechListing {
  root: string;
  imagesDir: string;
  groundTruthDir: string;
  /** Image files in natural order (IMG_2 before IMG_10). */
  images: DatasetImage[];
  /** Files in `images/` that are not images. */
  problems: DatasetProblem[];
  /** Annotation files whose image is not in `images/`. */
  unmatchedGroundTruth: string[];
}

/** Compares names with digit runs as numbers: `IMG_2` < `IMG_10`. */
export function compareNatural(a: string, b: string): number {
  const split = (s: string): string[] => s.split(/(\d+)/);
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Lists a dataset in the common ShanghaiTech layout: `DIR/images/IMG_n.jpg` with
 * `DIR/ground-truth/GT_IMG_n.mat` (read natively) or `GT_IMG_n.json`; the .mat is preferred when
 * both exist. Files in `images/` that are not images become problems; dot-files are ignored.
 *
 * @throws RaqibError INPUT_NOT_FOUND when DIR does not exist; DATASET_INVALID when it is not in this
 *   layout, has no images, or no annotation folder
 */
export async function listShanghaiTechDataset(dir: string): Promise<ShanghaiTechListing> {
  const root = resolve(dir);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch (error) {
    throw new RaqibError('INPUT_NOT_FOUND', `${dir}: dataset folder does not exist`, { cause: error });
  }
  if (!rootStat.isDirectory()) {
    throw new RaqibError('DATASET_INVALID', `${dir}: not a folder; pass the folder holding images/ and ground-truth/`);
  }
  const imagesDir = join(root, 'images');
  if (!(await isDirectory(imagesDir))) {
    const children = await readdir(root).catch(() => [] as string[]);
    const parts = children.filter((c) => /^(train|test)_data$|^part_[A-Z]$/.test(c)).sort();
    const hint = parts.length > 0 ? ` (did you mean ${parts.map((p) => join(dir, p)).join(' or ')}?)` : '';
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: no images/ folder; expected the ShanghaiTech layout DIR/images/IMG_n.jpg + DIR/ground-truth/GT_IMG_n.mat${hint}`,
    );
  }
  const groundTruthDir = join(root, 'ground-truth');
  if (!(await isDirectory(groundTruthDir))) {
    throw new RaqibError(
      'DATASET_INVALID',
      `${groundTruthDir}: annotation folder missing; every image needs ground-truth/GT_<name>.mat or .json`,
    );
  }
  const imageFiles = (await readdir(imagesDir, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.') && !entry.isDirectory())
    .map((entry) => entry.name)
    .sort(compareNatural);
  const truthFiles = new Set((await readdir(groundTruthDir)).filter((name) => !name.startsWith('.')));
  const images: DatasetImage[] = [];
  const problems: DatasetProblem[] = [];
  const usedTruth = new Set<string>();
  for (const name of imageFiles) {
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
    const stem = basename(name, extname(name));
    const found = [`GT_${stem}.mat`, `GT_${stem}.json`].find((candidate) => truthFiles.has(candidate));
    if (found) usedTruth.add(found);
    images.push({
      name,
      imagePath,
      groundTruthPath: found ? join(groundTruthDir, found) : null,
      groundTruthFormat: 'head-points',
      expectedGroundTruth: `ground-truth/GT_${stem}.mat or .json`,
    });
  }
  // A .json twin beside a used .mat belongs to the same image.
  for (const used of [...usedTruth]) usedTruth.add(used.replace(/\.mat$/, '.json'));
  const unmatchedGroundTruth = [...truthFiles]
    .filter((name) => !usedTruth.has(name) && /^GT_.*\.(mat|json)$/i.test(name))
    .sort(compareNatural)
    .map((name) => join(groundTruthDir, name));
  if (images.length === 0) {
    const others =
      problems.length > 0 ? `; ${problems.length} other file(s) there, e.g. ${basename(problems[0]!.file)}` : '';
    throw new RaqibError(
      'DATASET_INVALID',
      `${imagesDir}: no image files (${DATASET_IMAGE_EXTENSIONS.join(', ')}) found${others}`,
    );
  }
  return { root, imagesDir, groundTruthDir, images, problems, unmatchedGroundTruth };
}
