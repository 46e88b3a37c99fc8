// What a live database actually has: tables, their columns (with nullability) and index names.
// Used by the migration tests, the health report (protected tables present) and the importer.
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { SQLITE_USER_TABLES_SQL } from './identifiers.js';

export interface LiveTable {
  columns: { name: string; notNull: boolean }[];
  indexes: string[];
}

export async function describeLiveSchema(database: Database): Promise<Record<string, LiveTable>> {
  const tables: Record<string, LiveTable> = {};
  const table = (name: string) => (tables[name] ??= { columns: [], indexes: [] });

  if (database.dialect === 'postgres') {
    const columns = await database.query<{ table_name: string; column_name: string; is_nullable: string }>(sql`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`);
    for (const c of columns) table(c.table_name).columns.push({ name: c.column_name, notNull: c.is_nullable === 'NO' });
    const indexes = await database.query<{ tablename: string; indexname: string }>(sql`
      select tablename, indexname from pg_indexes where schemaname = current_schema() and indexname not like '%_pkey'`);
    for (const i of indexes) table(i.tablename).indexes.push(i.indexname);
  } else {
    const names = await database.query<{ name: string }>(sql.raw(SQLITE_USER_TABLES_SQL));
    for (const { name } of names) {
      const columns = await database.query<{ name: string; notnull: number; pk: number }>(sql`select * from pragma_table_info(${name})`);
      // SQLite reports an INTEGER PRIMARY KEY as nullable; it never is.
      for (const c of columns) table(name).columns.push({ name: c.name, notNull: c.notnull === 1 || c.pk > 0 });
      const indexes = await database.query<{ name: string; origin: string }>(sql`select name, origin from pragma_index_list(${name})`);
      for (const i of indexes) if (i.origin === 'c') table(name).indexes.push(i.name);
    }
  }
  for (const t of Object.values(tables)) t.indexes.sort();
  return tables;
}
