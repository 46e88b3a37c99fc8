// The indexes a live database has, with their key columns, and which recommended ones are missing.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { SQLITE_USER_TABLES_SQL } from '../db/identifiers.js';
import { coveringIndex, RECOMMENDED_INDEXES, type LiveIndex, type RecommendedIndex } from './catalog.js';

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


export async function listLiveIndexes(database: Database): Promise<LiveIndex[]> {
  if (database.dialect === 'postgres') {
    const rows = await database.query<{
      table_name: string;
      index_name: string;
      is_unique: boolean;
      is_valid: boolean;
      columns: (string | null)[];
    }>(PG_INDEXES_SQL);
    return rows.map((r) => ({ name: r.index_name, table: r.table_name, columns: r.columns, unique: r.is_unique, valid: r.is_valid }));
  }
  const indexes: LiveIndex[] = [];
  for (const { name: table } of await database.query<{ name: string }>(sql.raw(SQLITE_USER_TABLES_SQL))) {
    const list = await database.query<{ name: string; unique: number; origin: string }>(sql`select * from pragma_index_list(${table})`);
    for (const index of list) {
      if (index.origin === 'pk') continue;
      const keys = await database.query<{ seqno: number; name: string | null }>(sql`select seqno, name from pragma_index_info(${index.name})`);
      const columns = keys.sort((a, b) => a.seqno - b.seqno).map((k) => k.name);
      indexes.push({ name: index.name, table, columns, unique: index.unique === 1, valid: true });
    }
  }
  return indexes;
}

export async function listLiveTables(database: Database): Promise<string[]> {
  if (database.dialect === 'postgres') {
    const rows = await database.query<{ tablename: string }>(
      sql`select tablename from pg_tables where schemaname = current_schema() order by tablename`,
    );
    return rows.map((r) => r.tablename);
  }
  return (await database.query<{ name: string }>(sql.raw(SQLITE_USER_TABLES_SQL))).map((r) => r.name);
}

/** Recommended indexes with no valid index leading with their columns (on tables that exist). */
export function missingIndexes(live: LiveIndex[], liveTables: string[]): RecommendedIndex[] {
  return RECOMMENDED_INDEXES.filter((r) => liveTables.includes(r.table) && !coveringIndex(r, live));
}
