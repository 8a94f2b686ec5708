import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS entry for the libraries; code under test must get the
    // same instance, not the `module` build Vite would otherwise pick.
    alias: [{ find: /^graphql$/, replacement: fileURLToPath(new URL('node_modules/graphql/index.js', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/cleanup-setup.ts'],
    // Each file gets its own database, so files run in parallel without sharing rows.
    pool: 'forks',
    // Files share a worker's modules (Prisma, Pothos, the schema are loaded once per worker, not
    // once per file): importing was more than half of the suite's time. What a file opens through
    // the helpers (servers, databases) is closed when the file ends (test/helpers/cleanup.ts).
    isolate: false,
    // The files mostly wait on PostgreSQL, so more of them run at once than there are cores
    // (a fourth worker, with the browser tests' Chromium, starves a busy two-core machine).
    maxWorkers: 3,
    // A test that checks nothing fails.
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    env: { NODE_ENV: 'test' },
  },
});
