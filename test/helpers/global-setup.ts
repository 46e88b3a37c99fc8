// Is the test PostgreSQL server there? Outside CI a missing server is reported loudly and the
// PostgreSQL half of the suite is skipped; with CI=true it fails the run.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAvailable: boolean;
    testDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let available = false;
  try {
    await client.connect();
    await client.query('select 1');
    available = true;
  } catch (error) {
    const message = `PostgreSQL at ${url} is unreachable (${(error as Error).message}).`;
    if (process.env.CI === 'true') throw new Error(`${message} CI=true: the PostgreSQL tests must run.`);
    process.stderr.write(`\n!!! ${message}\n!!! The PostgreSQL half of the test suite is SKIPPED. Start it, or set TEST_DATABASE_URL.\n\n`);
  } finally {
    await client.end().catch(() => {});
  }
  project.provide('pgAvailable', available);
  project.provide('testDatabaseUrl', url);
}
