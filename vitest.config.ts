import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: PGlite-heavy files run two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
