export * from './count-error-metrics.js';
export * from './point-matching.js';
export * from './localisation-metrics.js';
