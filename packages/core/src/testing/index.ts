export * from './gaussian-density-map.js';
