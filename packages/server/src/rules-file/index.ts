export * from './read-rules-file.js';
