// openDatabase(): one object that services use on both dialects.
//
// Services are written once against the PostgreSQL flavour of drizzle's query builder (`AppDb`)
// and the PostgreSQL table objects (`Tables`). On SQLite the same calls are made on drizzle's
// better-sqlite3 builder with the SQLite tables: the builder API we use (select/insert/update/
// delete, returning, onConflict…, operators from drizzle-orm) is the same on both, so the cast
// in openSqlite() is sound as long as services stay off dialect-only calls (`execute`, `for`,
// `ilike`). Raw SQL goes through `query()` here, or lives in db/, modules/admin and ops/.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Mutex } from 'async-mutex';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg, type NodePgDatabase, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import * as pgSchema from './schema/pg.js';
import * as sqliteSchema from './schema/sqlite.js';
import { parseDatabaseUrl, type DatabaseTarget } from './url.js';

export type Tables = typeof pgSchema;
export type AppDb = PgDatabase<NodePgQueryResultHKT, Tables>;
export type Dialect = 'sqlite' | 'postgres';

export interface PoolStats {
  dialect: Dialect;
  /** open connections (PostgreSQL) or 2 (SQLite: one writer, one reader) */
  total: number;
  idle: number;
  /** requests waiting for a connection (PostgreSQL) or for the writer (SQLite) */
  waiting: number;
  max: number;
}

interface DatabaseBase {
  readonly dialect: Dialect;
  readonly target: DatabaseTarget;
  /** For reads. On SQLite this connection is read-only: every write goes through transaction(). */
  readonly db: AppDb;
  readonly tables: Tables;
  /**
   * Runs `fn` in one transaction and commits when its promise resolves, rolls back when it
   * rejects. On SQLite write transactions are serialized in-process (BEGIN IMMEDIATE on the one
   * writer connection), so two async transactions never interleave. Do not nest.
   */
  transaction<T>(fn: (tx: AppDb) => Promise<T>): Promise<T>;
  /** Raw SQL returning rows, for db/, admin and ops code. */
  query<T = Record<string, unknown>>(statement: SQL, options?: { write?: boolean }): Promise<T[]>;
  /** One cheap round trip; rejects after `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface SqliteDatabase extends DatabaseBase {
  readonly dialect: 'sqlite';
  readonly target: { dialect: 'sqlite'; path: string };
  /** The one connection that writes; use only under `withWriter` (it holds the write lock). */
  withWriter<T>(fn: (writer: BetterSqlite3.Database, writeDb: BetterSQLite3Database<typeof sqliteSchema>) => T | Promise<T>): Promise<T>;
  readonly reader: BetterSqlite3.Database;
}

export interface PostgresDatabase extends DatabaseBase {
  readonly dialect: 'postgres';
  readonly target: { dialect: 'postgres'; url: string };
  readonly pool: pg.Pool;
  readonly pgDb: NodePgDatabase<typeof pgSchema>;
}

export type Database = SqliteDatabase | PostgresDatabase;

export interface OpenDatabaseOptions {
  logger?: Pick<Logger, 'warn' | 'error'>;
  sqliteBusyTimeoutMs?: number;
  pool?: {
    max?: number;
    idleTimeoutMillis?: number;
    connectionTimeoutMillis?: number;
    maxLifetimeSeconds?: number;
    statementTimeoutMs?: number;
    applicationName?: string;
  };
}

