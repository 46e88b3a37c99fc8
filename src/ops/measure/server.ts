// PostgreSQL's own statistics: sessions, connections against max_connections, cache hits, the
// transaction-ID age, pg_stat_statements' state. SQLite keeps none of them.
import { sql } from 'drizzle-orm';
import type { Database, PostgresDatabase } from '../../db/client.js';

/** Pids of this database's queries running for longer than `seconds`. */
export async function longQueries(database: PostgresDatabase, seconds: number): Promise<number[]> {
  const rows = await database.query<{ pid: number }>(sql`
    select pid from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
      and query_start < clock_timestamp() - make_interval(secs => ${seconds})`);
  return rows.map((r) => r.pid);
}

/** Pids of sessions holding a transaction open while idle. */
export async function idleInTransaction(database: PostgresDatabase): Promise<number[]> {
  const rows = await database.query<{ pid: number }>(sql`
    select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
  return rows.map((r) => r.pid);
}

/** Every backend of the server against max_connections. */
export async function serverConnections(database: PostgresDatabase): Promise<{ used: number; max: number }> {
  const [row] = await database.query<{ used: number; max: number }>(sql`
    select (select count(*)::int from pg_stat_activity) as used, current_setting('max_connections')::int as max`);
  return { used: Number(row.used), max: Number(row.max) };
}

/** This database's backends by state (`background` for those without one), most first. */
export function connectionsByState(database: PostgresDatabase): Promise<{ state: string; connections: number }[]> {
  return database.query<{ state: string; connections: number }>(sql`
    select coalesce(state, 'background') as state, count(*)::int as connections
    from pg_stat_activity
    where datname = current_database()
    group by 1
    order by 2 desc, 1`);
}

/** Share of block reads served from shared buffers, 0–1; null before any read. */
export async function cacheHitRate(database: PostgresDatabase): Promise<{ tables: number | null; indexes: number | null }> {
  const [row] = await database.query<{ tables: number | null; indexes: number | null }>(sql`
    select
      (select sum(heap_blks_hit)::float8 / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0)
         from pg_statio_user_tables where schemaname = current_schema()) as tables,
      (select sum(idx_blks_hit)::float8 / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0)
         from pg_statio_user_indexes where schemaname = current_schema()) as indexes`);
  return { tables: row.tables === null ? null : Number(row.tables), indexes: row.indexes === null ? null : Number(row.indexes) };
}

/** age(datfrozenxid) of this database: how far into the 2^31 wraparound margin it is. */
export async function transactionIdAge(database: PostgresDatabase): Promise<number> {
  const [row] = await database.query<{ age: number }>(sql`select age(datfrozenxid)::float8 as age from pg_database where datname = current_database()`);
  return Number(row.age);
}

/** This instance's pool: connections open, idle, requests waiting for one, and its ceiling. */
export function pool(database: Database): { total: number; idle: number; waiting: number; max: number } {
  const { total, idle, waiting, max } = database.poolStats();
  return { total, idle, waiting, max };
}

export interface StatementsState {
  preloaded: boolean;
  installed: boolean;
  message?: string;
}

/** Whether pg_stat_statements is loaded by the server and created in this database, and what to do otherwise. */
export async function statementsState(database: PostgresDatabase): Promise<StatementsState> {
  const [row] = await database.query<{ preloaded: boolean; installed: boolean }>(sql`
    select current_setting('shared_preload_libraries') like '%pg_stat_statements%' as preloaded,
           exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed`);
  if (row.preloaded && row.installed) return row;
  const message = row.preloaded
    ? 'pg_stat_statements is preloaded but not created in this database: run `CREATE EXTENSION pg_stat_statements;` (or the "enable" button, POST /admin/dashboard/queries/enable).'
    : "pg_stat_statements is not preloaded: set `shared_preload_libraries = 'pg_stat_statements'` (ALTER SYSTEM), restart PostgreSQL, then `CREATE EXTENSION pg_stat_statements;`.";
  return { ...row, message };
}
