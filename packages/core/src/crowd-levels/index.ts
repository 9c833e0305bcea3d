export * from './fruin-level.js';
export * from './still-class.js';
