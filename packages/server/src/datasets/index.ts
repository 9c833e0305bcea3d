export { parseMatFile, readMatFile } from './mat-file-reader.js';
export * from './mat-value.js';
export * from './head-points-ground-truth.js';
export * from './track-annotations.js';
export * from './shanghaitech-dataset.js';
export * from './image-split.js';
export * from './dataset-evaluation.js';
