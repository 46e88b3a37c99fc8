// `mathakine db …`: the original guide's database scripts. Each command parses its options, calls
// src/ops and prints the result (for people, or JSON with --json); exit code 1 on failure.
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Dialect } from '../db/client.js';
import { DEFAULT_SQLITE_PATH, describeTarget } from '../db/url.js';
import { backupDatabase } from '../ops/backup.js';
import { databaseUrlSource, postgresUrlFromVariables, useDatabase } from '../ops/env-file.js';
import { generateMigrations } from '../ops/generate.js';
import { formatBytes, fullHealthReport, type FullHealthReport } from '../ops/health.js';
import { runMaintenance } from '../ops/maintenance.js';
import { safeMigrate } from '../ops/migrate-safe.js';
import { optimizeDatabase, type OptimizeReport } from '../ops/optimize.js';
import { errorMessage } from '../ops/progress.js';
import { restoreDatabase } from '../ops/restore.js';
import { databaseStats, type StatsReport } from '../ops/stats.js';
import { databaseStatus, type StatusReport } from '../ops/status.js';
import { tuneDatabase, type TuneReport } from '../ops/tune.js';
import { commaList, positiveInteger, runCommand } from './actions.js';
import { cliConfig, output, withDatabase, type CommonOptions } from './context.js';
import { terminalProgress } from './progress.js';
import { registerDashboardCommand } from './dashboard.js';

const urlOption = () => new Option('--url <url>', 'database URL (default: DATABASE_URL from the environment or .env)');
const jsonOption = () => new Option('--json', 'print the result as JSON (for scripts)');
const folderOption = () => new Option('--migrations-folder <dir>', 'migrations to use (default: drizzle/pg or drizzle/sqlite)');

