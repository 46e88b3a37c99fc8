// `GET /admin/stats` and `mathakine db stats`: what PgHero shows, as JSON (tables, index usage, unused
// and missing indexes, slowest queries, cache hits, connections); on SQLite pages, sizes, row counts
// and indexes, and a word that it keeps no usage statistics.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, PostgresDatabase, SqliteDatabase } from '../../db/client.js';
import { formatBytes, formatPercent } from '../format.js';
import { listLiveIndexes, listLiveTables, missingIndexes } from '../measure/live-indexes.js';
import { cacheHitRate, connectionsByState, pool, statementsState } from '../measure/server.js';

const nullableDate = z.date().nullable();

const missingIndexSchema = z.object({
  table_name: z.string(),
  columns: z.array(z.string()),
  index_name: z.string().nullable().describe('the name optimize gives it; null for a suggestion'),
  reason: z.string(),
});

const poolSchema = z.object({ total: z.number(), idle: z.number(), waiting: z.number(), max: z.number() });

export const postgresStatsSchema = z.object({
  dialect: z.literal('postgres'),
  database: z.object({ name: z.string(), size_bytes: z.number(), server_version: z.string(), max_connections: z.number() }),
  tables: z.array(
    z.object({
      table_name: z.string(),
      estimated_rows: z.number(),
      total_bytes: z.number(),
      table_bytes: z.number(),
      index_bytes: z.number(),
      seq_scans: z.number(),
      index_scans: z.number(),
      inserts: z.number(),
      updates: z.number(),
      deletes: z.number(),
      dead_rows: z.number(),
      last_vacuum: nullableDate,
      last_autovacuum: nullableDate,
      last_analyze: nullableDate,
      last_autoanalyze: nullableDate,
    }),
  ),
  indexes: z.array(
    z.object({
      table_name: z.string(),
      index_name: z.string(),
      scans: z.number(),
      tuples_read: z.number(),
      tuples_fetched: z.number(),
      bytes: z.number(),
      is_unique: z.boolean(),
      is_primary: z.boolean(),
      is_valid: z.boolean(),
    }),
  ),
  unused_indexes: z.array(z.object({ table_name: z.string(), index_name: z.string(), bytes: z.number() })),
  missing_indexes: z.array(missingIndexSchema),
  slow_queries: z.object({
    available: z.boolean(),
    message: z.string().optional(),
    queries: z.array(z.object({ query: z.string(), calls: z.number(), total_ms: z.number(), mean_ms: z.number(), rows: z.number() })),
  }),
  cache_hit_rate: z.object({
    tables: z.number().nullable().describe('share of table block reads served from shared buffers, 0–1; null before any read'),
    indexes: z.number().nullable(),
  }),
  connections: z.object({
    by_state: z.array(z.object({ state: z.string(), connections: z.number() })),
    pool: poolSchema,
  }),
});

export const sqliteStatsSchema = z.object({
  dialect: z.literal('sqlite'),
  database: z.object({
    path: z.string(),
    file_bytes: z.number(),
    wal_bytes: z.number(),
    page_size: z.number(),
    page_count: z.number(),
    freelist_pages: z.number(),
    journal_mode: z.string(),
    sqlite_version: z.string(),
  }),
  dbstat_available: z.boolean(),
  tables: z.array(z.object({ table_name: z.string(), rows: z.number(), bytes: z.number().nullable(), pages: z.number().nullable() })),
  indexes: z.array(
    z.object({
      table_name: z.string(),
      index_name: z.string(),
      columns: z.array(z.string().nullable()),
      is_unique: z.boolean(),
      bytes: z.number().nullable(),
    }),
  ),
  missing_indexes: z.array(missingIndexSchema),
  connections: z.object({ pool: poolSchema }),
  notes: z.array(z.string()),
});

export const statsReportSchema = z.discriminatedUnion('dialect', [postgresStatsSchema, sqliteStatsSchema]);
export type StatsReport = z.infer<typeof statsReportSchema>;
export type PostgresStats = z.infer<typeof postgresStatsSchema>;
export type SqliteStats = z.infer<typeof sqliteStatsSchema>;

