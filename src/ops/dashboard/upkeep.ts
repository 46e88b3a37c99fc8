// The Maintenance page: last vacuum / analyze and dead rows per table (PostgreSQL), the integrity
// check and free pages (SQLite), the last backup and the last `db maintenance` run (as ../measure/upkeep.ts
// measures them for the health report and /metrics). Its buttons call optimizeDatabase
// (POST /admin/optimize) and backupDatabase (POST /admin/dashboard/backup).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { lastMaintenance, newestBackup } from '../measure/upkeep.js';
import { dialectSchema } from './shared.js';

const date = z.date().nullable();
export const upkeepPageSchema = z.object({
  dialect: dialectSchema,
  tables: z
    .array(
      z.object({
        name: z.string(),
        live_rows: z.number(),
        dead_rows: z.number(),
        last_vacuum: date,
        last_autovacuum: date,
        last_analyze: date,
        last_autoanalyze: date,
      }),
    )
    .describe('PostgreSQL, most dead rows first; empty on SQLite'),
  integrity: z.object({ ok: z.boolean(), detail: z.string() }).nullable().describe('SQLite: PRAGMA integrity_check'),
  freelist_pages: z.number().nullable().describe('SQLite: pages VACUUM would give back'),
  last_backup: z.object({ file: z.string(), at: z.date(), bytes: z.number() }).nullable(),
  last_maintenance: date.describe('start of the last `db maintenance` run'),
  notes: z.array(z.string()),
});
export type UpkeepPage = z.infer<typeof upkeepPageSchema>;

const d = (value: string | null) => (value ? new Date(value) : null);

export async function upkeepPage(database: Database, backupDir: string): Promise<UpkeepPage> {
  const common = { last_backup: newestBackup(backupDir), last_maintenance: (await lastMaintenance(database))?.started_at ?? null };
  if (database.dialect === 'postgres') {
    const rows = await database.query<{
      name: string;
      live_rows: number;
      dead_rows: number;
      last_vacuum: string | null;
      last_autovacuum: string | null;
      last_analyze: string | null;
      last_autoanalyze: string | null;
    }>(sql`
      select relname as name, n_live_tup::float8 as live_rows, n_dead_tup::float8 as dead_rows,
             last_vacuum::text, last_autovacuum::text, last_analyze::text, last_autoanalyze::text
      from pg_stat_user_tables where schemaname = current_schema()
      order by n_dead_tup desc, relname`);
    return {
      dialect: 'postgres',
      tables: rows.map((r) => ({
        ...r,
        last_vacuum: d(r.last_vacuum),
        last_autovacuum: d(r.last_autovacuum),
        last_analyze: d(r.last_analyze),
        last_autoanalyze: d(r.last_autoanalyze),
      })),
      integrity: null,
      freelist_pages: null,
      ...common,
      notes: ['Autovacuum runs on its own; "Optimize" runs VACUUM ANALYZE table by table and creates missing recommended indexes.'],
    };
  }
  const check = await database.query<{ integrity_check: string }>(sql`select integrity_check from pragma_integrity_check`);
  const problems = check.map((c) => c.integrity_check).filter((c) => c !== 'ok');
  const [free] = await database.query<{ n: number }>(sql`select freelist_count as n from pragma_freelist_count`);
  return {
    dialect: 'sqlite',
    tables: [],
    integrity: { ok: problems.length === 0, detail: problems.length ? problems.slice(0, 20).join('; ') : 'ok' },
    freelist_pages: free.n,
    ...common,
    notes: ['SQLite has no vacuum statistics or dead rows: "Optimize" runs ANALYZE and PRAGMA optimize; free pages come back with VACUUM.'],
  };
}
