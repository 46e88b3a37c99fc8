// One way to get a real database and a ready app per dialect: SQLite in a temp file, PostgreSQL
// in a fresh database on TEST_DATABASE_URL. describeEachDialect runs a suite once per dialect.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import type { Database, Dialect } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { postgresUrlFor } from '../../src/db/url.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** describe() once per dialect; the PostgreSQL one is visibly skipped when the server is absent (never under CI). */
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void) {
  for (const dialect of DIALECTS) {
    const run = dialect === 'sqlite' || inject('pgAvailable') ? describe : describe.skip;
    run(`${name} [${dialect}]`, () => suite(dialect));
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database of the dialect: a temp SQLite file, or a new PostgreSQL database. */
export async function createScratchDatabase(dialect: Dialect): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-test-'));
    return {
      url: `sqlite:${path.join(dir, 'test.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = inject('testDatabaseUrl');
  const name = `mathakine_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: postgresUrlFor(adminUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function testConfig(url: string, overrides: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256!',
    PG_POOL_MAX: '10',
    SEED_ON_START: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...overrides,
  });
}

/**
 * For suites that need a fresh migrated database in each test: call the returned `open()` in the
 * test; the database is closed and dropped after it.
 */
export function useDatabasePerTest(dialect: Dialect): (overrides?: Record<string, string>) => Promise<Database> {
  let scratch: ScratchDatabase | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    await scratch?.drop();
    database = scratch = undefined;
  });
  return async (overrides = {}) => {
    scratch = await createScratchDatabase(dialect);
    database = openConfiguredDatabase(testConfig(scratch.url, overrides));
    await applyMigrations(database);
    return database;
  };
}

export interface TestContext {
  app: App;
  database: Database;
  config: Config;
  url: string;
  close(): Promise<void>;
}

/** A migrated scratch database and an app on it. close() closes the app and drops the database. */
export async function buildTestApp(dialect: Dialect, overrides: Record<string, string> = {}): Promise<TestContext> {
  const scratch = await createScratchDatabase(dialect);
  const config = testConfig(scratch.url, overrides);
  const database = openConfiguredDatabase(config);
  await applyMigrations(database);
  const app = await buildApp({ config, database });
  await app.ready();
  return {
    app,
    database,
    config,
    url: scratch.url,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}
