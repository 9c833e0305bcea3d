export * from './gray-pyramid.js';
export * from './lucas-kanade.js';
export * from './ego-motion.js';
export * from './global-shift-search.js';
export * from './grid-flow-estimator.js';
export * from './flow-grid-sampling.js';
export * from './zone-flow-metrics.js';
export * from './synthetic-flow-scene.js';
