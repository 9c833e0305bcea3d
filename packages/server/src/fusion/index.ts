export * from './event-drones-file.js';
export * from './event-recordings.js';
