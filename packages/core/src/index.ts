export * from './raqib-error.js';
export * from './rgb-image.js';
export * from './density-map.js';
export * from './detections.js';
export * from './density-estimator.js';
export * from './frame-analysis.js';
export * from './assignment/linear-assignment.js';
