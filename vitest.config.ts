import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Deliberate failures in tests would otherwise print warnings; RAQIB_LOG_LEVEL=debug to see them.
    env: { RAQIB_LOG_LEVEL: process.env.RAQIB_LOG_LEVEL ?? 'silent' },
  },
});