export function openDatabase(urlOrTarget: string | DatabaseTarget, options: OpenDatabaseOptions = {}): Database {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  if (!target) throw new Error(`Not a database URL: ${String(urlOrTarget)}`);
  return target.dialect === 'sqlite' ? openSqlite(target, options) : openPostgres(target, options);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function openSqlite(target: { dialect: 'sqlite'; path: string }, options: OpenDatabaseOptions): SqliteDatabase {
  const file = path.resolve(target.path);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const busyTimeout = options.sqliteBusyTimeoutMs ?? 5000;

  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');
  writer.pragma(`busy_timeout = ${busyTimeout}`);
  // A second, read-only connection: under WAL it sees only committed data, so a reader never
  // observes the half-done work of a transaction that is waiting on an await.
  const reader = new BetterSqlite3(file, { readonly: true });
  reader.pragma(`busy_timeout = ${busyTimeout}`);

  const writeDb = drizzleSqlite({ client: writer, schema: sqliteSchema });
  const readDb = drizzleSqlite({ client: reader, schema: sqliteSchema });
  const writeLock = new Mutex();
  let waitingWriters = 0;
  let closed = false;

  // See the header comment: the SQLite builder and tables stand in for the PostgreSQL ones.
  const asAppDb = (db: BetterSQLite3Database<typeof sqliteSchema>) => db as unknown as AppDb;
  const tables = sqliteSchema as unknown as Tables;

  const withWriter: SqliteDatabase['withWriter'] = async (fn) => {
    waitingWriters++;
    const release = await writeLock.acquire();
    waitingWriters--;
    try {
      if (closed) throw new Error('database is closed');
      return await fn(writer, writeDb);
    } finally {
      release();
    }
  };

  return {
    dialect: 'sqlite',
    target,
    db: asAppDb(readDb),
    tables,
    reader,
    withWriter,
    transaction: (fn) =>
      withWriter(async () => {
        writer.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(asAppDb(writeDb));
          writer.exec('COMMIT');
          return result;
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK');
          throw error;
        }
      }),
    async query<T>(statement: SQL, queryOptions?: { write?: boolean }) {
      if (queryOptions?.write) return withWriter(() => writeDb.all(statement) as T[]);
      return readDb.all(statement) as T[];
    },
    async ping() {
      reader.prepare('select 1').get();
    },
    poolStats: () => ({ dialect: 'sqlite', total: 2, idle: writeLock.isLocked() ? 1 : 2, waiting: waitingWriters, max: 2 }),
    async close() {
      if (closed) return;
      // Wait for the transaction in progress, then close both connections.
      await writeLock.runExclusive(() => {
        closed = true;
        reader.close();
        writer.close();
      });
    },
  };
}

/** pg's `ssl` option from the URL's sslmode, as libpq reads it: `require` encrypts, `verify-*` also checks the certificate. */
export function postgresConnectionConfig(url: string): { connectionString: string; ssl: pg.ClientConfig['ssl'] } {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get('sslmode') ?? (parsed.searchParams.get('ssl') === 'true' ? 'require' : 'disable');
  parsed.searchParams.delete('sslmode');
  parsed.searchParams.delete('ssl');
  const ssl = mode === 'disable' || mode === 'allow' ? false : { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
  return { connectionString: parsed.toString(), ssl };
}

// count(*) is bigint and avg() numeric in PostgreSQL; our figures fit a JS number.
const NUMBER_TYPE_IDS = new Set([20, 1700]);
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    NUMBER_TYPE_IDS.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function openPostgres(target: { dialect: 'postgres'; url: string }, options: OpenDatabaseOptions): PostgresDatabase {
  const settings = options.pool ?? {};
  const statementTimeout = settings.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    ...postgresConnectionConfig(target.url),
    max: settings.max ?? 30,
    idleTimeoutMillis: settings.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: settings.connectionTimeoutMillis ?? 5_000,
    maxLifetimeSeconds: settings.maxLifetimeSeconds ?? 300,
    application_name: settings.applicationName ?? 'mathakine-api',
    statement_timeout: statementTimeout || undefined,
    // the client gives up a little after the server would, so a vanished server never hangs a request
    query_timeout: statementTimeout ? statementTimeout + 2_000 : undefined,
    keepAlive: true,
    types: pgTypes,
  });
  // An idle client whose server went away errors on the pool; pg drops it. Log, never crash.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection lost'));

  const pgDb = drizzlePg({ client: pool, schema: pgSchema });
  let closed = false;

  return {
    dialect: 'postgres',
    target,
    db: pgDb,
    pgDb,
    tables: pgSchema,
    pool,
    transaction: (fn) => pgDb.transaction((tx) => fn(tx)),
    async query<T>(statement: SQL) {
      const result = await pgDb.execute(statement);
      return result.rows as T[];
    },
    async ping(timeoutMs = 2_000) {
      await withTimeout(pool.query('select 1'), timeoutMs, 'database ping');
    },
    poolStats: () => ({
      dialect: 'postgres',
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max,
    }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

