export * from './crowd-tracker.js';
export * from './crowd-tracker-options.js';
export * from './image-motion-estimator.js';
export * from './similarity-motion.js';
export * from './spatial-grid.js';
export * from './sparse-assignment.js';
export * from './track-id-source.js';
export * from './track-frame.js';
