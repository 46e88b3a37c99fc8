// `mathakine db status`: which database the configuration names, whether it answers, and the
// migrations applied and pending with their dates (the original guide's `alembic history`).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { openConfiguredDatabase } from '../../db/configured.js';
import { migrationsFolder as defaultMigrationsFolder, migrationStatus } from '../../db/migrate.js';
import { describeTarget } from '../../db/url.js';
import { maskPassword } from './env-file.js';
import { databaseErrorLine, formatMinute } from '../format.js';

const migrationSchema = z.object({ tag: z.string(), created_at: z.date().describe('when the migration was generated') });

export const statusReportSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  database: z.string(),
  database_url: z.string().describe('password masked'),
  source: z.enum(['environment', '.env', 'default']),
  reachable: z.boolean(),
  error: z.string().optional(),
  migrations: z.object({ folder: z.string(), applied: z.array(migrationSchema), pending: z.array(migrationSchema) }).nullable(),
});
export type StatusReport = z.infer<typeof statusReportSchema>;

export interface StatusOptions {
  source: StatusReport['source'];
  migrationsFolder?: string;
  timeoutMs?: number;
}

export async function databaseStatus(config: Config, options: StatusOptions): Promise<StatusReport> {
  const target = config.database;
  const base = {
    dialect: target.dialect,
    database: describeTarget(target),
    database_url: target.dialect === 'sqlite' ? `sqlite:${target.path}` : maskPassword(target.url),
    source: options.source,
  };
  // Opening a SQLite path creates the file: status must not.
  if (target.dialect === 'sqlite' && !fs.existsSync(path.resolve(target.path))) {
    return { ...base, reachable: false, error: 'the database file does not exist yet (the server creates it on first start)', migrations: null };
  }
  const database = openConfiguredDatabase(config);
  try {
    await database.ping(options.timeoutMs ?? 3_000);
  } catch (error) {
    await database.close().catch(() => {});
    return { ...base, reachable: false, error: databaseErrorLine(error), migrations: null };
  }
  try {
    const folder = options.migrationsFolder ?? defaultMigrationsFolder(target.dialect);
    const status = await migrationStatus(database, { migrationsFolder: folder });
    const entry = (m: { tag: string; createdAt: Date }) => ({ tag: m.tag, created_at: m.createdAt });
    return { ...base, reachable: true, migrations: { folder, applied: status.applied.map(entry), pending: status.pending.map(entry) } };
  } finally {
    await database.close();
  }
}

/** The report for people (the CLI without --json). */
export function formatStatus(r: StatusReport): string {
  const lines = [
    `database:  ${r.database} (${r.source === 'default' ? 'default' : `from ${r.source}`})`,
    `url:       ${r.database_url}`,
    `reachable: ${r.reachable ? 'yes' : `NO: ${r.error}`}`,
  ];
  if (r.migrations) {
    lines.push(`migrations (${r.migrations.folder}): ${r.migrations.applied.length} applied, ${r.migrations.pending.length} pending`);
    for (const m of r.migrations.applied) lines.push(`  applied  ${m.tag}  generated ${formatMinute(m.created_at)}`);
    for (const m of r.migrations.pending) lines.push(`  PENDING  ${m.tag}  generated ${formatMinute(m.created_at)}`);
  }
  return lines.join('\n');
}
