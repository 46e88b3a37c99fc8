// `mathakine db migrate`: the original guide's safe_migrate — back up, apply the pending
// migrations, verify (no pending left, schema and protected tables present, no orphan rows or
// out-of-set enum values), and restore the backup automatically when any of it fails.
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { applyMigrations, assertMigrationsSafe, listMigrations, migrationsFolder, migrationStatus } from '../../db/migrate.js';
import { backupDatabase } from '../backup-restore/backup.js';
import { formatMinute, statusMark } from '../format.js';
import { fullHealthReport } from '../health/health.js';
import { errorMessage, silentProgress, type Progress } from '../progress.js';
import { runStep, stepSchema } from '../steps.js';
import { restoreDatabase } from '../backup-restore/restore.js';

const migrationSchema = z.object({ tag: z.string(), created_at: z.date() });

export const safeMigrateReportSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  check_only: z.boolean(),
  ok: z.boolean(),
  applied: z.array(z.string()),
  pending: z.array(migrationSchema).describe('pending after the run (before it, with --check)'),
  backup: z.string().nullable(),
  restored: z.boolean(),
  steps: z.array(stepSchema),
  error: z.string().optional(),
});
export type SafeMigrateReport = z.infer<typeof safeMigrateReportSchema>;

export interface SafeMigrateOptions {
  backupDir: string;
  /** BACKUP_SIGNING_KEY: the pre-migration backup is signed like any other */
  signingKey?: string;
  migrationsFolder?: string;
  /** report only: what is pending and whether the guard accepts it */
  check?: boolean;
  progress?: Progress;
}

export class VerificationError extends Error {
  constructor(readonly failures: string[]) {
    super(`verification failed: ${failures.join('; ')}`);
    this.name = 'VerificationError';
  }
}

/** The failed checks of a full health report, one line each. */
export async function verifyDatabase(database: Database, folder: string): Promise<string[]> {
  const report = await fullHealthReport(database, { migrationsFolder: folder });
  return Object.entries(report.checks).flatMap(([key, results]) =>
    results
      .filter((r) => r.status === 'fail')
      .map((r) => `${key}${r.componentId ? ` ${r.componentId}` : ''}: ${r.output ?? `${r.observedValue ?? ''} ${r.observedUnit ?? ''}`.trim()}`),
  );
}

export async function safeMigrate(database: Database, options: SafeMigrateOptions): Promise<SafeMigrateReport> {
  const progress = options.progress ?? silentProgress;
  const folder = options.migrationsFolder ?? migrationsFolder(database.dialect);
  const steps: SafeMigrateReport['steps'] = [];
  const report: SafeMigrateReport = {
    dialect: database.dialect,
    check_only: Boolean(options.check),
    ok: false,
    applied: [],
    pending: [],
    backup: null,
    restored: false,
    steps,
  };
  const pendingNow = async () => (await migrationStatus(database, { migrationsFolder: folder })).pending.map((p) => ({ tag: p.tag, created_at: p.createdAt }));

  const step = <T>(name: string, run: () => Promise<{ value: T; detail: string }>) => runStep(steps, progress, name, run);
  const skip = (name: string, detail: string) => steps.push({ name, status: 'skipped', duration_ms: 0, detail });

  // 1. What is pending, and would the protected-table guard let it through?
  try {
    const pending = await step('check pending migrations', async () => {
      const status = await migrationStatus(database, { migrationsFolder: folder });
      const detail = `${status.applied.length} applied, ${status.pending.length} pending${
        status.pending.length ? `: ${status.pending.map((p) => p.tag).join(', ')}` : ''
      }`;
      return { value: status.pending, detail };
    });
    report.pending = pending.map((p) => ({ tag: p.tag, created_at: p.createdAt }));
    await step('protected-table guard', async () => {
      const tags = new Set(pending.map((p) => p.tag));
      assertMigrationsSafe(listMigrations(database.dialect, folder).filter((m) => tags.has(m.tag)));
      return { value: undefined, detail: 'no pending migration drops or alters a protected table' };
    });
  } catch (error) {
    report.error = errorMessage(error);
    return report;
  }

  if (options.check) {
    // like `manage.py migrate --check`: success means nothing is pending
    report.ok = report.pending.length === 0;
    return report;
  }
  if (report.pending.length === 0) {
    skip('backup', 'nothing to migrate');
    skip('apply migrations', 'the database is up to date');
    report.ok = true;
    return report;
  }

  // 2. Backup: without one, nothing is applied.
  let backupFile: string;
  try {
    backupFile = await step('backup', async () => {
      const backup = await backupDatabase(database, {
        dir: options.backupDir,
        label: `${database.dialect}-pre-migrate`,
        signingKey: options.signingKey,
        progress,
      });
      return { value: backup.file, detail: `${backup.file} (${backup.verification})` };
    });
    report.backup = backupFile;
  } catch (error) {
    report.error = `backup failed, nothing was applied: ${errorMessage(error)}`;
    return report;
  }

  // 3. Apply and verify; 4. restore on any failure.
  try {
    report.applied = await step('apply migrations', async () => {
      const applied = await applyMigrations(database, { migrationsFolder: folder });
      return { value: applied, detail: applied.length ? `applied ${applied.join(', ')}` : 'nothing applied' };
    });
    await step('verify', async () => {
      const failures = await verifyDatabase(database, folder);
      if (failures.length > 0) throw new VerificationError(failures);
      return { value: undefined, detail: 'schema, protected tables and integrity checks pass' };
    });
    report.ok = true;
  } catch (error) {
    report.error = errorMessage(error);
    report.applied = [];
    try {
      await step('restore backup', async () => {
        await restoreDatabase(database, backupFile, { force: true, progress });
        return { value: undefined, detail: `the database is back to ${backupFile}` };
      });
      report.restored = true;
    } catch (restoreError) {
      report.error += `; RESTORE FAILED (${errorMessage(restoreError)}): restore ${backupFile} by hand with mathakine db restore --yes`;
    }
  }
  report.pending = await pendingNow().catch(() => report.pending);
  return report;
}

/** The report for people (the CLI without --json). */
export function formatSafeMigrate(r: SafeMigrateReport): string {
  return [
    ...r.steps.map((s) => `${statusMark(s.status)}  ${s.name}: ${s.detail}`),
    r.check_only
      ? r.pending.length
        ? `pending: ${r.pending.map((p) => `${p.tag} (${formatMinute(p.created_at)})`).join(', ')}`
        : 'up to date'
      : r.ok
        ? r.applied.length
          ? `migrated: ${r.applied.join(', ')}`
          : 'up to date'
        : `FAILED: ${r.error}${r.restored ? `\nthe database was restored from ${r.backup}` : ''}`,
  ].join('\n');
}
