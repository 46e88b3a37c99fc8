// The data against the schema's rules where the database does not enforce them itself (foreign
// keys switched off during an import, enum values on SQLite), and row counts.
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import type { EnumColumnDefinition, ForeignKeyDefinition } from './catalog.js';

/** Rows of `fk.table` pointing to a missing parent. */
export async function orphanRows(database: Database, fk: ForeignKeyDefinition): Promise<number> {
  const [row] = await database.query<{ n: number }>(sql`
    select count(*) as n from ${sql.identifier(fk.table)} as child
    where child.${sql.identifier(fk.column)} is not null
      and not exists (select 1 from ${sql.identifier(fk.references.table)} as parent
                      where parent.${sql.identifier(fk.references.column)} = child.${sql.identifier(fk.column)})`);
  return Number(row.n);
}

/** Rows whose enum column holds a value outside its list. */
export async function enumViolations(database: Database, column: EnumColumnDefinition): Promise<number> {
  const allowed = sql.join(
    column.values.map((v) => sql`${v}`),
    sql`, `,
  );
  const [row] = await database.query<{ n: number }>(sql`
    select count(*) as n from ${sql.identifier(column.table)}
    where ${sql.identifier(column.column)} is not null and ${sql.identifier(column.column)} not in (${allowed})`);
  return Number(row.n);
}

export async function rowCount(database: Database, table: string): Promise<number> {
  const [row] = await database.query<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`);
  return Number(row.n);
}
