// SQL identifiers and the SQLite table list, written once for src/db, src/ops and the importer.

/** A double-quoted SQL identifier, valid on both dialects (names come from our catalog, quoted anyway). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The user tables of a SQLite database, by name (plain SQL: for drizzle's `sql.raw` or better-sqlite3's `prepare`). */
export const SQLITE_USER_TABLES_SQL = `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`;
