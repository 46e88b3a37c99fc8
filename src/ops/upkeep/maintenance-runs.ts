// The `maintenance_runs` table: one row per `db maintenance` run (when, ok, each step's outcome and
// duration), read by `db health --full`, /admin/health?full=true and the dashboard's
// "last maintenance" check.
import { desc } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';

export const maintenanceStepSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  summary: z.string(),
  duration_ms: z.number(),
});

export const maintenanceRunSchema = z.object({
  started_at: z.date(),
  finished_at: z.date(),
  ok: z.boolean(),
  steps: z.array(maintenanceStepSchema),
});
export type MaintenanceRun = z.infer<typeof maintenanceRunSchema>;

export async function recordMaintenanceRun(database: Database, run: MaintenanceRun): Promise<void> {
  // database.db reads (on SQLite, the read-only connection); writes go through a transaction
  await database.transaction((tx) => tx.insert(database.tables.maintenanceRuns).values(run));
}

/** The most recent run, or null when `db maintenance` never ran against this database. */
export async function lastMaintenanceRun(database: Database): Promise<MaintenanceRun | null> {
  const table = database.tables.maintenanceRuns;
  const [row] = await database.db.select().from(table).orderBy(desc(table.id)).limit(1);
  if (!row) return null;
  return { started_at: row.started_at, finished_at: row.finished_at, ok: row.ok, steps: z.array(maintenanceStepSchema).parse(row.steps) };
}

/** One line for people: "ok, 2026-11-28T03:00:01Z, 6 steps in 4213 ms" or which steps failed. */
export function formatMaintenanceRun(run: MaintenanceRun | null): string {
  if (!run) return 'last maintenance: never (schedule `mathakine db maintenance` daily)';
  const failed = run.steps.filter((s) => !s.ok).map((s) => `${s.name} (${s.summary})`);
  const took = run.finished_at.getTime() - run.started_at.getTime();
  return `last maintenance: ${run.ok ? 'ok' : 'FAILED'} at ${run.started_at.toISOString()}, ${run.steps.length} steps in ${took} ms${
    failed.length ? `; failed: ${failed.join(', ')}` : ''
  }`;
}
