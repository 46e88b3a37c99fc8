// What one import run shares between its steps (source, plans, ledger, report, progress) and the
// small helpers every target uses: table reports, progress summaries, the messages for refusals.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { errorMessage, type Progress } from '../progress.js';
import { countLegacyRows, readLegacyRows, rejectedRowsPlan, type LegacyTablePlan } from './legacy.js';
import { DROPPED_SOURCE_COLUMNS, type TablePlan } from './plan.js';
import { legacyTargetName, type ImportReport, type LegacyTableReport, type TableReport } from './report.js';
import type { ImportRunRecord } from './run-record.js';
import { convertTableRows, countSourceRows, type ImportLedger, type TableCopyStats } from './rows.js';

export interface ImportOptions {
  /** a SQLite file, a PostgreSQL URL (the original's database or one of ours), or a dump of the original (.sql, .sql.gz, -Fc) */
  source: string;
  /** a PostgreSQL URL (`?sslmode=require` for hosted databases) or a SQLite path */
  target: string;
  /** where a dump is loaded first: a PostgreSQL URL on whose server a scratch database may be created (default: the target's, when PostgreSQL) */
  scratchServer?: string;
  /** load a dump even as a role that reaches beyond its databases (a superuser): the operator vouches for it */
  trustDump?: boolean;
  /** replace the rows of a non-empty target (otherwise it is refused) */
  truncate?: boolean;
  /** import the other rows when some cannot be converted (they are still reported) */
  skipBadRows?: boolean;
  /** read and convert everything, report, write nothing */
  dryRun?: boolean;
  /** aborting cancels the run; the target is left as promised */
  signal?: AbortSignal;
  /** one step per table (start with its row count, rows read, a summary), and the steps around them */
  progress?: Progress;
  /** how many bad rows the report lists (all are counted); default 1000 */
  maxReportedBadRows?: number;
}

export class ImportFailure extends Error {}

export const elapsed = (since: number) => (performance.now() - since) / 1000;

/** Records how long each phase took, ending the previous one when the next begins. */
export function phaseTimer(report: ImportReport): (name: string | null) => void {
  let current: { name: string; started: number } | null = null;
  return (name) => {
    if (current) report.phases[current.name] = (report.phases[current.name] ?? 0) + elapsed(current.started);
    current = name ? { name, started: performance.now() } : null;
  };
}

export interface RunContext {
  /** when the run began (the import_runs row's started_at) */
  startedAt: Date;
  options: ImportOptions;
  report: ImportReport;
  plan: TablePlan[];
  legacy: LegacyTablePlan[];
  source: BetterSqlite3.Database;
  ledger: ImportLedger;
  progress: Progress;
}

/** The target's `import_runs` row for this run, as it is about to commit. */
export function importRunRecord(run: RunContext): ImportRunRecord {
  return {
    startedAt: run.startedAt,
    finishedAt: new Date(),
    source: run.report.source.path,
    rows: run.report.tables.reduce((sum, t) => sum + t.imported, 0),
  };
}

export function describeError(error: unknown): string {
  // PostgreSQL refusing a value we did not pre-check names the table and line in `where`
  const { detail, where } = error as { detail?: string; where?: string };
  return [errorMessage(error), detail, where].filter(Boolean).join(' — ');
}

export function tableReport(plan: TablePlan, stats: TableCopyStats, seconds: number): TableReport {
  return {
    table: plan.name,
    sourceTable: plan.source?.name ?? null,
    sourceRows: stats.sourceRows,
    skipped: stats.skipped,
    imported: stats.imported,
    targetRows: null,
    sourceChecksum: stats.checksum!,
    targetChecksum: null,
    verified: null,
    legacyColumns: plan.source?.ignoredColumns ?? [],
    droppedColumns: (plan.source?.droppedColumns ?? []).map((column) => ({ column, reason: DROPPED_SOURCE_COLUMNS[plan.name][column.toLowerCase()] })),
    missingColumns: plan.source ? plan.columns.filter((c) => !c.sourceName).map((c) => c.name) : [],
    seconds,
  };
}

export function newStats(run: RunContext, plan: TablePlan): TableCopyStats {
  return { sourceRows: countSourceRows(run.source, plan), readRows: 0, imported: 0, skipped: 0 };
}

export function rowsOf(run: RunContext, plan: TablePlan, stats: TableCopyStats, isLoading: () => boolean = () => true) {
  return convertTableRows({
    source: run.source,
    plan,
    ledger: run.ledger,
    stats,
    millisecondTimestamps: run.report.target.dialect === 'sqlite',
    onChunk: () => {
      run.options.signal?.throwIfAborted();
      // converted ahead of its turn, a table reports its progress when its turn comes
      if (isLoading()) run.progress.update(stats.readRows, stats.sourceRows);
    },
  });
}

/** Converts without writing anywhere (dry run, or after a bad row doomed the run). */
export async function scan(chunks: Iterable<Buffer>): Promise<void> {
  let count = 0;
  for (const _chunk of chunks) {
    if (++count % 8 === 0) await nextTurn(); // let progress bars and signals through
  }
}

export function badRowsMessage(run: RunContext): string {
  const first = run.ledger.badRows[0];
  return (
    `${run.ledger.badRowCount} row(s) cannot be converted (first: ${first.table} id ${String(first.id)}, ${first.column}: ${first.reason}); ` +
    'nothing was imported. Fix them in the source, or pass --skip-bad-rows to import the rest'
  );
}

export function finishBadRows(run: RunContext) {
  run.report.badRowCount = run.ledger.badRowCount;
  run.report.badRows = run.ledger.badRows;
}