export async function databaseStats(database: Database): Promise<StatsReport> {
  return database.dialect === 'postgres' ? postgresStats(database) : sqliteStats(database);
}

async function recommendedButMissing(database: Database) {
  const missing = missingIndexes(await listLiveIndexes(database), await listLiveTables(database));
  return missing.map((m) => ({
    table_name: m.table,
    columns: m.columns,
    index_name: m.name,
    reason: m.reason === 'schema' ? 'declared in the schema but missing: run optimize' : 'unindexed foreign key: run optimize',
  }));
}

// ---- PostgreSQL -------------------------------------------------------------------------------

const PG_DATABASE_SQL = sql`
  select current_database() as name, pg_database_size(current_database())::float8 as size_bytes,
         current_setting('server_version') as server_version, current_setting('max_connections')::int as max_connections,
         current_setting('server_version_num')::int as version_num`;

const PG_TABLES_SQL = sql`
  select s.relname as table_name, s.n_live_tup::float8 as estimated_rows,
         pg_total_relation_size(s.relid)::float8 as total_bytes, pg_relation_size(s.relid)::float8 as table_bytes,
         pg_indexes_size(s.relid)::float8 as index_bytes,
         s.seq_scan::float8 as seq_scans, coalesce(s.idx_scan, 0)::float8 as index_scans,
         s.n_tup_ins::float8 as inserts, s.n_tup_upd::float8 as updates, s.n_tup_del::float8 as deletes,
         s.n_dead_tup::float8 as dead_rows,
         s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
  from pg_stat_user_tables s
  where s.schemaname = current_schema()
  order by pg_total_relation_size(s.relid) desc, s.relname`;

const PG_INDEX_USAGE_SQL = sql`
  select s.relname as table_name, s.indexrelname as index_name, s.idx_scan::float8 as scans,
         s.idx_tup_read::float8 as tuples_read, s.idx_tup_fetch::float8 as tuples_fetched,
         pg_relation_size(s.indexrelid)::float8 as bytes,
         i.indisunique as is_unique, i.indisprimary as is_primary, i.indisvalid as is_valid
  from pg_stat_user_indexes s
  join pg_index i on i.indexrelid = s.indexrelid
  where s.schemaname = current_schema()
  order by s.idx_scan desc, s.relname, s.indexrelname`;

// PgHero's rule: a table read mostly by sequential scans once it is big enough to matter.
const SEQ_SCAN_MIN_ROWS = 10_000;
const PG_SEQ_SCAN_HEAVY_SQL = sql`
  select relname as table_name, seq_scan::float8 as seq_scans, coalesce(idx_scan, 0)::float8 as index_scans,
         n_live_tup::float8 as estimated_rows
  from pg_stat_user_tables
  where schemaname = current_schema() and n_live_tup >= ${SEQ_SCAN_MIN_ROWS} and seq_scan > 0
    and coalesce(idx_scan, 0) * 100 < (seq_scan + coalesce(idx_scan, 0)) * 95
  order by seq_scan desc`;

// Column names changed in PostgreSQL 13 (total_time → total_exec_time).
const pgSlowQueriesSql = (versionNum: number) => {
  const total = sql.raw(versionNum >= 130000 ? 'total_exec_time' : 'total_time');
  const mean = sql.raw(versionNum >= 130000 ? 'mean_exec_time' : 'mean_time');
  return sql`
    select query, calls::float8 as calls, ${total}::float8 as total_ms, ${mean}::float8 as mean_ms, rows::float8 as rows
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
    order by ${total} desc
    limit 10`;
};

// drizzle's node-postgres driver hands timestamps over as text (and bigint as text: the queries
// cast figures to float8, exact up to 2^53).
type PgTableRow = Omit<PostgresStats['tables'][number], 'last_vacuum' | 'last_autovacuum' | 'last_analyze' | 'last_autoanalyze'> &
  Record<'last_vacuum' | 'last_autovacuum' | 'last_analyze' | 'last_autoanalyze', string | Date | null>;
