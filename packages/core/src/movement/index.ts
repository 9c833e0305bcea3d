export * from './line-counter.js';
export * from './motion-stats.js';