export function tableSummary(table: TableReport): string {
  const rows = (n: number) => n.toLocaleString('en-US');
  const verified = table.verified === null ? '' : table.verified ? ', verified' : ', DIFFERS in the target';
  return `${table.table}: ${rows(table.imported)} rows ${table.targetRows === null ? 'converted' : 'imported'}, ${rows(table.skipped)} bad${verified} (${table.seconds.toFixed(1)} s)`;
}

export function notEmptyMessage(tables: string[]): string {
  return `the target is not empty (rows in ${tables.join(', ')}); pass --truncate to replace its content`;
}

/** What is left of a legacy table's report once its rows are copied; target figures come from the caller. */
export function legacyReport(run: RunContext, plan: LegacyTablePlan, source: { rows: number; checksum: string }): LegacyTableReport {
  return {
    target: legacyTargetName(run.report.target.dialect ?? 'postgres', plan.name),
    sourceTable: plan.sourceTable,
    holds: plan.holds,
    columns: plan.columns,
    rows: source.rows,
    targetRows: null,
    sourceChecksum: source.checksum,
    targetChecksum: null,
    verified: null,
  };
}

export function legacySummary(table: LegacyTableReport, seconds: number): string {
  const verified = table.verified === null ? '' : table.verified ? ', verified' : ', DIFFERS in the target';
  return `${table.target}: ${table.rows.toLocaleString('en-US')} rows kept verbatim${verified} (${seconds.toFixed(1)} s)`;
}

/** A target's side of our tables: the rows to load, the load, and reading a table back. */
export interface TableTarget {
  /** the `index`th planned table's converted rows, counted in `stats` as they are read */
  rows(plan: TablePlan, index: number): { stats: TableCopyStats; chunks: Iterable<Buffer> };
  load(plan: TablePlan, chunks: Iterable<Buffer>, signal?: AbortSignal): unknown;
  /** between a table's load and its read-back (PostgreSQL rebuilds the table's indexes) */
  afterLoad?(plan: TablePlan): Promise<void>;
  checksum(plan: TablePlan): { rows: number; checksum: string } | Promise<{ rows: number; checksum: string }>;
}

/** Loads and verifies every planned table (inside the target's transaction); throws on a bad row or a difference. */
export async function loadTables(run: RunContext, phase: (name: string | null) => void, target: TableTarget): Promise<void> {
  const { report, progress, options } = run;
  let doomed = false;
  for (const [index, plan] of run.plan.entries()) {
    const tableStarted = performance.now();
    const { stats, chunks } = target.rows(plan, index);
    progress.start(plan.name, stats.sourceRows);
    progress.update(stats.readRows, stats.sourceRows); // rows converted ahead of the table's turn
    phase('copy');
    if (doomed) await scan(chunks);
    else await target.load(plan, chunks, options.signal);
    // a bad row dooms the run; the other tables are still read, to report every bad row at once
    if (run.ledger.badRowCount > 0 && !options.skipBadRows) doomed = true;
    const table = tableReport(plan, stats, 0);
    report.tables.push(table);
    if (!doomed) {
      await target.afterLoad?.(plan);
      phase('verify');
      const written = await target.checksum(plan);
      table.targetRows = written.rows;
      table.targetChecksum = written.checksum;
      table.verified = written.rows === table.imported && written.checksum === table.sourceChecksum;
    }
    table.seconds = elapsed(tableStarted);
    progress.finish(tableSummary(table), stats.skipped === 0 && table.verified !== false);
  }
  finishBadRows(run);
  if (doomed) throw new ImportFailure(badRowsMessage(run));
  const different = report.tables.filter((t) => !t.verified);
  if (different.length > 0) throw new ImportFailure(`verification failed for ${different.map((t) => t.table).join(', ')}: nothing was imported`);
}

/** A target's side of the legacy area: load a table's rows, read them back for the checksum. */
export interface LegacyTarget {
  load(plan: LegacyTablePlan, batches: Iterable<(string | number | null)[][]>, signal?: AbortSignal): void | Promise<void>;
  checksum(plan: LegacyTablePlan): { rows: number; checksum: string } | Promise<{ rows: number; checksum: string }>;
}

/** Copies and verifies every legacy table (inside the target's transaction); throws when one differs. */
export async function loadLegacyArea(run: RunContext, target: LegacyTarget): Promise<void> {
  // nothing dropped: rows our tables could not take (--skip-bad-rows) are kept whole
  for (const plan of run.plan) {
    const skipped = run.ledger.skippedKeys(plan.name);
    if (skipped.length > 0) run.legacy.push(rejectedRowsPlan(run.source, plan, skipped));
  }
  for (const plan of run.legacy) {
    const tableStarted = performance.now();
    const rows = readLegacyRows(run.source, plan);
    run.progress.start(legacyTargetName(run.report.target.dialect ?? 'postgres', plan.name), countLegacyRows(run.source, plan));
    await target.load(plan, rows.batches, run.options.signal);
    const table = legacyReport(run, plan, rows.result);
    const written = await target.checksum(plan);
    table.targetRows = written.rows;
    table.targetChecksum = written.checksum;
    table.verified = written.rows === table.rows && written.checksum === table.sourceChecksum;
    run.report.legacy.push(table);
    run.progress.finish(legacySummary(table, elapsed(tableStarted)), table.verified);
  }
  const different = run.report.legacy.filter((t) => !t.verified);
  if (different.length > 0) throw new ImportFailure(`verification failed for ${different.map((t) => t.target).join(', ')}: nothing was imported`);
}
