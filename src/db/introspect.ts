// What a live database actually has: tables, their columns (with nullability) and index names,
// read from its catalogue (catalogue.ts). Used by the migration tests and the importer.
import type { Database } from './client.js';
import { catalogueOf } from './catalogue.js';

export interface LiveTable {
  columns: { name: string; notNull: boolean }[];
  indexes: string[];
}

export async function describeLiveSchema(database: Database): Promise<Record<string, LiveTable>> {
  const tables: Record<string, LiveTable> = {};
  const table = (name: string) => (tables[name] ??= { columns: [], indexes: [] });
  const catalogue = catalogueOf(database);
  for (const name of await catalogue.tables()) table(name);
  for (const c of await catalogue.columns()) table(c.table).columns.push({ name: c.name, notNull: c.notNull });
  // the indexes someone created: not those a UNIQUE constraint implies on SQLite
  for (const i of await catalogue.indexes()) if (!i.implicit) table(i.table).indexes.push(i.name);
  for (const t of Object.values(tables)) t.indexes.sort();
  return tables;
}
