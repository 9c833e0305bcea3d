export * from './clear-mot.js';
export * from './degrade-tracks.js';
export * from './evaluate-tracks.js';
export * from './hota.js';
export * from './identity-metrics.js';
export { alignFrames, type FramePairs } from './frame-pairs.js';
