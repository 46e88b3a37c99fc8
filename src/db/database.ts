// The Database object, on both dialects (types only; openDatabase is in client.ts). It is typed with
// PostgreSQL's builder and tables: the SQLite cast in openSqlite() is sound while services stay off
// dialect-only calls (`execute`, `for`, `ilike`); raw SQL goes through `query()`.
import type { QueryLogger } from './query-log.js';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type * as pgSchema from './schema/pg.js';
import type * as sqliteSchema from './schema/sqlite.js';
import type { DatabaseTarget } from './url.js';
import type { ReplicaSet } from './replicas.js';

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
  /** Opens the pool's floor of connections (PG_POOL_MIN) and keeps it there; nothing on SQLite. */
  warmUp(): Promise<void>;
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
  /** DATABASE_DIRECT_URL: the database itself when `target` is a pooler (for session-level work) */
  readonly directUrl: string | null;
  /** DATABASE_REPLICA_URLS, when set: where reads may go (src/db/read-routing.ts) */
  readonly replicas: ReplicaSet<AppDb> | null;
}

export type Database = SqliteDatabase | PostgresDatabase;

export interface OpenDatabaseOptions {
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** DB_LOG_QUERIES: every statement and its duration to this logger (src/db/query-log.ts) */
  queryLogger?: QueryLogger;
  sqliteBusyTimeoutMs?: number;
  pool?: {
    max?: number;
    /** connections kept open when idle, opened by warmUp() */
    min?: number;
    idleTimeoutMillis?: number;
    connectionTimeoutMillis?: number;
    maxLifetimeSeconds?: number;
    statementTimeoutMs?: number;
    applicationName?: string;
    /** Prepared queries as named (server-side) statements; default true. See src/db/prepared.ts. */
    namedStatements?: boolean;
  };
  /** PostgreSQL: the database's own URL when the target is a pooler (DATABASE_DIRECT_URL) */
  directUrl?: string;
  /** PostgreSQL read replicas (src/db/replicas.ts) */
  replicas?: { urls: string[]; maxLagSeconds: number; checkIntervalMs: number };
}
