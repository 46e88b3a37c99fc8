// `mathakine db maintenance`: the original guide's daily_maintenance.sh — prune old logs and
// backups, purge expired sessions and mailed links, optimize, back up, report health — then a dashboard snapshot. Every step runs even when
// an earlier one failed (a failed optimize must not cost the day's backup); the job fails if any step did.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { purgeSessions } from './purge-sessions.js';
import { purgeExpiredLinks } from './purge-links.js';
import { inactiveAccountsStep } from './inactive-accounts.js';
import { pruneBackups } from '../backup-restore/backup.js';
import { backupAndShip, type S3Connection } from '../backup-restore/s3-backup.js';
import { fullHealthReport } from '../health/health.js';
import { captureSnapshot } from '../dashboard/snapshots.js';
import { optimizeDatabase } from './optimize.js';
import { recordMaintenanceRun } from './maintenance-runs.js';
import { elapsedMs, errorMessage, silentProgress, type Progress } from '../progress.js';

export const maintenanceReportSchema = z.object({
  ok: z.boolean(),
  steps: z.array(
    z.object({
      name: z.enum(['prune logs', 'prune backups', 'purge sessions', 'purge links', 'inactive accounts', 'optimize', 'backup', 'health', 'dashboard snapshot']),
      ok: z.boolean(),
      summary: z.string(),
      duration_ms: z.number(),
    }),
  ),
  duration_ms: z.number(),
});
export type MaintenanceReport = z.infer<typeof maintenanceReportSchema>;
type StepName = MaintenanceReport['steps'][number]['name'];

export interface MaintenanceOptions {
  /** logs and backups older than this are deleted */
  days: number;
  logsDir: string;
  backupDir: string;
  /** also keep at most this many backups */
  keep?: number;
  /** BACKUP_URL: the backup is uploaded there and verified, and the bucket pruned by the same rules */
  remote?: { connection: S3Connection; url: string };
  /** BACKUP_SIGNING_KEY */
  signingKey?: string;
  /** INACTIVE_ACCOUNT_DAYS: erase learner accounts never verified and unused that long (./inactive-accounts.ts) */
  inactiveAccounts?: { days: number; erasureKey?: string };
  progress?: Progress;
  now?: Date;
}

// app.log, app.log.1, app-2026-11-24.log.gz… never anything else in the folder
const LOG_FILE = /\.log(\.\d+)?(\.gz)?$/;

/** Deletes log files under `dir` last modified more than `days` ago; returns their paths. */
export function pruneLogs(dir: string, days: number, now = new Date()): string[] {
  if (!fs.existsSync(dir)) return [];
  const cutoff = now.getTime() - days * 86_400_000;
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, name);
    const stat = fs.statSync(file);
    if (stat.isFile() && LOG_FILE.test(name) && stat.mtimeMs < cutoff) {
      fs.rmSync(file);
      removed.push(file);
    }
  }
  return removed;
}

export async function runMaintenance(database: Database, options: MaintenanceOptions): Promise<MaintenanceReport> {
  const startedAt = performance.now();
  const startedAtDate = new Date();
  const progress = options.progress ?? silentProgress;
  const steps: MaintenanceReport['steps'] = [];

  async function step(name: StepName, run: () => Promise<{ ok: boolean; summary: string }>) {
    const stepStart = performance.now();
    progress.start(name);
    let result: { ok: boolean; summary: string };
    try {
      result = await run();
    } catch (error) {
      result = { ok: false, summary: errorMessage(error) };
    }
    steps.push({ name, ...result, duration_ms: elapsedMs(stepStart) });
    progress.finish(`${name}: ${result.ok ? '' : 'FAILED '}${result.summary}`, result.ok);
  }

  await step('prune logs', async () => {
    if (!fs.existsSync(options.logsDir)) return { ok: true, summary: `no log folder at ${path.resolve(options.logsDir)}` };
    const removed = pruneLogs(options.logsDir, options.days, options.now);
    return { ok: true, summary: `${removed.length} log file(s) older than ${options.days} days deleted` };
  });
  await step('prune backups', async () => {
    const removed = pruneBackups(options.backupDir, { olderThanDays: options.days, now: options.now });
    return { ok: true, summary: `${removed.length} backup(s) older than ${options.days} days deleted` };
  });
  await step('purge sessions', async () => {
    const purged = await purgeSessions(database, options.now);
    return { ok: true, summary: `${purged.sessions} ended or expired session(s) and ${purged.refreshTokens} refresh token(s) deleted` };
  });
  await step('purge links', async () => ({
    ok: true,
    summary: `${await purgeExpiredLinks(database, options.now)} expired reset or verification link(s) deleted`,
  }));
  if (options.inactiveAccounts) await step('inactive accounts', () => inactiveAccountsStep(database, options.inactiveAccounts!, options.now));
  await step('optimize', async () => {
    const report = await optimizeDatabase(database);
    const failed = report.steps.filter((s) => s.status === 'failed');
    const created = report.created_indexes.length ? `created ${report.created_indexes.join(', ')}` : 'no index missing';
    return {
      ok: report.ok,
      summary: `${created}; ${report.steps.length} steps in ${Math.round(report.duration_ms)} ms${
        failed.length ? `; failed: ${failed.map((s) => `${s.name} (${s.detail})`).join(', ')}` : ''
      }`,
    };
  });
  await step('backup', async () => {
    // a failed upload fails the step (and the job) even though the local copy was written
    const backup = await backupAndShip(database, {
      dir: options.backupDir,
      keep: options.keep,
      maxAgeDays: options.days,
      signingKey: options.signingKey,
      remote: options.remote,
      progress,
    });
    const local = `${backup.file} (${backup.bytes} bytes; ${backup.verification})`;
    if (!backup.remote) return { ok: true, summary: local };
    const pruned = backup.remote.pruned.length ? `; ${backup.remote.pruned.length} pruned in the bucket` : '';
    return { ok: true, summary: `${local}; uploaded ${backup.remote.url} (${backup.remote.verification})${pruned}` };
  });
  await step('health', async () => {
    const report = await fullHealthReport(database);
    const problems = Object.entries(report.checks).flatMap(([key, results]) =>
      results.filter((r) => r.status !== 'pass').map((r) => `${r.status} ${key}${r.componentId ? ` ${r.componentId}` : ''}`),
    );
    return { ok: report.status !== 'fail', summary: `${report.status}${problems.length ? `: ${problems.join(', ')}` : ''}` };
  });

  // the admin dashboard's history: a failed capture is a gap in it, so it fails the job like any step
  await step('dashboard snapshot', async () => {
    const snapshot = await captureSnapshot(database, 'maintenance');
    const statements = snapshot.data.statements ? `, ${snapshot.data.statements.length} statements` : '';
    return {
      ok: true,
      summary: `#${snapshot.id}: ${snapshot.data.database_bytes} bytes, ${Object.keys(snapshot.data.relations).length} relations${statements}`,
    };
  });
  const report = { ok: steps.every((s) => s.ok), steps, duration_ms: elapsedMs(startedAt) };
  // health and the admin pages show the last run; a run that cannot be recorded fails the job
  await recordMaintenanceRun(database, { started_at: startedAtDate, finished_at: new Date(), ok: report.ok, steps });
  return report;
}

/** The report for people (the CLI without --json). */
export function formatMaintenance(r: MaintenanceReport): string {
  return [...r.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'}  ${s.name}: ${s.summary}`), r.ok ? 'maintenance done' : 'maintenance FAILED'].join('\n');
}
