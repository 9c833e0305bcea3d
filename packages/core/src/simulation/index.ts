export * from './seeded-random.js';
export * from './crowd-scenario.js';
export * from './crowd-scenarios.js';
export * from './crowd-simulation.js';
export * from './zone-meter.js';
export * from './people-observer.js';
export * from './scenario-truth.js';
export * from './scenario-run.js';
