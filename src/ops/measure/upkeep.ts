// When the jobs last ran: the newest backup file and the last `db maintenance` run.
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