const toDate = (value: string | Date | null) => (value === null ? null : new Date(value));

async function postgresStats(database: PostgresDatabase): Promise<PostgresStats> {
  const [info] = await database.query<{
    name: string;
    size_bytes: number;
    server_version: string;
    max_connections: number;
    version_num: number;
  }>(PG_DATABASE_SQL);
  const tables = (await database.query<PgTableRow>(PG_TABLES_SQL)).map((t) => ({
    ...t,
    last_vacuum: toDate(t.last_vacuum),
    last_autovacuum: toDate(t.last_autovacuum),
    last_analyze: toDate(t.last_analyze),
    last_autoanalyze: toDate(t.last_autoanalyze),
  }));
  const indexes = await database.query<PostgresStats['indexes'][number]>(PG_INDEX_USAGE_SQL);
  const seqHeavy = await database.query<{ table_name: string; seq_scans: number; index_scans: number; estimated_rows: number }>(PG_SEQ_SCAN_HEAVY_SQL);
  const cache = await cacheHitRate(database);
  const byState = await connectionsByState(database);

  return {
    dialect: 'postgres',
    database: { name: info.name, size_bytes: info.size_bytes, server_version: info.server_version, max_connections: info.max_connections },
    tables,
    indexes,
    unused_indexes: indexes
      .filter((i) => i.scans === 0 && !i.is_unique && !i.is_primary)
      .map((i) => ({ table_name: i.table_name, index_name: i.index_name, bytes: i.bytes })),
    missing_indexes: [
      ...(await recommendedButMissing(database)),
      ...seqHeavy.map((t) => ({
        table_name: t.table_name,
        columns: [],
        index_name: null,
        reason: `${t.seq_scans} sequential scans vs ${t.index_scans} index scans on ~${t.estimated_rows} rows: look for a filter column to index`,
      })),
    ],
    slow_queries: await slowQueries(database, info.version_num),
    cache_hit_rate: { tables: cache.tables, indexes: cache.indexes },
    connections: { by_state: byState, pool: pool(database) },
  };
}

async function slowQueries(database: PostgresDatabase, versionNum: number): Promise<PostgresStats['slow_queries']> {
  const state = await statementsState(database);
  if (!state.preloaded || !state.installed) return { available: false, message: state.message, queries: [] };
  const queries = await database.query<PostgresStats['slow_queries']['queries'][number]>(pgSlowQueriesSql(versionNum));
  return { available: true, queries };
}

// ---- SQLite -----------------------------------------------------------------------------------

const SQLITE_PRAGMAS_SQL = sql`
  select (select page_size from pragma_page_size) as page_size,
         (select page_count from pragma_page_count) as page_count,
         (select freelist_count from pragma_freelist_count) as freelist_pages,
         (select journal_mode from pragma_journal_mode) as journal_mode,
         sqlite_version() as sqlite_version`;

// dbstat is an optional virtual table (SQLITE_ENABLE_DBSTAT_VTAB); better-sqlite3 builds it in.
const SQLITE_DBSTAT_SQL = sql`select name, sum(pgsize) as bytes, count(*) as pages from dbstat group by name`;

const SQLITE_NOTES = [
  'SQLite keeps no per-table activity, index usage, query timing or cache statistics: unused indexes, slowest queries and cache hit rates are PostgreSQL-only.',
  'Row counts are exact (count(*)); sizes come from the dbstat virtual table when it is available.',
];

