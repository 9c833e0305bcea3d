export * from './line-counter.js';
export * from './area-motion-meter.js';
export * from './neighbour-grid.js';
export * from './planar-geometry.js';
