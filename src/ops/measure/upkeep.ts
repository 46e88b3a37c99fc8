// When the jobs last ran: the newest backup file, the last `db maintenance` run, the last `db import`.
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { listBackups } from '../backup-restore/backup.js';
import { lastMaintenanceRun, type MaintenanceRun } from '../upkeep/maintenance-runs.js';

export function lastMaintenance(database: Database): Promise<MaintenanceRun | null> {
  return lastMaintenanceRun(database);
}

export function newestBackup(backupDir: string): { file: string; at: Date; bytes: number } | null {
  const newest = listBackups(backupDir)[0];
  return newest ? { file: newest.file, at: newest.created_at, bytes: newest.bytes } : null;
}

/** Start of the last `db maintenance` run that succeeded, or null. */
export async function lastSuccessfulMaintenance(database: Database): Promise<Date | null> {
  const table = database.tables.maintenanceRuns;
  const [row] = await database.db.select({ started_at: table.started_at }).from(table).where(eq(table.ok, true)).orderBy(desc(table.id)).limit(1);
  return row?.started_at ?? null;
}

/** When the last `db import` into this database committed (its import_runs row), or null. */
export async function lastSuccessfulImport(database: Database): Promise<Date | null> {
  const table = database.tables.importRuns;
  const [row] = await database.db.select({ finished_at: table.finished_at }).from(table).orderBy(desc(table.id)).limit(1);
  return row?.finished_at ?? null;
}