async function sqliteStats(database: SqliteDatabase): Promise<SqliteStats> {
  const file = path.resolve(database.target.path);
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const [pragmas] = await database.query<{
    page_size: number;
    page_count: number;
    freelist_pages: number;
    journal_mode: string;
    sqlite_version: string;
  }>(SQLITE_PRAGMAS_SQL);

  let usage: Map<string, { bytes: number; pages: number }> | null = null;
  try {
    const rows = await database.query<{ name: string; bytes: number; pages: number }>(SQLITE_DBSTAT_SQL);
    usage = new Map(rows.map((r) => [r.name, { bytes: r.bytes, pages: r.pages }]));
  } catch {
    usage = null; // built without dbstat
  }

  const tables: SqliteStats['tables'] = [];
  for (const table of await listLiveTables(database)) {
    const [row] = await database.query<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`);
    const used = usage?.get(table);
    tables.push({ table_name: table, rows: row.n, bytes: usage ? (used?.bytes ?? 0) : null, pages: usage ? (used?.pages ?? 0) : null });
  }
  const indexes = (await listLiveIndexes(database)).map((i) => ({
    table_name: i.table,
    index_name: i.name,
    columns: i.columns,
    is_unique: i.unique,
    bytes: usage ? (usage.get(i.name)?.bytes ?? 0) : null,
  }));

  return {
    dialect: 'sqlite',
    database: {
      path: file,
      file_bytes: size(file),
      wal_bytes: size(`${file}-wal`),
      ...pragmas,
    },
    dbstat_available: usage !== null,
    tables,
    indexes,
    missing_indexes: await recommendedButMissing(database),
    connections: { pool: pool(database) },
    notes: SQLITE_NOTES,
  };
}

/** The report for people (the CLI without --json). */
export function formatStats(r: StatsReport): string {
  if (r.dialect === 'postgres') {
    const table = (t: (typeof r.tables)[number]) =>
      `  ${t.table_name.padEnd(26)} ${String(t.estimated_rows).padStart(9)} ${formatBytes(t.total_bytes).padStart(9)}` +
      `  ${t.seq_scans}/${t.index_scans}  ${t.inserts}/${t.updates}/${t.deletes}`;
    const query = (q: (typeof r.slow_queries.queries)[number]) =>
      `  ${Math.round(q.total_ms)}  ${q.calls}  ${q.mean_ms.toFixed(1)}  ${q.query.replace(/\s+/g, ' ').slice(0, 100)}`;
    return [
      `PostgreSQL ${r.database.server_version}, database ${r.database.name}: ${formatBytes(r.database.size_bytes)}`,
      '',
      'tables (estimated rows, total size, seq/index scans, ins/upd/del):',
      ...r.tables.map(table),
      '',
      `unused indexes: ${r.unused_indexes.map((i) => i.index_name).join(', ') || 'none'}`,
      `missing indexes: ${r.missing_indexes.map((i) => `${i.table_name}(${i.columns.join(', ')}) ${i.reason}`).join('; ') || 'none'}`,
      `cache hit rate: tables ${formatPercent(r.cache_hit_rate.tables)}, indexes ${formatPercent(r.cache_hit_rate.indexes)}`,
      `connections: ${r.connections.by_state.map((c) => `${c.state} ${c.connections}`).join(', ')} (max ${r.database.max_connections})`,
      '',
      ...(r.slow_queries.available
        ? ['slowest queries (total ms, calls, mean ms):', ...r.slow_queries.queries.map(query)]
        : [`slowest queries: unavailable. ${r.slow_queries.message}`]),
    ].join('\n');
  }
  const { database } = r;
  return [
    `SQLite ${database.sqlite_version}, ${database.path}: ${formatBytes(database.file_bytes)} (+ WAL ${formatBytes(database.wal_bytes)}),` +
      ` ${database.page_count} pages of ${database.page_size} bytes, ${database.freelist_pages} free`,
    '',
    'tables (rows, size):',
    ...r.tables.map((t) => `  ${t.table_name.padEnd(26)} ${String(t.rows).padStart(9)} ${t.bytes === null ? '' : formatBytes(t.bytes).padStart(9)}`),
    '',
    `indexes: ${r.indexes.length}; missing: ${r.missing_indexes.map((i) => i.index_name).join(', ') || 'none'}`,
    ...r.notes,
  ].join('\n');
}
