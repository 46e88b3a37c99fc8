// One way to get a real database and a ready app per dialect: SQLite in a temp file, PostgreSQL
// in a fresh database on TEST_DATABASE_URL. describeEachDialect runs a suite once per dialect;
// with { pooler: true } also once as `postgres+pgbouncer`: the same PostgreSQL database, migrated
// directly, with the app connected through PgBouncer in transaction mode (TEST_PGBOUNCER_URL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { parseConfig, type Config } from '../../src/config.js';
import type { Database, Dialect } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { applyMigrations, migrationsFolder } from '../../src/db/migrate.js';
import { postgresUrlFor } from '../../src/db/url.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** A dialect, or PostgreSQL with the app behind PgBouncer (started by .ci/pgbouncer.sh). */
export type TestDialect = Dialect | 'postgres+pgbouncer';

/**
 * What the app needs behind a transaction-mode PgBouncer 1.18 (README, Scaling out): unnamed
 * statements, and no statement_timeout startup parameter (the pooler refuses it; the scratch
 * database carries the timeout instead).
 */
const PGBOUNCER_APP_ENV = { PG_NAMED_STATEMENTS: 'false', PG_STATEMENT_TIMEOUT_MS: '0' };
export const PGBOUNCER_DATABASE_STATEMENT_TIMEOUT = '15s';

function available(dialect: TestDialect): boolean {
  if (dialect === 'sqlite') return true;
  return inject('pgAvailable') && (dialect === 'postgres' || inject('pgbouncerAvailable'));
}

/** describe() once per dialect (and through PgBouncer with `pooler`); PostgreSQL runs are visibly skipped when the server is absent (never under CI). */
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void): void;
export function describeEachDialect(name: string, suite: (dialect: TestDialect) => void, options: { pooler: true }): void;
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void, options?: { pooler: true }): void {
  const dialects: TestDialect[] = options?.pooler ? [...DIALECTS, 'postgres+pgbouncer'] : DIALECTS;
  for (const dialect of dialects) {
    const run = available(dialect) ? describe : describe.skip;
    // sound: the pooler's label is passed only with { pooler: true }, whose suite takes it (2nd overload)
    run(`${name} [${dialect}]`, () => suite(dialect as Dialect));
  }
}

export interface ScratchDatabase {
  /** what the app connects to: through PgBouncer for `postgres+pgbouncer` */
  url: string;
  drop(): Promise<void>;
  /** `postgres+pgbouncer`: the database itself, for migrations and anything needing a session */
  directUrl?: string;
  /** `postgres+pgbouncer`: the settings the app needs behind the pooler (PGBOUNCER_APP_ENV) */
  env?: Record<string, string>;
}

/** An empty database of the dialect (or a copy of a PostgreSQL `template`): a temp SQLite file, or a new PostgreSQL database (reached through PgBouncer for `postgres+pgbouncer`). */
export async function createScratchDatabase(dialect: TestDialect, template?: string): Promise<ScratchDatabase> {
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
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    if (dialect === 'postgres+pgbouncer') await admin.query(`alter database ${name} set statement_timeout = '${PGBOUNCER_DATABASE_STATEMENT_TIMEOUT}'`);
  } finally {
    await admin.end();
  }
  const directUrl = postgresUrlFor(adminUrl, name);
  return {
    url: dialect === 'postgres+pgbouncer' ? postgresUrlFor(inject('testPgbouncerUrl'), name) : directUrl,
    ...(dialect === 'postgres+pgbouncer' ? { directUrl, env: PGBOUNCER_APP_ENV } : {}),
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

/**
 * A migrated copy of the dialect's template: a database (SQLite file) migrated once per set of
 * migrations and copied for each test — copying costs a fraction of applying every migration
 * (PostgreSQL: ~0.2 s against ~0.5 s; SQLite: a file copy against ~70 ms). The template's name
 * carries a hash of drizzle/<dialect>, so a changed migration gets a new template.
 */
export async function createMigratedScratchDatabase(dialect: TestDialect): Promise<ScratchDatabase> {
  const base: Dialect = dialect === 'sqlite' ? 'sqlite' : 'postgres';
  const template = await migratedTemplate(base);
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-test-'));
    fs.copyFileSync(template, path.join(dir, 'test.db'));
    return { url: `sqlite:${path.join(dir, 'test.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  return createScratchDatabase(dialect, template);
}

const templates = new Map<Dialect, Promise<string>>();

/** The migrated template of the dialect: made by the first worker that needs it (under a lock), reused by the others and by later runs. */
function migratedTemplate(dialect: Dialect): Promise<string> {
  let template = templates.get(dialect);
  if (!template) {
    template = dialect === 'sqlite' ? sqliteTemplate() : postgresTemplate();
    templates.set(dialect, template);
  }
  return template;
}

function migrationsHash(dialect: Dialect): string {
  const hash = createHash('sha256');
  const folder = migrationsFolder(dialect);
  for (const file of fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(folder, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

async function sqliteTemplate(): Promise<string> {
  const file = path.join(os.tmpdir(), `mathakine-template-${migrationsHash('sqlite')}.db`);
  if (fs.existsSync(file)) return file;
  // migrated under a private name, then renamed: a concurrent worker sees the whole file or none
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const database = openConfiguredDatabase(testConfig(`sqlite:${partial}`));
  try {
    await applyMigrations(database);
  } finally {
    await database.close();
  }
  fs.renameSync(partial, file);
  for (const leftover of ['-wal', '-shm']) fs.rmSync(`${partial}${leftover}`, { force: true });
  return file;
}

async function postgresTemplate(): Promise<string> {
  const name = `mathakine_template_${migrationsHash('postgres')}`;
  const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
  await admin.connect();
  try {
    // one maker at a time across workers (and concurrent runs); the others wait, then reuse it
    await admin.query("select pg_advisory_lock(hashtext('mathakine test template'))");
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      const partial = `${name}_partial`;
      await admin.query(`drop database if exists ${partial} with (force)`);
      await admin.query(`create database ${partial}`);
      const database = openConfiguredDatabase(testConfig(postgresUrlFor(inject('testDatabaseUrl'), partial)));
      try {
        await applyMigrations(database);
      } finally {
        await database.close();
      }
      await admin.query(`alter database ${partial} rename to ${name}`);
    }
  } finally {
    await admin.end();
  }
  return name;
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

/** The app's settings on a scratch database (its URL, the pooler's settings if any), with `overrides`. */
export function scratchConfig(scratch: ScratchDatabase, overrides: Record<string, string> = {}): Config {
  return testConfig(scratch.url, { ...scratch.env, ...overrides });
}

/** Applies the migrations on the database itself (never through the pooler: the migrator holds an advisory lock for its session). */
export async function migrateScratchDatabase(scratch: ScratchDatabase): Promise<void> {
  const migrator = openConfiguredDatabase(testConfig(scratch.directUrl ?? scratch.url));
  try {
    await applyMigrations(migrator);
  } finally {
    await migrator.close();
  }
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
    scratch = await createMigratedScratchDatabase(dialect);
    database = openConfiguredDatabase(testConfig(scratch.url, overrides));
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
export async function buildTestApp(dialect: TestDialect, overrides: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestContext> {
  const scratch = await createMigratedScratchDatabase(dialect);
  const config = scratchConfig(scratch, overrides);
  const database = openConfiguredDatabase(config);
  const app = await buildApp({ config, database, clock: options.clock });
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
