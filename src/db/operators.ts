// SQL expressions that read the same on PostgreSQL and SQLite, for services that must not
// branch on the dialect.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** Case-insensitive "contains" (ASCII case folding on SQLite); `%` and `_` in `text` match literally. */
export function containsInsensitive(column: AnyColumn | SQL, text: string): SQL {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`lower(${column}) like ${`%${escaped}%`} escape '\\'`;
}

/** `column + by`, evaluated by the database: concurrent increments never lose an update. */
export function increment(column: AnyColumn, by: number | SQL = 1): SQL {
  return sql`${column} + ${by}`;
}

const INT32_MAX = 2_147_483_647;

/** `column + 1`, stopping at the integer column's maximum: a counter nobody needs exact (views) must never overflow into an error. */
export function incrementUpToMax(column: AnyColumn): SQL {
  return sql`case when ${column} < ${INT32_MAX} then ${column} + 1 else ${column} end`;
}
