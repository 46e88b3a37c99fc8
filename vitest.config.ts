import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // the CLI tests spawn several node processes each: on 2 shared cores one took 42 s
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Each test file makes its own SQLite files and PostgreSQL databases, so files may run in parallel.
    pool: 'forks',
  },
});