const time = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16);
const mark = (status: string) => ({ pass: 'PASS', warn: 'WARN', fail: 'FAIL', done: 'done', skipped: 'skip', failed: 'FAIL' })[status] ?? status;

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
        const result = useDatabase(kind, { envFile: options.envFile, url: options.url, path: options.path });
        output(options, result, (r) =>
          [
            `${r.created ? 'created' : 'updated'} ${r.env_file}`,
            `DATABASE_URL: ${r.previous ?? '(unset)'} -> ${r.database_url}`,
            `now using ${r.database}`,
            ...(r.overridden_by_environment ? ['note: a DATABASE_URL environment variable is set and still takes precedence over .env'] : []),
          ].join('\n'),
        );
      }),
    );

  db.command('migrate')
    .description('safe migrate: backup, apply pending migrations, verify, and restore the backup if anything fails')
    .option('--check', 'only report: exit 1 when migrations are pending or would be refused')
    .option('--backup-dir <dir>', 'where the pre-migration backup goes (default: BACKUP_DIR)')
    .addOption(folderOption())
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { check?: boolean; backupDir?: string; migrationsFolder?: string }) =>
      runCommand(options, () =>
        withDatabase(options, async (database, config) => {
          const report = await safeMigrate(database, {
            backupDir: options.backupDir ?? config.BACKUP_DIR,
            migrationsFolder: options.migrationsFolder,
            check: options.check,
            progress: terminalProgress(),
          });
          output(options, report, (r) =>
            [
              ...r.steps.map((s) => `${mark(s.status)}  ${s.name}: ${s.detail}`),
              r.check_only
                ? r.pending.length
                  ? `pending: ${r.pending.map((p) => `${p.tag} (${time(p.created_at)})`).join(', ')}`
                  : 'up to date'
                : r.ok
                  ? r.applied.length
                    ? `migrated: ${r.applied.join(', ')}`
                    : 'up to date'
                  : `FAILED: ${r.error}${r.restored ? `\nthe database was restored from ${r.backup}` : ''}`,
            ].join('\n'),
          );
          return report.ok;
        }),
      ),
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
    .action(
      (options: {
        name?: string;
        custom?: string;
        dialect: 'both' | Dialect;
        schema?: string;
        out?: string;
        scratchUrl?: string;
        json?: boolean;
      }) =>
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
          output(options, report, (r) =>
            [
              ...r.dialects.map((d) => `${d.status.padEnd(9)} ${d.dialect}: ${d.new_migrations.join(', ') || '-'} ${d.detail}`),
              r.ok ? (r.kept ? 'migrations written' : 'nothing to generate') : `REFUSED, nothing written: ${r.error}`,
            ].join('\n'),
          );
          return report.ok;
        }),
    );

  db.command('backup')
    .description('write a verified, timestamped backup to BACKUP_DIR (pg_dump -Fc on PostgreSQL, the online backup API on SQLite)')
    .option('--dir <dir>', 'backup folder (default: BACKUP_DIR)')
    .option('--keep <n>', 'then keep only the n newest backups', positiveInteger)
    .option('--max-age <days>', 'then delete backups older than this many days', positiveInteger)
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { dir?: string; keep?: number; maxAge?: number }) =>
      runCommand(options, () =>
        withDatabase(options, async (database, config) => {
          const result = await backupDatabase(database, {
            dir: options.dir ?? config.BACKUP_DIR,
            keep: options.keep,
            maxAgeDays: options.maxAge,
            progress: terminalProgress(),
          });
          output(options, result, (r) =>
            [
              `backup: ${r.file} (${formatBytes(r.bytes)}, ${Math.round(r.duration_ms)} ms)`,
              `verified: ${r.verification}`,
              ...(r.pruned.length ? [`pruned: ${r.pruned.map((f) => path.basename(f)).join(', ')}`] : []),
            ].join('\n'),
          );
        }),
      ),
    );

  db.command('restore')
    .description('replace the database with a backup (refuses a non-empty database without --yes)')
    .argument('<file>', 'a backup written by db backup')
    .option('--yes', 'replace the current content even if the database is not empty')
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((file: string, options: CommonOptions & { yes?: boolean }) =>
      runCommand(options, () =>
        withDatabase(options, async (database) => {
          const result = await restoreDatabase(database, file, { force: options.yes, progress: terminalProgress() });
          output(options, result, (r) => `restored ${describeTarget(database.target)} from ${r.file} in ${Math.round(r.duration_ms)} ms`);
        }),
      ),
    );

  db.command('optimize')
    .description('create missing recommended indexes, then VACUUM ANALYZE (PostgreSQL) or ANALYZE + PRAGMA optimize (SQLite)')
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions) =>
      runCommand(options, () =>
        withDatabase(options, async (database) => {
          const report = await optimizeDatabase(database, terminalProgress());
          output(options, report, formatOptimize);
          return report.ok;
        }),
      ),
    );

  db.command('health')
    .description('check the database: a ping, or with --full every check of /admin/health?full=true; exit 1 on fail')
    .option('--full', 'the full report: migrations, tables, integrity, disk, pool')
    .addOption(folderOption())
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { full?: boolean; migrationsFolder?: string }) =>
      runCommand(options, () =>
        withDatabase(options, async (database, config) => {
          if (!options.full) {
            try {
              await database.ping(config.HEALTH_TIMEOUT_MS);
              output(options, { status: 'pass' }, () => `pass: ${describeTarget(database.target)} answers`);
              return true;
            } catch (error) {
              output(options, { status: 'fail', output: errorMessage(error) }, (r) => `fail: ${r.output}`);
              return false;
            }
          }
          const report = await fullHealthReport(database, { migrationsFolder: options.migrationsFolder, timeoutMs: config.HEALTH_TIMEOUT_MS });
          output(options, report, formatHealth);
          return report.status !== 'fail';
        }),
      ),
    );

  db.command('stats')
    .description('PgHero-like statistics: tables, sizes, activity, index usage, slow queries, cache hit rate, connections')
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions) =>
      runCommand(options, () =>
        withDatabase(options, async (database) => {
          output(options, await databaseStats(database), formatStats);
        }),
      ),
    );

  db.command('tune')
    .description("compare the PostgreSQL server's settings with the guide's recommendations; --apply runs the ALTER SYSTEM statements")
    .option('--apply', 'run the ALTER SYSTEM statements (needs a superuser) and reload the configuration')
    .option('--only <names>', 'comma-separated setting names', commaList)
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { apply?: boolean; only?: string[] }) =>
      runCommand(options, () =>
        withDatabase(options, async (database) => {
          const report = await tuneDatabase(database, { apply: options.apply, only: options.only });
          output(options, report, formatTune);
          return report.ok;
        }),
      ),
    );

  db.command('maintenance')
    .description('the daily job: prune old logs and backups, optimize, backup, health report; exit 1 if a step fails')
    .option('--days <n>', 'delete logs and backups older than this', positiveInteger, 30)
    .option('--logs-dir <dir>', 'log folder to prune', './logs')
    .option('--dir <dir>', 'backup folder (default: BACKUP_DIR)')
    .option('--keep <n>', 'also keep at most n backups', positiveInteger)
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: CommonOptions & { days: number; logsDir: string; dir?: string; keep?: number }) =>
      runCommand(options, () =>
        withDatabase(options, async (database, config) => {
          const report = await runMaintenance(database, {
            days: options.days,
            logsDir: options.logsDir,
            backupDir: options.dir ?? config.BACKUP_DIR,
            keep: options.keep,
            progress: terminalProgress(),
          });
          output(options, report, (r) =>
            [...r.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'}  ${s.name}: ${s.summary}`), r.ok ? 'maintenance done' : 'maintenance FAILED'].join('\n'),
          );
          return report.ok;
        }),
      ),
    );
}

