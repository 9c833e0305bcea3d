export * from './count-error-metrics.js';
export * from './point-matching.js';
export * from './localisation-metrics.js';
export * from './person-box-head.js';
export * from './head-size-proxy.js';
export * from './head-size-bands.js';
export * from './camera-view.js';
export * from './ignore-regions.js';
