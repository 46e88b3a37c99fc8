// SQLite: one writer connection (serialized in-process) and one read-only reader, under WAL.
import { logSqliteQueries } from './query-log.js';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Mutex } from 'async-mutex';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as sqliteSchema from './schema/sqlite.js';
import type { AppDb, OpenDatabaseOptions, SqliteDatabase, Tables } from './database.js';

/**
 * `limit ?` and `offset ?` as `limit (? + 0)`, `offset (? + 0)`: same values, same plan. SQLite
 * (3.4x+) reads a bare bound LIMIT/OFFSET parameter when planning, so binding it marks the
 * statement expired and every execution prepares it again (12 µs of a 4 µs primary-key lookup,
 * measured on better-sqlite3's SQLite 3.53); an expression is not read at plan time. drizzle writes
 * every `.limit()` / `.offset()` as a bare parameter. The benchmark's bare reference sends the same
 * text (bench/sql.ts).
 */
export function sqliteStatementText(source: string): string {
  return source.replace(/ (limit|offset) \?(?=$|[\s)])/gi, ' $1 (? + 0)');
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
      statement = prepare(sqliteStatementText(source));
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  };
  // Same signature as prepare(); its generic parameters only type the statement's results.
  db.prepare = cachedPrepare as typeof db.prepare;
}

export function openSqlite(target: { dialect: 'sqlite'; path: string }, options: OpenDatabaseOptions): SqliteDatabase {
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

  if (options.queryLogger) for (const connection of [writer, reader]) logSqliteQueries(connection, options.queryLogger);
  cacheStatements(writer);
  cacheStatements(reader);
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
    warmUp: async () => {}, // both connections are open from the start
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
