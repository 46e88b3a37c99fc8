// SQL expressions that read the same on PostgreSQL and SQLite, for services that must not
// branch on the dialect.
import { sql, type AnyColumn, type SQL, type SQLWrapper, type Table } from 'drizzle-orm';

/** Case-insensitive "contains" (ASCII case folding on SQLite); `%` and `_` in `text` match literally. */
export function containsInsensitive(column: AnyColumn | SQL, text: string): SQL {
  return matchesPattern(column, containsPattern(text));
}

/** The LIKE pattern of containsInsensitive(), for a prepared query's placeholder. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `lower(column) like pattern`, the pattern made by containsPattern() (or a placeholder for it). */
export function matchesPattern(column: AnyColumn | SQL, pattern: string | SQL.Aliased | SQLWrapper): SQL {
  return sql`lower(${column}) like ${pattern} escape '\\'`;
}

/** `column + by`, evaluated by the database: concurrent increments never lose an update. */
export function increment(column: AnyColumn, by: number | SQLWrapper = 1): SQL {
  return sql`${column} + ${by}`;
}

/** The largest value of an integer column (counters stop there rather than fail). */
export const INT32_MAX = 2_147_483_647;

/**
 * `"table"."column"`: drizzle writes a column in a `sql` template unqualified, which inside a
 * correlated subquery would name the subquery's own table.
 */
export function qualified(table: Table, column: AnyColumn): SQL {
  return sql`${table}.${sql.identifier(column.name)}`;
}
