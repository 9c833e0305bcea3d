import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { RaqibError } from '@raqib/core';
import { listBoxDataset, VISDRONE_ANNOTATIONS_DIR, YOLO_LABELS_DIR } from './box-dataset.js';
import {
  isDirectory,
  listShanghaiTechDataset,
  type DatasetImage,
  type DatasetProblem,
} from './shanghaitech-dataset.js';

/** `shanghaitech`: head points in ground-truth/; `boxes`: VisDrone annotations and/or YOLO labels. */
export type DatasetLayout = 'shanghaitech' | 'boxes';

/** An annotated dataset folder of any supported layout, listed. */
export interface DatasetListing {
  root: string;
  layout: DatasetLayout;
  /** The subset folder evaluated (box datasets with images/{train,val,test}), else null. */
  subset: string | null;
  imagesDir: string;
  images: DatasetImage[];
  /** Files in the images folder that are not images. */
  problems: DatasetProblem[];
  /** Annotation files whose image is not in the images folder. */
  unmatchedGroundTruth: string[];
}

/**
 * Lists an annotated dataset, telling its layout from its folders:
 * - `DIR/ground-truth/` -> ShanghaiTech (`images/IMG_n.jpg` + `ground-truth/GT_IMG_n.mat|json`);
 * - `DIR/annotations_visdrone_orig/` or `DIR/labels/` -> person boxes (VisDrone-DET annotations,
 *   preferred per image, or YOLO labels), optionally in subset folders picked by `subset`.
 *
 * @throws RaqibError INPUT_NOT_FOUND when DIR does not exist; DATASET_INVALID when it is in no known
 *   layout or has no images
 */
export async function listDataset(dir: string, options: { subset?: string } = {}): Promise<DatasetListing> {
  const root = resolve(dir);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch (error) {
    throw new RaqibError('INPUT_NOT_FOUND', `${dir}: dataset folder does not exist`, { cause: error });
  }
  if (!rootStat.isDirectory()) {
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: not a folder; pass the folder holding images/ and its annotations`,
    );
  }
  const has = (name: string): Promise<boolean> => isDirectory(join(root, name));
  if (!(await has('ground-truth')) && (await has('images'))) {
    if ((await has(VISDRONE_ANNOTATIONS_DIR)) || (await has(YOLO_LABELS_DIR))) {
      const listing = await listBoxDataset(dir, options);
      return { layout: 'boxes', ...listing };
    }
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: no annotation folder beside images/: expected ground-truth/ (ShanghaiTech GT_*.mat|json), ` +
        `${VISDRONE_ANNOTATIONS_DIR}/ (VisDrone-DET .txt) or ${YOLO_LABELS_DIR}/ (YOLO .txt)`,
    );
  }
  if (!(await has('images')) && basename(dirname(root)) === 'images') {
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: this is a subset folder of images/; pass the dataset folder ${dirname(dirname(root))} and pick the subset with --split-subset ${basename(root)}`,
    );
  }
  if (!(await has('images'))) {
    const children = (await readdir(root, { withFileTypes: true }).catch(() => [])).map((entry) => entry.name).sort();
    const datasets: string[] = [];
    for (const child of children) if (await isDirectory(join(root, child, 'images'))) datasets.push(join(dir, child));
    const hint = datasets.length > 0 ? ` (did you mean ${datasets.join(' or ')}?)` : '';
    throw new RaqibError(
      'DATASET_INVALID',
      `${dir}: no images/ folder; expected DIR/images/ with ground-truth/ (ShanghaiTech GT_*.mat|json), ` +
        `${VISDRONE_ANNOTATIONS_DIR}/ (VisDrone-DET .txt) or ${YOLO_LABELS_DIR}/ (YOLO .txt) beside it${hint}`,
    );
  }
  const listing = await listShanghaiTechDataset(dir);
  return {
    root: listing.root,
    layout: 'shanghaitech',
    subset: null,
    imagesDir: listing.imagesDir,
    images: listing.images,
    problems: listing.problems,
    unmatchedGroundTruth: listing.unmatchedGroundTruth,
  };
}
