import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: chDB is one engine per process, and
// several files open stores (see ../shared/DESIGN.md). The JSON report gives .ci/run its
// pass/fail counts.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
