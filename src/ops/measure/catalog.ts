// What the schema promises, read from the Drizzle table definitions (one source for both
// dialects: same table and column names): the tables, the foreign keys whose orphans the health
// report counts, the enum columns it checks, and the indexes optimize makes sure exist.
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, IndexedColumn, PgTable } from 'drizzle-orm/pg-core';
import type { LiveIndex } from '../../db/catalogue.js';
import { PROTECTED_TABLES } from '../../db/enums.js';
import * as schema from '../../db/schema/pg.js';

export interface ForeignKeyDefinition {
  table: string;
  column: string;
  references: { table: string; column: string };
}

export interface EnumColumnDefinition {
  table: string;
  column: string;
  values: readonly string[];
}

export interface RecommendedIndex {
  name: string;
  table: string;
  columns: string[];
  /** why it is recommended: declared in the schema, or covers a foreign key the schema left unindexed */
  reason: 'schema' | 'foreign key';
}

const schemaExports: unknown[] = Object.values(schema);
const tableConfigs = schemaExports.filter((value): value is PgTable => is(value, PgTable)).map((table) => getTableConfig(table));

/** Every table the schema declares (protected legacy tables included), in declaration order. */
export const SCHEMA_TABLES: string[] = tableConfigs.map((t) => t.name);

export const APP_TABLES: string[] = SCHEMA_TABLES.filter((name) => !(PROTECTED_TABLES as readonly string[]).includes(name));

/** The columns each table declares: what "intact" means for the protected tables. */
export const SCHEMA_COLUMNS: Readonly<Record<string, string[]>> = Object.fromEntries(tableConfigs.map((t) => [t.name, t.columns.map((c) => c.name)]));

export const FOREIGN_KEYS: ForeignKeyDefinition[] = tableConfigs.flatMap((t) =>
  t.foreignKeys.flatMap((fk) => {
    const { columns, foreignColumns, foreignTable } = fk.reference();
    // every foreign key of this schema is a single column; a composite one would need a tuple match
    return columns.map((column, i) => ({
      table: t.name,
      column: column.name,
      references: { table: getTableName(foreignTable), column: foreignColumns[i].name },
    }));
  }),
);

export const ENUM_COLUMNS: EnumColumnDefinition[] = tableConfigs.flatMap((t) =>
  t.columns.flatMap((column) => (column.enumValues?.length ? [{ table: t.name, column: column.name, values: column.enumValues }] : [])),
);

interface DeclaredIndex {
  name: string;
  table: string;
  columns: string[] | null; // null: an expression index
  unique: boolean;
}

const DECLARED_INDEXES: DeclaredIndex[] = tableConfigs.flatMap((t) =>
  t.indexes.map((index) => {
    const columns = index.config.columns.map((c) => (is(c, IndexedColumn) ? (c.name ?? null) : null));
    return {
      name: index.config.name ?? `${t.name}_index`,
      table: t.name,
      columns: columns.every((c): c is string => c !== null) ? columns : null,
      unique: index.config.unique,
    };
  }),
);

const startsWith = (columns: string[], prefix: string[]) => prefix.every((c, i) => columns[i] === c);

/** Composite primary keys (point_days: user_id, day): their index serves a foreign key they lead with. */
const COMPOSITE_PRIMARY_KEYS: { table: string; columns: string[] }[] = tableConfigs.flatMap((t) =>
  t.primaryKeys.map((key) => ({ table: t.name, columns: key.columns.map((c) => c.name) })),
);

/**
 * The indexes optimize creates when missing: every plain (non-unique, column-only) index of the
 * schema — the original guide's list (exercises.exercise_type, exercises.difficulty,
 * attempts.user_id/exercise_id/created_at) is among them — plus one per foreign key that no
 * declared index (nor a composite primary key) leads with. Unique indexes are constraints, not tuning: optimize never makes them.
 */
export const RECOMMENDED_INDEXES: RecommendedIndex[] = [
  ...DECLARED_INDEXES.flatMap((i) =>
    !i.unique && i.columns !== null ? [{ name: i.name, table: i.table, columns: i.columns, reason: 'schema' as const }] : [],
  ),
  ...FOREIGN_KEYS.filter(
    (fk) =>
      !DECLARED_INDEXES.some((i) => i.table === fk.table && i.columns !== null && startsWith(i.columns, [fk.column])) &&
      !COMPOSITE_PRIMARY_KEYS.some((key) => key.table === fk.table && startsWith(key.columns, [fk.column])),
  ).map((fk) => ({
    name: `idx_${fk.table}_${fk.column}`,
    table: fk.table,
    columns: [fk.column],
    reason: 'foreign key' as const,
  })),
];

/** An index that exists in the database, with its key columns (null for an expression). */
export type { LiveIndex } from '../../db/catalogue.js';

/** An index serves a recommendation when it is valid and leads with the same columns. */
export function coveringIndex(recommended: RecommendedIndex, live: LiveIndex[]): LiveIndex | undefined {
  return live.find((i) => i.valid && i.table === recommended.table && recommended.columns.every((c, n) => i.columns[n] === c));
}
