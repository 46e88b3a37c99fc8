// `mathakine db import SOURCE --to TARGET`: a database of any version of the original app (or ours),
// read as one SQLite snapshot, copied into PostgreSQL or a SQLite file, what we do not model kept in
// the legacy area, all verified by counts and checksums in one transaction before it commits.
import { describeTarget, parseDatabaseUrl } from '../../db/url.js';
import { silentProgress } from '../progress.js';
import {
  badRowsMessage,
  describeError,
  elapsed,
  finishBadRows,
  ImportFailure,
  legacyReport,
  newStats,
  notEmptyMessage,
  rowsOf,
  scan,
  tableReport,
  tableSummary,
  type ImportOptions,
  type RunContext,
} from './context.js';
import { formatTimestamp } from './convert.js';
import { alembicRevision, legacyPlans, readLegacyRows } from './legacy.js';
import { splitDroppedTables } from './dropped.js';
import { planFromSource } from './plan.js';
import type { ImportReport, TargetInspection } from './report.js';
import { ImportLedger } from './rows.js';
import { openImportSource, type ImportSource } from './source.js';
import { importIntoPostgres, inspectPostgres } from './to-postgres.js';
import { importIntoSqlite, inspectSqlite } from './to-sqlite.js';

export async function importDatabase(options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const startedAt = new Date();
  const dryRun = options.dryRun ?? false;
  const progress = options.progress ?? silentProgress;
  const target = parseDatabaseUrl(options.target);
  const report: ImportReport = {
    ok: false,
    dryRun,
    source: { path: options.source, format: null, kind: null, alembicRevision: null },
    target: {
      dialect: target?.dialect ?? null,
      description: target ? describeTarget(target) : options.target,
      exists: null,
      created: false,
      migrationsApplied: [],
      migrationsPending: [],
    },
    targetState: 'untouched',
    tables: [],
    legacy: [],
    dropped: [],
    badRowCount: 0,
    badRows: [],
    sequences: [],
    interrupted: false,
    error: null,
    seconds: 0,
    phases: {},
    rewards: null,
  };

  let source: ImportSource | undefined;
  try {
    if (!target) throw new ImportFailure('the target must be a PostgreSQL URL (postgres://user:password@host:5432/database) or a SQLite path (…/mathakine.db)');
    const scratchServer = options.scratchServer ?? (target.dialect === 'postgres' ? target.url : undefined);
    source = await openImportSource(options.source, {
      scratchServer,
      trustDump: options.trustDump,
      signal: options.signal,
      onStep: (label) => progress.start(label),
    });
    report.source.path = source.description;
    report.source.format = source.format;
    if (source.format !== 'sqlite') progress.finish(`${source.description} read`);
    // one read transaction: every table is read from the same snapshot of the source
    source.db.exec('begin');
    const plan = planFromSource(source.db);
    report.source.kind = plan.kind;
    report.source.alembicRevision = alembicRevision(source.db, plan.unknownTables);
    const { kept: legacyTables, dropped } = splitDroppedTables(source.db, plan.unknownTables);
    report.dropped = dropped;
    const ledger = new ImportLedger(formatTimestamp(Date.now()), options.maxReportedBadRows ?? 1000);
    const run: RunContext = {
      startedAt,
      options,
      report,
      plan: plan.tables,
      legacy: legacyPlans(source.db, plan.tables, legacyTables),
      source: source.db,
      ledger,
      progress,
    };

    if (dryRun) {
      const names = run.plan.map((p) => p.name);
      await dryRunImport(run, () => (target.dialect === 'postgres' ? inspectPostgres(target.url, names) : inspectSqlite(target.path, names)));
    } else if (target.dialect === 'postgres') {
      await importIntoPostgres(run, target.url);
    } else {
      await importIntoSqlite(run, target.path);
    }
    report.ok = report.error === null;
  } catch (error) {
    report.ok = false;
    report.interrupted = options.signal?.aborted ?? false;
    report.error = report.interrupted ? 'interrupted' : describeError(error);
    progress.finish(report.error, false);
  } finally {
    await source?.close().catch(() => {});
    report.seconds = elapsed(started);
  }
  return report;
}

/** Reads and converts everything, inspects the target read-only, writes nothing. */
async function dryRunImport(run: RunContext, inspect: () => Promise<TargetInspection>): Promise<void> {
  const { report, progress } = run;
  progress.start('inspecting the target (read-only)');
  const inspection = await inspect();
  report.target.exists = inspection.exists;
  report.target.migrationsPending = inspection.migrationsPending;
  const refusal = inspection.nonEmpty.length > 0 && !run.options.truncate ? notEmptyMessage(inspection.nonEmpty) : null;
  progress.finish(`target ${report.target.exists ? 'exists' : 'does not exist yet'}${refusal ? ' and is not empty' : ''}`, refusal === null);

  for (const plan of run.plan) {
    const stats = newStats(run, plan);
    const tableStarted = performance.now();
    progress.start(plan.name, stats.sourceRows);
    await scan(rowsOf(run, plan, stats));
    report.tables.push(tableReport(plan, stats, elapsed(tableStarted)));
    progress.finish(tableSummary(report.tables.at(-1)!), stats.skipped === 0);
  }
  for (const plan of run.legacy) {
    const rows = readLegacyRows(run.source, plan);
    for (const _batch of rows.batches); // read and hashed, not written
    report.legacy.push(legacyReport(run, plan, rows.result));
  }
  finishBadRows(run);
  if (refusal) report.error = refusal;
  else if (run.ledger.badRowCount > 0 && !run.options.skipBadRows) report.error = badRowsMessage(run);
}
