// Alembic's `history`, `show` and `upgrade --sql` for drizzle's migrations: what each migration is,
// when it was generated, whether this database has it, and its SQL for this dialect.
import fs from 'node:fs';
import { z } from 'zod';
import type { Database, Dialect } from '../../db/client.js';
import { listMigrations, migrationStatus, resolveMigration, type MigrationEntry } from '../../db/migrate.js';
import { formatMinute } from '../format.js';

const STATEMENT_BREAK = /\n?--> statement-breakpoint\n?/;

export const migrationInfoSchema = z.object({
  tag: z.string(),
  description: z.string().describe('the first SQL comment of the file, else the name in its tag'),
  generated_at: z.date(),
  applied: z.boolean().nullable().describe('null when the database was not asked'),
});
export type MigrationInfo = z.infer<typeof migrationInfoSchema>;

export const migrationHistorySchema = z.object({ dialect: z.enum(['sqlite', 'postgres']), folder: z.string(), migrations: z.array(migrationInfoSchema) });
export type MigrationHistory = z.infer<typeof migrationHistorySchema>;

/** The statements of one migration file (drizzle separates them with `--> statement-breakpoint`). */
export function migrationStatements(entry: MigrationEntry): string[] {
  return fs
    .readFileSync(entry.file, 'utf8')
    .split(STATEMENT_BREAK)
    .map((s) => s.trim())
    .filter(Boolean);
}

function describeMigration(entry: MigrationEntry): string {
  const comment = fs
    .readFileSync(entry.file, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('-- ') && !line.startsWith('--> '));
  return comment ? comment.slice(3).trim() : entry.tag.replace(/^\d+_/, '').replace(/_/g, ' ');
}

/** Every migration, oldest first; `applied` from `database` (null without one). */
export async function migrationHistory(dialect: Dialect, folder: string, database?: Database): Promise<MigrationHistory> {
  const applied = database ? new Set((await migrationStatus(database, { migrationsFolder: folder })).applied.map((m) => m.tag)) : null;
  return {
    dialect,
    folder,
    migrations: listMigrations(dialect, folder).map((m) => ({
      tag: m.tag,
      description: describeMigration(m),
      generated_at: m.createdAt,
      applied: applied ? applied.has(m.tag) : null,
    })),
  };
}

export const migrationSqlSchema = z.object({ tag: z.string(), generated_at: z.date(), statements: z.array(z.string()) });
export type MigrationSql = z.infer<typeof migrationSqlSchema>;

/** `db show TAG`: one migration's SQL. */
export function showMigration(dialect: Dialect, folder: string, ref: string): MigrationSql {
  const entry = resolveMigration(listMigrations(dialect, folder), ref);
  return { tag: entry.tag, generated_at: entry.createdAt, statements: migrationStatements(entry) };
}

/** `db migrate --sql`: the SQL of every pending migration, in order; nothing is applied. */
export async function pendingMigrationSql(database: Database, folder: string): Promise<MigrationSql[]> {
  const pending = new Set((await migrationStatus(database, { migrationsFolder: folder })).pending.map((m) => m.tag));
  return listMigrations(database.dialect, folder)
    .filter((m) => pending.has(m.tag))
    .map((m) => ({ tag: m.tag, generated_at: m.createdAt, statements: migrationStatements(m) }));
}

/** The report for people (the CLI without --json). */
export function formatHistory(r: MigrationHistory): string {
  const state = (applied: boolean | null) => (applied === null ? '' : applied ? 'applied ' : 'PENDING ');
  return [
    `${r.dialect} migrations (${r.folder}):`,
    ...r.migrations.map((m) => `  ${state(m.applied)}${m.tag}  generated ${formatMinute(m.generated_at)}  ${m.description}`),
  ].join('\n');
}

/** Migrations as a SQL script a reviewer can read (or run): a header comment per migration. */
export function formatMigrationSql(migrations: MigrationSql[]): string {
  if (migrations.length === 0) return '-- nothing pending';
  return migrations
    .map((m) => [`-- ${m.tag} (generated ${formatMinute(m.generated_at)})`, ...m.statements.map((s) => (s.endsWith(';') ? s : `${s};`))].join('\n'))
    .join('\n\n');
}
