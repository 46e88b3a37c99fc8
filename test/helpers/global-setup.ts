// Are the test PostgreSQL server and the PgBouncer in front of it (.ci/pgbouncer.sh) there? Outside
// CI a missing one is reported loudly and its part of the suite is skipped; with CI=true it fails the run.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { compileTestTree } from './compiled.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_TEST_PGBOUNCER_URL = 'postgres://postgres@127.0.0.1:6432/test';
/** A streaming replica of the test server (.ci/replica.sh makes it). */
export const DEFAULT_TEST_REPLICA_URL = 'postgres://postgres@127.0.0.1:5434/test';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAvailable: boolean;
    testDatabaseUrl: string;
    pgbouncerAvailable: boolean;
    testPgbouncerUrl: string;
    replicaAvailable: boolean;
    testReplicaUrl: string;
    /** src/ compiled to JavaScript (test/helpers/compiled.ts): the CLI and server processes tests start */
    compiledRoot: string;
  }
}

/** Throws, or warns and returns false, when `check` fails: under CI=true the tests that need it must run. */
async function required(what: string, skipped: string, hint: string, check: () => Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    const message = `${what} (${(error as Error).message}).`;
    if (process.env.CI === 'true') throw new Error(`${message} CI=true: ${skipped} must run.`);
    process.stderr.write(`\n!!! ${message}\n!!! ${skipped} is SKIPPED. ${hint}\n\n`);
    return false;
  }
}

async function withClient(url: string, fn: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The pooler answers, in transaction mode (asked on its admin console: the tests rely on that mode). */
async function checkPgbouncer(url: string): Promise<void> {
  await withClient(url, async (client) => void (await client.query('select 1')));
  const adminConsole = new URL(url);
  adminConsole.pathname = '/pgbouncer';
  await withClient(adminConsole.toString(), async (client) => {
    const { rows } = await client.query<{ key: string; value: string }>('show config');
    const mode = rows.find((row) => row.key === 'pool_mode')?.value;
    if (mode !== 'transaction') throw new Error(`its pool_mode is ${mode}, the tests need transaction`);
  });
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const pgAvailable = await required(
    `PostgreSQL at ${url} is unreachable`,
    'The PostgreSQL half of the test suite',
    'Start it, or set TEST_DATABASE_URL.',
    () => withClient(url, async (client) => void (await client.query('select 1'))),
  );
  project.provide('pgAvailable', pgAvailable);
  project.provide('testDatabaseUrl', url);

  const pgbouncerUrl = process.env.TEST_PGBOUNCER_URL || DEFAULT_TEST_PGBOUNCER_URL;
  const pgbouncerAvailable =
    pgAvailable &&
    (await required(
      `PgBouncer at ${pgbouncerUrl} is unusable`,
      'The pooler part of the test suite ([postgres+pgbouncer] runs, test/scale/pgbouncer.test.ts)',
      'Run `bash .ci/pgbouncer.sh`, or set TEST_PGBOUNCER_URL.',
      () => checkPgbouncer(pgbouncerUrl),
    ));
  project.provide('pgbouncerAvailable', pgbouncerAvailable);
  project.provide('testPgbouncerUrl', pgbouncerUrl);

  const replicaUrl = process.env.TEST_REPLICA_URL || DEFAULT_TEST_REPLICA_URL;
  const replicaAvailable =
    pgAvailable &&
    (await required(
      `No streaming replica at ${replicaUrl}`,
      'The read-replica tests (test/scale/replicas.test.ts)',
      'Run `bash .ci/replica.sh`, or set TEST_REPLICA_URL.',
      () => checkStandby(replicaUrl),
    ));
  project.provide('replicaAvailable', replicaAvailable);
  project.provide('testReplicaUrl', replicaUrl);

  project.provide('compiledRoot', compileTestTree());
}

/** The server answers as a standby (in recovery): the replica tests pause its replay. */
async function checkStandby(url: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query('select pg_is_in_recovery() as standby');
    if (!rows[0].standby) throw new Error('it is not a standby (pg_is_in_recovery() is false)');
  });
}
