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
import { logPostgresQueries, logSqliteQueries, type QueryLogger } from './query-log.js';

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
  /** DB_LOG_QUERIES: every statement and its duration to this logger (src/db/query-log.ts) */
  queryLogger?: QueryLogger;
  sqliteBusyTimeoutMs?: number;
  pool?: {
    max?: number;
    idleTimeoutMillis?: number;
    connectionTimeoutMillis?: number;
    maxLifetimeSeconds?: number;
    statementTimeoutMs?: number;
    applicationName?: string;
    /** Prepared queries as named (server-side) statements; default true. See src/db/prepared.ts. */
    namedStatements?: boolean;
  };
}

/** drizzle instances whose prepared queries must stay unnamed (PG_NAMED_STATEMENTS=false). */
const unnamedStatementDbs = new WeakSet<object>();

/** The name a prepared query runs under on this drizzle instance: undefined sends it unnamed. */
export function statementName(db: AppDb, name: string): string | undefined {
  return unnamedStatementDbs.has(db) ? undefined : name;
}

export function openDatabase(urlOrTarget: string | DatabaseTarget, options: OpenDatabaseOptions = {}): Database {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  if (!target) throw new Error(`Not a database URL: ${String(urlOrTarget)}`);
  return target.dialect === 'sqlite' ? openSqlite(target, options) : openPostgres(target, options);
}

/** An error the error plugin classifies as 'unavailable' (503): the database did not answer in time. */
function timeoutError(message: string) {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * drizzle prepares every statement again each time it runs; on a cheap read, preparing is about
 * a tenth of the request. This keeps the last `size` statements of a connection, by SQL text.
 * A statement handed out again has the modes drizzle may have set (raw) switched back off.
 */
function cacheStatements(db: BetterSqlite3.Database, size = 500): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cachedPrepare = (source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source); // most recently used goes last
      if (statement.reader) statement.raw(false).pluck(false).expand(false);
    } else {
      statement = prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  };
  // Same signature as prepare(); its generic parameters only type the statement's results.
  db.prepare = cachedPrepare as typeof db.prepare;
}

