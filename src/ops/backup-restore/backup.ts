// `mathakine db backup` (and the safety net of `db migrate`, the daily maintenance): a timestamped
// file in BACKUP_DIR, verified before it is kept, and retention by count or age.
// SQLite: the online backup API on the writer connection (consistent, the API keeps reading).
// PostgreSQL: pg_dump -Fc, checked with pg_restore --list.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { Database, Dialect } from '../../db/client.js';
import { SQLITE_USER_TABLES_SQL } from '../../db/identifiers.js';
import { signBackupFile, SIGNATURE_SUFFIX } from './backup-signature.js';
import { listLiveTables } from '../measure/live-indexes.js';
import { formatBytes } from '../format.js';
import { runPgTool } from './pg-tools.js';
import { elapsedMs, silentProgress, type Progress } from '../progress.js';

export const backupResultSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  file: z.string(),
  bytes: z.number(),
  duration_ms: z.number(),
  verification: z.string(),
  pruned: z.array(z.string()),
});
export type BackupResult = z.infer<typeof backupResultSchema>;

export interface BackupOptions {
  dir: string;
  /** the name part before the timestamp; defaults to the dialect */
  label?: string;
  /** keep only the `keep` newest backups with the same label (this one included) */
  keep?: number;
  /** delete backups with the same label older than this many days */
  maxAgeDays?: number;
  /** BACKUP_SIGNING_KEY: the backup gets `<file>.sig` (backup-signature.ts); without it, it is written unsigned */
  signingKey?: string;
  progress?: Progress;
}

// mathakine-<label>-<YYYYMMDD>-<HHMMSS>-<mmm>.<db|dump>, UTC: names sort by time.
const BACKUP_NAME = /^mathakine-([a-z0-9-]+?)-(\d{8})-(\d{6})-(\d{3})\.(db|dump)$/;

export const backupExtension = (dialect: Dialect) => (dialect === 'sqlite' ? 'db' : 'dump');

function backupFileName(label: string, dialect: Dialect, at: Date): string {
  const iso = at.toISOString(); // 2026-11-24T03:27:33.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
  return `mathakine-${label}-${stamp}.${backupExtension(dialect)}`;
}

export interface BackupFile {
  file: string;
  label: string;
  created_at: Date;
  bytes: number;
}

