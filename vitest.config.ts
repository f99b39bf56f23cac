import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when stale: the child-process tests run the bundle, as `npm start` does.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: PGlite-heavy files run two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