/** Where db generate creates its scratch PostgreSQL database. */
function scratchServerUrl(): string {
  try {
    const target = cliConfig().DATABASE_URL;
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

function formatStatus(r: StatusReport): string {
  const lines = [
    `database:  ${r.database} (${r.source === 'default' ? 'default' : `from ${r.source}`})`,
    `url:       ${r.database_url}`,
    `reachable: ${r.reachable ? 'yes' : `NO: ${r.error}`}`,
  ];
  if (r.migrations) {
    lines.push(`migrations (${r.migrations.folder}): ${r.migrations.applied.length} applied, ${r.migrations.pending.length} pending`);
    for (const m of r.migrations.applied) lines.push(`  applied  ${m.tag}  generated ${time(m.created_at)}`);
    for (const m of r.migrations.pending) lines.push(`  PENDING  ${m.tag}  generated ${time(m.created_at)}`);
  }
  return lines.join('\n');
}

function formatHealth(r: FullHealthReport): string {
  const lines = [`${mark(r.status)}  ${r.description}`];
  for (const [key, results] of Object.entries(r.checks)) {
    for (const c of results) {
      const figure = c.observedValue !== undefined ? ` ${c.observedValue}${c.observedUnit ? ` ${c.observedUnit}` : ''}` : '';
      lines.push(`  ${mark(c.status)}  ${key}${c.componentId ? ` ${c.componentId}` : ''}:${figure}${c.output ? ` — ${c.output}` : ''}`);
    }
  }
  return lines.join('\n');
}

function formatOptimize(r: OptimizeReport): string {
  return [
    ...r.steps.map((s) => `${mark(s.status)}  ${s.name} (${s.duration_ms} ms): ${s.detail}`),
    `${r.ok ? 'optimized' : 'optimize FAILED'} in ${Math.round(r.duration_ms)} ms; created indexes: ${r.created_indexes.join(', ') || 'none'}`,
  ].join('\n');
}

function formatTune(r: TuneReport): string {
  if (!r.applicable) return r.message;
  const lines = r.settings.map(
    (s) => `${s.matches ? 'ok  ' : 'DIFF'}  ${s.name.padEnd(30)} ${s.current.padStart(8)} (recommended ${s.recommended})${s.needs_restart ? ' [restart]' : ''}`,
  );
  if (r.statements.length) lines.push('', ...r.statements);
  lines.push('', r.message);
  if (r.error) lines.push(`error: ${r.error}`);
  if (!r.applied.length && r.statements.length && !r.can_apply) lines.push('(this role may not run ALTER SYSTEM)');
  return lines.join('\n');
}

function formatStats(r: StatsReport): string {
  if (r.dialect === 'postgres') {
    const table = (t: (typeof r.tables)[number]) =>
      `  ${t.table_name.padEnd(26)} ${String(t.estimated_rows).padStart(9)} ${formatBytes(t.total_bytes).padStart(9)}` +
      `  ${t.seq_scans}/${t.index_scans}  ${t.inserts}/${t.updates}/${t.deletes}`;
    const query = (q: (typeof r.slow_queries.queries)[number]) =>
      `  ${Math.round(q.total_ms)}  ${q.calls}  ${q.mean_ms.toFixed(1)}  ${q.query.replace(/\s+/g, ' ').slice(0, 100)}`;
    return [
      `PostgreSQL ${r.database.server_version}, database ${r.database.name}: ${formatBytes(r.database.size_bytes)}`,
      '',
      'tables (estimated rows, total size, seq/index scans, ins/upd/del):',
      ...r.tables.map(table),
      '',
      `unused indexes: ${r.unused_indexes.map((i) => i.index_name).join(', ') || 'none'}`,
      `missing indexes: ${r.missing_indexes.map((i) => `${i.table_name}(${i.columns.join(', ')}) ${i.reason}`).join('; ') || 'none'}`,
      `cache hit rate: tables ${percent(r.cache_hit_rate.tables)}, indexes ${percent(r.cache_hit_rate.indexes)}`,
      `connections: ${r.connections.by_state.map((c) => `${c.state} ${c.connections}`).join(', ')} (max ${r.database.max_connections})`,
      '',
      ...(r.slow_queries.available
        ? ['slowest queries (total ms, calls, mean ms):', ...r.slow_queries.queries.map(query)]
        : [`slowest queries: unavailable. ${r.slow_queries.message}`]),
    ].join('\n');
  }
  const { database } = r;
  return [
    `SQLite ${database.sqlite_version}, ${database.path}: ${formatBytes(database.file_bytes)} (+ WAL ${formatBytes(database.wal_bytes)}),` +
      ` ${database.page_count} pages of ${database.page_size} bytes, ${database.freelist_pages} free`,
    '',
    'tables (rows, size):',
    ...r.tables.map((t) => `  ${t.table_name.padEnd(26)} ${String(t.rows).padStart(9)} ${t.bytes === null ? '' : formatBytes(t.bytes).padStart(9)}`),
    '',
    `indexes: ${r.indexes.length}; missing: ${r.missing_indexes.map((i) => i.index_name).join(', ') || 'none'}`,
    ...r.notes,
  ].join('\n');
}

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`);