/** The label and time a backup's file name carries (`mathakine-<label>-<stamp>.<ext>`), or null for any other name. */
export function parseBackupName(name: string): { label: string; created_at: Date } | null {
  const match = BACKUP_NAME.exec(name);
  if (!match) return null;
  const [, label, day, time, ms] = match;
  const created = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}.${ms}Z`);
  return { label, created_at: created };
}

/** Newest first; ties by name, so the order is the same wherever the list comes from. */
export const newestFirst =
  <T extends { created_at: Date }>(name: (backup: T) => string) =>
  (a: T, b: T) =>
    b.created_at.getTime() - a.created_at.getTime() || name(b).localeCompare(name(a));

/** Our backup files in `dir` (other files are never touched), newest first. */
export function listBackups(dir: string): BackupFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((name) => {
      const parsed = parseBackupName(name);
      if (!parsed) return [];
      const file = path.resolve(dir, name);
      return [{ file, ...parsed, bytes: fs.statSync(file).size }];
    })
    .sort(newestFirst((b) => b.file));
}

export interface PruneOptions {
  /** keep this many newest backups per label */
  keep?: number;
  /** delete backups older than this many days */
  olderThanDays?: number;
  /** only this label */
  label?: string;
  now?: Date;
}

/** The backups (newest first) the retention rules let go: beyond the `keep` newest of a label, or too old. */
export function backupsToPrune<T extends { label: string; created_at: Date }>(backups: T[], options: PruneOptions): T[] {
  const now = (options.now ?? new Date()).getTime();
  const seen = new Map<string, number>();
  return backups.filter((backup) => {
    if (options.label && backup.label !== options.label) return false;
    const rank = (seen.get(backup.label) ?? 0) + 1;
    seen.set(backup.label, rank);
    const tooMany = options.keep !== undefined && rank > options.keep;
    const tooOld = options.olderThanDays !== undefined && now - backup.created_at.getTime() > options.olderThanDays * 86_400_000;
    return tooMany || tooOld;
  });
}

/** Deletes the backups the retention rules let go; returns their paths. */
export function pruneBackups(dir: string, options: PruneOptions): string[] {
  return backupsToPrune(listBackups(dir), options).map((backup) => {
    fs.rmSync(backup.file, { force: true });
    fs.rmSync(`${backup.file}${SIGNATURE_SUFFIX}`, { force: true });
    return backup.file;
  });
}

export async function backupDatabase(database: Database, options: BackupOptions): Promise<BackupResult> {
  const startedAt = performance.now();
  const progress = options.progress ?? silentProgress;
  const label = options.label ?? database.dialect;
  if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`invalid backup label: ${label}`);
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const file = path.resolve(options.dir, backupFileName(label, database.dialect, new Date()));
  // Written under a temporary name and renamed once verified: a half-written file is never
  // mistaken for a backup, by retention or by restore.
  const partial = `${file}.partial`;
  let verification: string;
  try {
    if (database.dialect === 'sqlite') {
      progress.start('backup (SQLite online backup)', 1);
      await database.withWriter((writer) =>
        writer.backup(partial, {
          progress: ({ totalPages, remainingPages }) => {
            progress.update(totalPages - remainingPages, totalPages);
            return 512; // pages per step: the event loop breathes between steps
          },
        }),
      );
      verification = verifySqliteBackup(partial);
    } else {
      const tables = (await listLiveTables(database)).length + 1; // + drizzle's migrations table
      let dumped = 0;
      progress.start('backup (pg_dump)', tables);
      await runPgTool('pg_dump', ['--format=custom', '--verbose', `--file=${partial}`], {
        url: database.target.url,
        onStderrLine: (line) => {
          if (/dumping contents of table/.test(line)) progress.update(Math.min(++dumped, tables), tables);
        },
      });
      verification = await verifyPgDump(partial);
    }
    // a backup holds every password hash: readable by its owner only, whatever the umask
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
    if (options.signingKey) await signBackupFile(file, options.signingKey);
    verification += options.signingKey ? `, signed (${path.basename(file)}${SIGNATURE_SUFFIX})` : ', NOT signed (BACKUP_SIGNING_KEY is not set)';
  } catch (error) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(file, { force: true });
    progress.finish('backup failed', false);
    throw error;
  }
  const pruned =
    options.keep !== undefined || options.maxAgeDays !== undefined
      ? pruneBackups(options.dir, { keep: options.keep, olderThanDays: options.maxAgeDays, label })
      : [];
  const bytes = fs.statSync(file).size;
  progress.finish(`backup written: ${file}`);
  return { dialect: database.dialect, file, bytes, duration_ms: elapsedMs(startedAt), verification, pruned };
}

/**
 * Opens a SQLite backup, switches it to a self-contained rollback journal (the copy inherits WAL
 * mode) and runs PRAGMA integrity_check. Throws unless it answers "ok".
 */
export function verifySqliteBackup(file: string): string {
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`the backup ${file} fails integrity_check: ${String(result)}`);
    const tables = copy.prepare(SQLITE_USER_TABLES_SQL).all().length;
    return `integrity_check ok, ${tables} tables`;
  } finally {
    copy.close();
  }
}

/** pg_restore --list reads the whole archive's table of contents; throws if it cannot. */
export async function verifyPgDump(file: string): Promise<string> {
  const { stdout } = await runPgTool('pg_restore', ['--list', file]);
  const entries = stdout.split('\n').filter((line) => line.trim() && !line.startsWith(';'));
  const tables = entries.filter((line) => / TABLE DATA /.test(line)).length;
  return `pg_restore --list ok, ${entries.length} entries, ${tables} tables with data`;
}

/** The report for people (the CLI without --json). */
export function formatBackup(r: BackupResult): string {
  return [
    `backup: ${r.file} (${formatBytes(r.bytes)}, ${Math.round(r.duration_ms)} ms)`,
    `verified: ${r.verification}`,
    ...(r.pruned.length ? [`pruned: ${r.pruned.map((f) => path.basename(f)).join(', ')}`] : []),
  ].join('\n');
}
