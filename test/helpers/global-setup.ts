// Is the test PostgreSQL server there? Outside CI a missing server is reported loudly and the
// PostgreSQL half of the suite is skipped; with CI=true it fails the run.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** A streaming replica of the test server (.ci/replica.sh makes it). */
export const DEFAULT_TEST_REPLICA_URL = 'postgres://postgres@127.0.0.1:5434/test';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAvailable: boolean;
    testDatabaseUrl: string;
    replicaAvailable: boolean;
    testReplicaUrl: string;
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

  const replicaUrl = process.env.TEST_REPLICA_URL || DEFAULT_TEST_REPLICA_URL;
  project.provide('testReplicaUrl', replicaUrl);
  project.provide('replicaAvailable', await isReplica(replicaUrl));
}

/** Whether `url` answers as a standby (in recovery). Missing: a failure with CI=true, else a loud skip. */
async function isReplica(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query('select pg_is_in_recovery() as standby');
    if (!rows[0].standby) throw new Error('it is not a standby (pg_is_in_recovery() is false)');
    return true;
  } catch (error) {
    const message = `No streaming replica at ${url} (${(error as Error).message}): run bash .ci/replica.sh.`;
    if (process.env.CI === 'true') throw new Error(`${message} CI=true: the read-replica tests must run.`);
    process.stderr.write(`\n!!! ${message}\n!!! The read-replica tests are SKIPPED.\n\n`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
