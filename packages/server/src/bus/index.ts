export * from './live-bus.js';
export * from './live-topics.js';
