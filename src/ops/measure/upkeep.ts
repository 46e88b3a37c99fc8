// When the jobs last ran: the newest backup file and the last `db maintenance` run.
import type { Database } from '../../db/client.js';
import { listBackups } from '../backup.js';
import { lastMaintenanceRun, type MaintenanceRun } from '../maintenance-runs.js';

export function lastMaintenance(database: Database): Promise<MaintenanceRun | null> {
  return lastMaintenanceRun(database);
}

export function newestBackup(backupDir: string): { file: string; at: Date; bytes: number } | null {
  const newest = listBackups(backupDir)[0];
  return newest ? { file: newest.file, at: newest.created_at, bytes: newest.bytes } : null;
}
