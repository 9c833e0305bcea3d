export * from './store.js';
export * from './store-records.js';
export * from './retention-policy.js';
export * from './retention-job.js';
export * from './reading-downsampler.js';
export { SqliteStore, newId, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { SQLITE_MIGRATIONS, migrateSqlite } from './sqlite/sqlite-migrations.js';
export * from './store-recorder.js';
