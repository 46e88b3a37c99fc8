// What a live database has, asked of its own catalogue: tables, columns, indexes, sequences, the
// legacy import area and sizes. One object per dialect behind one interface, so the measurements,
// the importer and the migration tests never write catalogue SQL of their own.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, PostgresDatabase, SqliteDatabase } from './client.js';
import { SQLITE_USER_TABLES_SQL } from './identifiers.js';

export interface LiveColumn {
  table: string;
  name: string;
  notNull: boolean;
}

/** An index (primary keys left out) with its key columns in key order: an expression key is null. */
export interface LiveIndex {
  name: string;
  table: string;
  columns: (string | null)[];
  unique: boolean;
  /** false for a PostgreSQL index a failed CREATE INDEX CONCURRENTLY left behind */
  valid: boolean;
  /** made by a UNIQUE constraint rather than CREATE INDEX (SQLite's sqlite_autoindex_*) */
  implicit: boolean;
}

export interface LiveSequence {
  name: string;
  /** how far along its range, 0–1 */
  used: number;
}

export interface Catalogue {
  /** the app's schema: current_schema() on PostgreSQL, the main file on SQLite */
  tables(): Promise<string[]>;
  columns(): Promise<LiveColumn[]>;
  indexes(): Promise<LiveIndex[]>;
  /** identity and serial sequences (PostgreSQL), AUTOINCREMENT counters (SQLite) */
  sequences(): Promise<LiveSequence[]>;
  /** tables of the importer's legacy area: schema `legacy` (PostgreSQL) or `legacy_*` tables (SQLite) */
  legacyTables(): Promise<string[]>;
  /** the database's bytes on disk: pg_database_size, or the SQLite file with its WAL and shared memory */
  sizeBytes(): Promise<number>;
}

export function catalogueOf(database: Database): Catalogue {
  return database.dialect === 'postgres' ? postgresCatalogue(database) : sqliteCatalogue(database);
}

// Key columns in key order; an expression key has no attribute (attnum 0) and comes out null.
const PG_INDEXES_SQL = sql`
  select t.relname as table_name, i.relname as index_name, ix.indisunique as is_unique, ix.indisvalid as is_valid,
    array(
      select a.attname::text
      from unnest(ix.indkey) with ordinality as k(attnum, ord)
      left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
      order by k.ord
    ) as columns
  from pg_index ix
  join pg_class i on i.oid = ix.indexrelid
  join pg_class t on t.oid = ix.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = current_schema() and not ix.indisprimary
  order by t.relname, i.relname`;

function postgresCatalogue(database: PostgresDatabase): Catalogue {
  return {
    async tables() {
      const rows = await database.query<{ tablename: string }>(sql`select tablename from pg_tables where schemaname = current_schema() order by tablename`);
      return rows.map((r) => r.tablename);
    },
    async columns() {
      const rows = await database.query<{ table_name: string; column_name: string; is_nullable: string }>(sql`
        select table_name, column_name, is_nullable from information_schema.columns
        where table_schema = current_schema() order by table_name, ordinal_position`);
      return rows.map((r) => ({ table: r.table_name, name: r.column_name, notNull: r.is_nullable === 'NO' }));
    },
    async indexes() {
      const rows = await database.query<{ table_name: string; index_name: string; is_unique: boolean; is_valid: boolean; columns: (string | null)[] }>(
        PG_INDEXES_SQL,
      );
      return rows.map((r) => ({ name: r.index_name, table: r.table_name, columns: r.columns, unique: r.is_unique, valid: r.is_valid, implicit: false }));
    },
    async sequences() {
      const rows = await database.query<{ name: string; used: number }>(sql`
        select sequencename as name, (coalesce(last_value, start_value)::float8 / max_value::float8) as used
        from pg_sequences where schemaname = current_schema() order by 2 desc`);
      return rows.map((r) => ({ name: r.name, used: Number(r.used) }));
    },
    async legacyTables() {
      const rows = await database.query<{ tablename: string }>(sql`select tablename from pg_tables where schemaname = 'legacy' order by tablename`);
      return rows.map((r) => r.tablename);
    },
    async sizeBytes() {
      const [row] = await database.query<{ bytes: number }>(sql`select pg_database_size(current_database())::float8 as bytes`);
      return Number(row.bytes);
    },
  };
}

// AUTOINCREMENT counters are signed 64-bit.
const SQLITE_MAX_ROWID = 9_223_372_036_854_775_807;

function sqliteCatalogue(database: SqliteDatabase): Catalogue {
  const tables = async () => (await database.query<{ name: string }>(sql.raw(SQLITE_USER_TABLES_SQL))).map((r) => r.name);
  return {
    tables,
    async columns() {
      const columns: LiveColumn[] = [];
      for (const table of await tables()) {
        const rows = await database.query<{ name: string; notnull: number; pk: number }>(sql`select * from pragma_table_info(${table})`);
        // SQLite reports an INTEGER PRIMARY KEY as nullable; it never is.
        for (const c of rows) columns.push({ table, name: c.name, notNull: c.notnull === 1 || c.pk > 0 });
      }
      return columns;
    },
    async indexes() {
      const indexes: LiveIndex[] = [];
      for (const table of await tables()) {
        const list = await database.query<{ name: string; unique: number; origin: string }>(sql`select * from pragma_index_list(${table})`);
        for (const index of list) {
          if (index.origin === 'pk') continue;
          const keys = await database.query<{ seqno: number; name: string | null }>(sql`select seqno, name from pragma_index_info(${index.name})`);
          const columns = keys.sort((a, b) => a.seqno - b.seqno).map((k) => k.name);
          indexes.push({ name: index.name, table, columns, unique: index.unique === 1, valid: true, implicit: index.origin !== 'c' });
        }
      }
      return indexes;
    },
    async sequences() {
      const hasCounters = await database.query<{ n: number }>(sql`select count(*) as n from sqlite_master where name = 'sqlite_sequence'`);
      if (!Number(hasCounters[0].n)) return [];
      const rows = await database.query<{ name: string; seq: number }>(sql`select name, seq from sqlite_sequence`);
      return rows.map((r) => ({ name: r.name, used: Number(r.seq) / SQLITE_MAX_ROWID })).sort((a, b) => b.used - a.used);
    },
    async legacyTables() {
      const rows = await database.query<{ name: string }>(
        sql`select name from sqlite_master where type = 'table' and substr(name, 1, 7) = 'legacy_' order by name`,
      );
      return rows.map((r) => r.name);
    },
    async sizeBytes() {
      const file = path.resolve(database.target.path);
      const size = (suffix: string) => (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0);
      return size('') + size('-wal') + size('-shm');
    },
  };
}
