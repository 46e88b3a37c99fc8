// A legacy area as `db import` leaves it (schema `legacy` on PostgreSQL, `legacy_*` tables on
// SQLite; every column text, keyed by source_row), planted with SQL for the export and erasure tests.
import { execSql } from '../ops/fixtures.js';

/** table → columns (source_row aside); every value text, as the import writes them */
export const LEGACY_TABLES: Record<string, string[]> = {
  // the users' columns we do not model, by id
  users: ['id', 'is_email_verified', 'current_streak'],
  // whole tables of the original
  user_sessions: ['id', 'user_id', 'session_token', 'user_agent'],
  admin_audit_log: ['id', 'admin_user_id', 'action'],
  achievements: ['id', 'name'],
  // the unmapped columns of our attempts, by attempt id
  attempts: ['id', 'ai_feedback'],
};

const tableName = (postgres: boolean, name: string) => (postgres ? `legacy."${name}"` : `"legacy_${name}"`);

/** Creates the legacy tables and inserts `rows` (table → rows of column values, source_row numbered). */
export async function plantLegacyArea(url: string, rows: Record<string, (string | null)[][]>): Promise<void> {
  const postgres = !url.startsWith('sqlite:');
  const statements = postgres ? ['create schema if not exists legacy'] : [];
  for (const [name, columns] of Object.entries(LEGACY_TABLES)) {
    statements.push(
      `create table ${tableName(postgres, name)} (source_row ${postgres ? 'bigint' : 'integer'} primary key, ${columns.map((c) => `"${c}" text`).join(', ')})`,
    );
    for (const [i, values] of (rows[name] ?? []).entries()) {
      const literals = values.map((v) => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`));
      statements.push(`insert into ${tableName(postgres, name)} values (${i + 1}, ${literals.join(', ')})`);
    }
  }
  await execSql(url, statements);
}

/** The rows of one legacy table, in source order. */
export function legacyRows(url: string, name: string): Promise<Record<string, unknown>[]> {
  return execSql(url, [`select * from ${tableName(!url.startsWith('sqlite:'), name)} order by source_row`]);
}
