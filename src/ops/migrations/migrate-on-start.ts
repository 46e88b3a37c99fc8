// The migrations a starting server applies: on SQLite (always) the same backup → apply → verify →
// restore as `mathakine db migrate`; on PostgreSQL plain apply under the advisory lock when
// MIGRATE_ON_START=true (several instances may start together; Render's pre-deploy command runs the
// safe migrate), otherwise nothing, but pending migrations are reported loudly.
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { applyMigrations, migrationStatus } from '../../db/migrate.js';
import { safeMigrate } from './migrate-safe.js';

export interface StartLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class StartMigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartMigrationError';
  }
}

/** Brings the schema up to date for `npm start`, or says why not; throws when the server must not start. */
export async function migrateOnStart(
  database: Database,
  config: Pick<Config, 'MIGRATE_ON_START' | 'BACKUP_DIR' | 'BACKUP_SIGNING_KEY'>,
  log: StartLogger,
): Promise<void> {
  if (database.dialect === 'sqlite') {
    const report = await safeMigrate(database, { backupDir: config.BACKUP_DIR, signingKey: config.BACKUP_SIGNING_KEY });
    if (!report.ok) {
      log.error({ steps: report.steps, backup: report.backup, restored: report.restored }, `safe migrate failed: ${report.error}`);
      throw new StartMigrationError(
        `migrations could not be applied (${report.error})${report.restored ? `; the database was restored from ${report.backup}` : ''}`,
      );
    }
    log.info({ applied: report.applied, backup: report.backup }, report.applied.length ? 'migrations applied (safe migrate)' : 'database schema up to date');
    return;
  }
  if (config.MIGRATE_ON_START) {
    const applied = await applyMigrations(database);
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
    return;
  }
  const { pending } = await migrationStatus(database);
  if (pending.length > 0) {
    const tags = pending.map((p) => p.tag);
    log.error(
      { pending: tags },
      `PENDING MIGRATIONS: ${tags.length} migration(s) not applied (${tags.join(', ')}) and MIGRATE_ON_START=false: ` +
        'run `mathakine db migrate` (Render: the pre-deploy command); until then /admin/health?full=true fails',
    );
  }
}
