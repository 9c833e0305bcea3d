export * from './zone.js';
export * from './parse-zones.js';
export * from './cell-coverage.js';
export * from './zone-geometry.js';
export * from './area-zone-meter.js';
