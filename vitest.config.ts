import { defineConfig } from 'vitest/config';

// Files that touch something shared by the whole server (the replica's replay, backends killed or
// made to wait, time limits measured on the wall clock) run alone, after the rest. So do those that
// look for their own statement in pg_stat_statements: the server keeps a bounded number of entries
// for all databases, and three files at a time evict a statement run once within seconds.
const ALONE = [
  'test/cli/db-health.test.ts',
  'test/modules/admin/dashboard.test.ts',
  'test/faults/**/*.test.ts',
  'test/ops/checks-agree.test.ts',
  'test/scale/replicas.test.ts',
  'test/deploy/shutdown*.test.ts',
  'test/browser/**/*.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    // the CLI tests spawn several node processes each: on 2 shared cores one took 42 s
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Each file makes its own SQLite files and PostgreSQL databases, so files run side by side.
        // Vitest's default is one worker per core minus one (a single worker on CI's 2 cores), but
        // most of a file's time is spent waiting on PostgreSQL, child processes or timers: three
        // workers keep both cores busy.
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ALONE, maxWorkers: 3, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
