// Bytes: the database's size, and how full the disk holding it is (SQLite: its file system;
// PostgreSQL: the plan's disk as DB_DISK_LIMIT_BYTES says, since the server's disk is not visible).
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/client.js';
import { catalogueOf } from '../../db/catalogue.js';

export interface DiskUsage {
  bytes: number;
  /** share of the disk used, 0–1; null when unknown (PostgreSQL without DB_DISK_LIMIT_BYTES) */
  usedRatio: number | null;
  limitBytes: number | null;
  freeBytes: number | null;
}

export async function diskUsage(database: Database, diskLimitBytes = 0): Promise<DiskUsage> {
  const bytes = await catalogueOf(database).sizeBytes();
  if (database.dialect === 'postgres') {
    return diskLimitBytes > 0
      ? { bytes, usedRatio: bytes / diskLimitBytes, limitBytes: diskLimitBytes, freeBytes: Math.max(0, diskLimitBytes - bytes) }
      : { bytes, usedRatio: null, limitBytes: null, freeBytes: null };
  }
  const disk = fs.statfsSync(path.dirname(path.resolve(database.target.path)));
  const freeRatio = disk.blocks > 0 ? disk.bavail / disk.blocks : 1;
  return { bytes, usedRatio: 1 - freeRatio, limitBytes: disk.blocks * disk.bsize, freeBytes: disk.bavail * disk.bsize };
}
