export * from './raqib-error.js';
export * from './density-map.js';
export * from './detections.js';
