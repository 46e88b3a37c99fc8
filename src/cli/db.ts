// `mathakine db …`: the original guide's database scripts. Each command parses its options, calls
// src/ops and prints the result (for people, or JSON with --json); exit code 1 on failure.
import { Command, Option } from 'commander';
import type { Dialect } from '../db/client.js';
import { migrationsFolder, stampMigrations } from '../db/migrate.js';
import { DEFAULT_SQLITE_PATH, describeTarget } from '../db/url.js';
import { databaseUrlSource, formatUseDatabase, postgresUrlFromVariables, useDatabase } from '../ops/connection/env-file.js';
import { formatGenerate, generateMigrations } from '../ops/migrations/generate.js';
import { formatHealth, fullHealthReport } from '../ops/health/health.js';
import { formatMaintenance, runMaintenance } from '../ops/upkeep/maintenance.js';
import { formatSafeMigrate, safeMigrate } from '../ops/migrations/migrate-safe.js';
import { checkMigrations, formatMigrationCheck } from '../ops/migrations/migration-check.js';
import { formatHistory, formatMigrationSql, migrationHistory, pendingMigrationSql, showMigration } from '../ops/migrations/migration-history.js';
import { formatOptimize, optimizeDatabase } from '../ops/upkeep/optimize.js';
import { databaseErrorLine } from '../ops/format.js';
import { formatRestore, restoreDatabase } from '../ops/backup-restore/restore.js';
import {
  backupAndShip,
  formatBackupListing,
  formatShippedBackup,
  listAllBackups,
  resolveBackupSource,
  s3ConnectionFromConfig,
} from '../ops/backup-restore/s3-backup.js';
import { databaseStats, formatStats } from '../ops/health/stats.js';
import { databaseStatus, formatStatus } from '../ops/connection/status.js';
import { formatTune, tuneDatabase } from '../ops/upkeep/tune.js';
import { commaList, positiveInteger, runCommand } from './actions.js';
import { cliConfig, databaseCommand, jsonOption, output, urlOption, type CommonOptions } from './context.js';
import { terminalProgress } from './progress.js';
import { registerDashboardCommand } from './dashboard.js';

const folderOption = () => new Option('--migrations-folder <dir>', 'migrations to use (default: drizzle/pg or drizzle/sqlite)');

