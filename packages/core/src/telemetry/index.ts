export * from './subrip-blocks.js';
export * from './dji-srt-body.js';
export * from './dji-srt.js';
export * from './telemetry-track.js';
export * from './course-heading.js';
export * from './telemetry-outliers.js';