function openSqlite(target: { dialect: 'sqlite'; path: string }, options: OpenDatabaseOptions): SqliteDatabase {
  const file = path.resolve(target.path);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const busyTimeout = options.sqliteBusyTimeoutMs ?? 5000;

  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');
  // 0 on the writer: a transaction's BEGIN IMMEDIATE waits for the lock without blocking the
  // event loop (beginImmediate below); withWriter() gives other work the busy timeout back.
  writer.pragma('busy_timeout = 0');
  // A second, read-only connection: under WAL it sees only committed data, so a reader never
  // observes the half-done work of a transaction that is waiting on an await.
  const reader = new BetterSqlite3(file, { readonly: true });
  reader.pragma(`busy_timeout = ${busyTimeout}`);

  cacheStatements(writer);
  cacheStatements(reader);
  if (options.queryLogger) for (const connection of [writer, reader]) logSqliteQueries(connection, options.queryLogger);
  const writeDb = drizzleSqlite({ client: writer, schema: sqliteSchema });
  const readDb = drizzleSqlite({ client: reader, schema: sqliteSchema });
  const writeLock = new Mutex();
  let waitingWriters = 0;
  let closed = false;

  // See the header comment: the SQLite builder and tables stand in for the PostgreSQL ones.
  const asAppDb = (db: BetterSQLite3Database<typeof sqliteSchema>) => db as unknown as AppDb;
  const tables = sqliteSchema as unknown as Tables;

  // Waiting for the writer is bounded like waiting for a lock inside SQLite (busy_timeout), so a
  // stuck transaction makes the others answer 503 instead of hanging (the PostgreSQL pool's
  // connectionTimeoutMillis plays the same part there).
  const busyError = () => Object.assign(new Error(`the SQLite writer stayed busy for ${busyTimeout} ms`), { code: 'SQLITE_BUSY' });
  const acquireWriter = async (deadline: number) => {
    if (!writeLock.isLocked()) return writeLock.acquire(); // free: no deadline to watch
    let timer: NodeJS.Timeout | undefined;
    const acquired = writeLock.acquire();
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(deadline - Date.now(), 1));
    });
    const first = await Promise.race([acquired, timedOut]).finally(() => clearTimeout(timer));
    if (first !== 'timeout') return first;
    // Give the lock back as soon as it comes, since nobody is waiting for it any more.
    void acquired.then((release) => release());
    throw busyError();
  };

  const runAsWriter = async <T>(deadline: number, fn: () => T | Promise<T>): Promise<T> => {
    waitingWriters++;
    const release = await acquireWriter(deadline).finally(() => waitingWriters--);
    try {
      if (closed) throw new Error('database is closed');
      return await fn();
    } finally {
      release();
    }
  };
  const withWriter: SqliteDatabase['withWriter'] = (fn) =>
    runAsWriter(Date.now() + busyTimeout, async () => {
      writer.pragma(`busy_timeout = ${busyTimeout}`);
      try {
        return await fn(writer, writeDb);
      } finally {
        if (!closed && writer.open) writer.pragma('busy_timeout = 0');
      }
    });

  // BEGIN IMMEDIATE takes SQLite's write lock. When another process holds it, better-sqlite3's
  // busy handler would block the whole event loop (every request) for up to busy_timeout; this
  // retries without blocking instead, until the same deadline. Once the lock is held, nothing
  // else in the transaction waits on a lock (WAL: readers never block the writer).
  const beginImmediate = async (deadline: number) => {
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        writer.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? error.code : undefined;
        if (code !== 'SQLITE_BUSY' || Date.now() + pause > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };

  return {
    dialect: 'sqlite',
    target,
    db: asAppDb(readDb),
    tables,
    reader,
    withWriter,
    transaction: (fn) => {
      const deadline = Date.now() + busyTimeout;
      return runAsWriter(deadline, async () => {
        await beginImmediate(deadline);
        try {
          const result = await fn(asAppDb(writeDb));
          writer.exec('COMMIT');
          return result;
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK');
          throw error;
        }
      });
    },
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

// count(*) is bigint and avg() numeric in PostgreSQL; our figures fit a JS number. This applies to
// queries sent through pool.query only: drizzle's session passes pg's global parsers per query, so
// drizzle results keep them as text unless the query maps them (count(), .mapWith(Number)).
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
  // pg-pool listens for errors on idle clients only. A checked-out client (a transaction between
  // two queries) that loses its connection would emit an 'error' nobody handles, which kills the
  // process. With this listener the loss reaches the transaction through its next query (a 503).
  pool.on('connect', (client) => client.on('error', () => {}));
  if (options.queryLogger) logPostgresQueries(pool, options.queryLogger);

  const named = settings.namedStatements ?? true;
  const pgDb = drizzlePg({ client: pool, schema: pgSchema });
  if (!named) unnamedStatementDbs.add(pgDb);
  // One drizzle instance per pooled connection, made at its first transaction (making one costs
  // about 0.3 ms: too much for every request).
  const transactionDbs = new WeakMap<pg.PoolClient, NodePgDatabase<typeof pgSchema>>();
  const drizzleOn = (client: pg.PoolClient) => {
    let db = transactionDbs.get(client);
    if (!db) {
      transactionDbs.set(client, (db = drizzlePg({ client, schema: pgSchema })));
      if (!named) unnamedStatementDbs.add(db);
    }
    return db;
  };
  let closed = false;

  return {
    dialect: 'postgres',
    target,
    db: pgDb,
    pgDb,
    tables: pgSchema,
    pool,
    transaction: async (fn) => {
      // Not drizzle's pgDb.transaction(): when its BEGIN fails (the pooled connection turned out
      // to be dead) it never releases the client, and after a database outage the pool fills
      // with dead clients until the process restarts.
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('begin');
        const result = await fn(drizzleOn(client));
        await client.query('commit');
        return result;
      } catch (error) {
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          broken = rollbackError; // the connection is unusable: the pool must drop it
        }
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
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

