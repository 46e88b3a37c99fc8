// The import's legacy area (schema `legacy` on PostgreSQL, `legacy_*` tables on SQLite; every column
// text, keyed by source_row) as drizzle tables, so that services read and delete a learner's rows
// there with the portable builder: the catalogue query and the table's name are the only dialect parts.
import { sql } from 'drizzle-orm';
import { bigint, pgSchema, text, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { integer, sqliteTable, text as sqliteText } from 'drizzle-orm/sqlite-core';
import type { Dialect } from './database.js';
import { LEGACY_AREA_PREFIX, LEGACY_AREA_SCHEMA } from './protected.js';
import type { Reads } from './store.js';

/** A table of the legacy area: its name there (`user_sessions`) and its source columns (source_row aside). */
export interface LegacyTableInfo {
  name: string;
  columns: string[];
}

/** Any drizzle table, for code outside src/db that builds queries over several tables. */
export type AnyTable = PgTable;

/** One legacy table as a drizzle table: `source_row` and one text column per source column. */
export interface LegacyTable {
  table: PgTable;
  sourceRow: PgColumn;
  column(name: string): PgColumn;
}

const ROW_COLUMN = 'source_row';

/** The legacy area's tables and columns, in name and column order; empty when there is none. */
export async function listLegacyTables(reads: Reads, dialect: Dialect): Promise<LegacyTableInfo[]> {
  const columns =
    dialect === 'postgres'
      ? reads.db
          .select({ table: sql<string>`table_name`, column: sql<string>`column_name` })
          .from(sql`information_schema.columns`)
          .where(sql`table_schema = ${LEGACY_AREA_SCHEMA}`)
          .orderBy(sql`table_name`, sql`ordinal_position`)
      : reads.db
          .select({ table: sql<string>`substr(m.name, ${LEGACY_AREA_PREFIX.length + 1})`, column: sql<string>`p.name` })
          .from(sql`sqlite_master m join pragma_table_info(m.name) p`)
          .where(sql`m.type = 'table' and m.name like ${`${LEGACY_AREA_PREFIX.replace('_', '\\_')}%`} escape '\\'`)
          .orderBy(sql`m.name`, sql`p.cid`);
  const tables = new Map<string, string[]>();
  for (const { table, column } of await columns) {
    if (!tables.has(table)) tables.set(table, []);
    if (column !== ROW_COLUMN) tables.get(table)!.push(column);
  }
  return [...tables].map(([name, cols]) => ({ name, columns: cols }));
}

/**
 * The drizzle table of a legacy table. Typed with PostgreSQL's builder like every table here
 * (db/database.ts): the SQLite object is cast, sound because callers use only portable builder calls.
 */
export function legacyTable(dialect: Dialect, info: LegacyTableInfo): LegacyTable {
  let table: PgTable;
  if (dialect === 'postgres') {
    table = pgSchema(LEGACY_AREA_SCHEMA).table(info.name, {
      [ROW_COLUMN]: bigint(ROW_COLUMN, { mode: 'number' }),
      ...Object.fromEntries(info.columns.map((c) => [c, text(c)])),
    });
  } else {
    table = sqliteTable(`${LEGACY_AREA_PREFIX}${info.name}`, {
      [ROW_COLUMN]: integer(ROW_COLUMN),
      ...Object.fromEntries(info.columns.map((c) => [c, sqliteText(c)])),
    }) as unknown as PgTable;
  }
  const columns = table as unknown as Record<string, PgColumn>;
  return {
    table,
    sourceRow: columns[ROW_COLUMN],
    column: (name) => {
      if (!info.columns.includes(name)) throw new Error(`the legacy table ${info.name} has no column ${name}`);
      return columns[name];
    },
  };
}