export function registerDbCommands(db: Command): void {
  registerDashboardCommand(db);
  db.command('status')
    .description('show the configured database, whether it answers, and its migrations (applied and pending, with dates)')
    .addOption(urlOption())
    .addOption(folderOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { migrationsFolder?: string }) =>
      runCommand(options, async () => {
        const config = cliConfig(options);
        const source = options.url ? 'environment' : databaseUrlSource('.env');
        const report = await databaseStatus(config, { source, migrationsFolder: options.migrationsFolder });
        output(options, report, formatStatus);
        return report.reachable;
      }),
    );

  db.command('use')
    .description('switch the database: rewrite DATABASE_URL in .env, keeping every other line')
    .argument('<kind>', 'sqlite or postgres')
    .option('--url <url>', 'postgres: the URL (default: built from POSTGRES_USER/PASSWORD/HOST/PORT/DB)')
    .option('--path <file>', 'sqlite: the database file', DEFAULT_SQLITE_PATH)
    .option('--env-file <file>', 'the file to rewrite', '.env')
    .addOption(jsonOption())
    .action((kind: string, options: { url?: string; path: string; envFile: string; json?: boolean }) =>
      runCommand(options, async () => {
        if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`db use takes sqlite or postgres, not ${kind}`);
        if (kind === 'sqlite' && options.url) throw new Error('--url is for postgres; db use sqlite takes --path');
        output(options, useDatabase(kind, { envFile: options.envFile, url: options.url, path: options.path }), formatUseDatabase);
      }),
    );

  databaseCommand<CommonOptions & { check?: boolean; sql?: boolean; backupDir?: string; migrationsFolder?: string }>(
    db
      .command('migrate')
      .description('safe migrate: backup, apply pending migrations, verify, and restore the backup if anything fails')
      .option('--check', 'only report: exit 1 when migrations are pending or would be refused')
      .option('--sql', "print the SQL of every pending migration for review; nothing is applied (Alembic's upgrade head --sql)")
      .option('--backup-dir <dir>', 'where the pre-migration backup goes (default: BACKUP_DIR)')
      .addOption(folderOption()),
    async (database, config, options) => {
      if (options.sql) {
        const pending = await pendingMigrationSql(database, options.migrationsFolder ?? migrationsFolder(database.dialect));
        output(options, { pending }, (r) => formatMigrationSql(r.pending));
        return;
      }
      const report = await safeMigrate(database, {
        backupDir: options.backupDir ?? config.BACKUP_DIR,
        signingKey: config.BACKUP_SIGNING_KEY,
        migrationsFolder: options.migrationsFolder,
        check: options.check,
        progress: terminalProgress(),
      });
      output(options, report, formatSafeMigrate);
      return report.ok;
    },
  );

  databaseCommand<CommonOptions & { migrationsFolder?: string }>(
    db
      .command('history')
      .description('every migration with its description, when it was generated, and whether this database has it (Alembic: history)')
      .addOption(folderOption()),
    async (database, _config, options) => {
      const folder = options.migrationsFolder ?? migrationsFolder(database.dialect);
      output(options, await migrationHistory(database.dialect, folder, database), formatHistory);
    },
  );

  db.command('show')
    .description("one migration's SQL for this database's dialect (Alembic: show); TAG is a tag, a number or head")
    .argument('<tag>', 'e.g. 0001_attempts_user_exercise_index, 1 or head')
    .addOption(new Option('--dialect <dialect>', "default: the configured database's").choices(['postgres', 'sqlite']))
    .addOption(folderOption())
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((tag: string, options: CommonOptions & { dialect?: Dialect; migrationsFolder?: string }) =>
      runCommand(options, async () => {
        const dialect = options.dialect ?? cliConfig(options).database.dialect;
        const migration = showMigration(dialect, options.migrationsFolder ?? migrationsFolder(dialect), tag);
        output(options, migration, (m) => formatMigrationSql([m]));
      }),
    );

  databaseCommand<CommonOptions & { migrationsFolder?: string }>(
    db
      .command('stamp')
      .description('record the database as being at TAG without running any SQL, for a database restored or created by hand (Alembic: stamp)')
      .argument('<tag>', 'a tag, a number or head')
      .addOption(folderOption()),
    async (database, _config, options, [tag]) => {
      const result = await stampMigrations(database, tag, { migrationsFolder: options.migrationsFolder });
      output(options, result, (r) =>
        [
          `stamped at ${r.stamped}`,
          `recorded as applied: ${r.recorded.join(', ') || 'none'}`,
          `forgotten (will run again): ${r.forgotten.join(', ') || 'none'}`,
        ].join('\n'),
      );
    },
  );

  db.command('check')
    .description(
      'CI check of the migration folders: two branches that both added a migration, journal/snapshot/file mismatches, and every migration applied to a scratch database',
    )
    .option('--no-validate', 'skip the scratch databases (file checks only)')
    .option('--scratch-url <url>', 'PostgreSQL server for the scratch database (as for db generate)')
    .option('--pg-folder <dir>', 'PostgreSQL migrations to check (default: drizzle/pg)')
    .option('--sqlite-folder <dir>', 'SQLite migrations to check (default: drizzle/sqlite)')
    .addOption(jsonOption())
    .action((options: { validate: boolean; scratchUrl?: string; pgFolder?: string; sqliteFolder?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const report = await checkMigrations({
          folders: { postgres: options.pgFolder, sqlite: options.sqliteFolder },
          scratchServerUrl: options.validate ? (options.scratchUrl ?? scratchServerUrl()) : null,
        });
        output(options, report, formatMigrationCheck);
        return report.ok;
      }),
    );

  db.command('generate')
    .description('drizzle-kit generate for both dialects; refuses migrations touching protected tables and validates each on a scratch database')
    .option('--name <name>', 'name of the migration')
    .option('--custom <name>', 'an empty migration pair for hand-written SQL')
    .addOption(new Option('--dialect <dialect>', 'only one dialect').choices(['both', 'postgres', 'sqlite']).default('both'))
    .option('--schema <file>', 'another schema file (with --dialect postgres|sqlite)')
    .option('--out <dir>', 'another migrations folder (with --dialect postgres|sqlite)')
    .option('--scratch-url <url>', 'PostgreSQL server for the scratch database (default: DATABASE_URL if PostgreSQL, else POSTGRES_*, else 127.0.0.1:5432)')
    .addOption(jsonOption())
    .action((options: { name?: string; custom?: string; dialect: 'both' | Dialect; schema?: string; out?: string; scratchUrl?: string; json?: boolean }) =>
      runCommand(options, async () => {
        if ((options.schema || options.out) && options.dialect === 'both') throw new Error('--schema and --out need --dialect postgres or sqlite');
        if (options.custom && options.name) throw new Error('--custom takes the name itself: use --custom NAME without --name');
        const dialects: Dialect[] = options.dialect === 'both' ? ['postgres', 'sqlite'] : [options.dialect];
        const single = options.dialect === 'both' ? null : options.dialect;
        const report = await generateMigrations({
          dialects,
          name: options.custom ?? options.name,
          custom: Boolean(options.custom),
          schemaFile: single && options.schema ? { [single]: options.schema } : undefined,
          out: single && options.out ? { [single]: options.out } : undefined,
          scratchServerUrl: options.scratchUrl ?? scratchServerUrl(),
          interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY && !options.json),
          progress: terminalProgress(),
        });
        output(options, report, formatGenerate);
        return report.ok;
      }),
    );

  databaseCommand<CommonOptions & { dir?: string; keep?: number; maxAge?: number; to?: string; localOnly?: boolean }>(
    db
      .command('backup')
      .description(
        'write a verified, timestamped backup to BACKUP_DIR (pg_dump -Fc on PostgreSQL, the online backup API on SQLite), then upload it to BACKUP_URL when set and verify the copy',
      )
      .option('--dir <dir>', 'backup folder (default: BACKUP_DIR)')
      .option('--to <s3-url>', 'S3-compatible destination s3://bucket/prefix (default: BACKUP_URL)')
      .option('--local-only', 'do not upload, even with BACKUP_URL set')
      .option('--keep <n>', 'then keep only the n newest backups (in the folder and in the bucket)', positiveInteger)
      .option('--max-age <days>', 'then delete backups older than this many days (in the folder and in the bucket)', positiveInteger),
    async (database, config, options) => {
      const url = options.localOnly ? undefined : (options.to ?? config.BACKUP_URL);
      const result = await backupAndShip(database, {
        dir: options.dir ?? config.BACKUP_DIR,
        keep: options.keep,
        maxAgeDays: options.maxAge,
        signingKey: config.BACKUP_SIGNING_KEY,
        remote: url ? { connection: s3ConnectionFromConfig(config), url } : undefined,
        progress: terminalProgress(),
      });
      output(options, result, formatShippedBackup);
    },
  );

  db.command('backups')
    .description('list the backups in BACKUP_DIR and, when BACKUP_URL is set, in the bucket (newest first)')
    .option('--dir <dir>', 'backup folder (default: BACKUP_DIR)')
    .option('--from <s3-url>', 'S3-compatible location s3://bucket/prefix (default: BACKUP_URL)')
    .addOption(jsonOption())
    .action((options: { dir?: string; from?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const config = cliConfig();
        const url = options.from ?? config.BACKUP_URL;
        const listing = await listAllBackups(options.dir ?? config.BACKUP_DIR, url ? { connection: s3ConnectionFromConfig(config), url } : undefined);
        output(options, listing, formatBackupListing);
      }),
    );

  databaseCommand<CommonOptions & { yes?: boolean; dir?: string; trustDump?: boolean; allowUnsigned?: boolean }>(
    db
      .command('restore')
      .description('replace the database with a backup or a plain .sql dump (refuses a non-empty database without --yes)')
      .argument(
        '<source>',
        'a file written by db backup, a plain .sql dump, an s3://bucket/key written by db backup, or latest (newest in BACKUP_URL, else BACKUP_DIR)',
      )
      .option('--dir <dir>', 'where latest looks without BACKUP_URL (default: BACKUP_DIR)')
      .option('--yes', 'replace the current content even if the database is not empty')
      .option('--allow-unsigned', 'accept a backup without a valid BACKUP_SIGNING_KEY signature (a plain .sql dump never has one): only for a file you know')
      .option('--trust-dump', 'run a plain PostgreSQL dump even as a superuser (its SQL could reach beyond the database): only for a dump you know'),
    async (database, config, options, [source]) => {
      const progress = terminalProgress();
      const resolved = await resolveBackupSource(source, {
        dialect: database.dialect,
        backupDir: options.dir ?? config.BACKUP_DIR,
        backupUrl: config.BACKUP_URL,
        connection: s3ConnectionFromConfig(config),
        progress,
        trust: { key: config.BACKUP_SIGNING_KEY, allowUnsigned: options.allowUnsigned },
      });
      try {
        const result = await restoreDatabase(database, resolved.file, {
          force: options.yes,
          trustDump: options.trustDump,
          progress,
          erasureKey: config.ERASURE_KEY,
        });
        output(options, { ...result, file: resolved.origin }, (r) => formatRestore(r, describeTarget(database.target)));
      } finally {
        resolved.cleanup();
      }
    },
  );

  databaseCommand(
    db.command('optimize').description('create missing recommended indexes, then VACUUM ANALYZE (PostgreSQL) or ANALYZE + PRAGMA optimize (SQLite)'),
    async (database, _config, options) => {
      const report = await optimizeDatabase(database, terminalProgress());
      output(options, report, formatOptimize);
      return report.ok;
    },
  );

  databaseCommand<CommonOptions & { full?: boolean; migrationsFolder?: string }>(
    db
      .command('health')
      .description('check the database: a ping, or with --full every check of /admin/health?full=true; exit 1 on fail')
      .option('--full', 'the full report: migrations, tables, integrity, disk, pool')
      .addOption(folderOption()),
    async (database, config, options) => {
      if (!options.full) {
        try {
          await database.ping(config.HEALTH_TIMEOUT_MS);
          output(options, { status: 'pass' }, () => `pass: ${describeTarget(database.target)} answers`);
          return true;
        } catch (error) {
          output(options, { status: 'fail', output: databaseErrorLine(error) }, (r) => `fail: ${r.output}`);
          return false;
        }
      }
      const report = await fullHealthReport(database, {
        migrationsFolder: options.migrationsFolder,
        timeoutMs: config.HEALTH_TIMEOUT_MS,
        diskLimitBytes: config.DB_DISK_LIMIT_BYTES,
      });
      output(options, report, formatHealth);
      return report.status !== 'fail';
    },
  );

  databaseCommand(
    db.command('stats').description('PgHero-like statistics: tables, sizes, activity, index usage, slow queries, cache hit rate, connections'),
    async (database, _config, options) => {
      output(options, await databaseStats(database), formatStats);
    },
  );

  databaseCommand<CommonOptions & { apply?: boolean; only?: string[] }>(
    db
      .command('tune')
      .description("compare the PostgreSQL server's settings with the guide's recommendations; --apply runs the ALTER SYSTEM statements")
      .option('--apply', 'run the ALTER SYSTEM statements (needs a superuser) and reload the configuration')
      .option('--only <names>', 'comma-separated setting names', commaList),
    async (database, _config, options) => {
      const report = await tuneDatabase(database, { apply: options.apply, only: options.only });
      output(options, report, formatTune);
      return report.ok;
    },
  );

  databaseCommand<CommonOptions & { days: number; logsDir: string; dir?: string; keep?: number }>(
    db
      .command('maintenance')
      .description('the daily job: prune old logs and backups, optimize, backup (uploaded to BACKUP_URL when set), health report; exit 1 if a step fails')
      .option('--days <n>', 'delete logs and backups older than this', positiveInteger, 30)
      .option('--logs-dir <dir>', 'log folder to prune', './logs')
      .option('--dir <dir>', 'backup folder (default: BACKUP_DIR)')
      .option('--keep <n>', 'also keep at most n backups', positiveInteger),
    async (database, config, options) => {
      const report = await runMaintenance(database, {
        days: options.days,
        logsDir: options.logsDir,
        backupDir: options.dir ?? config.BACKUP_DIR,
        keep: options.keep,
        signingKey: config.BACKUP_SIGNING_KEY,
        remote: config.BACKUP_URL ? { connection: s3ConnectionFromConfig(config), url: config.BACKUP_URL } : undefined,
        inactiveAccounts: config.INACTIVE_ACCOUNT_DAYS ? { days: config.INACTIVE_ACCOUNT_DAYS, erasureKey: config.ERASURE_KEY } : undefined,
        progress: terminalProgress(),
      });
      output(options, report, formatMaintenance);
      return report.ok;
    },
  );
}

/** Where db generate creates its scratch PostgreSQL database. */
function scratchServerUrl(): string {
  try {
    const target = cliConfig().database;
    if (target.dialect === 'postgres') return target.url;
  } catch {
    // no usable configuration: fall through
  }
  try {
    return postgresUrlFromVariables(process.env);
  } catch {
    return 'postgres://postgres@127.0.0.1:5432/postgres';
  }
}
