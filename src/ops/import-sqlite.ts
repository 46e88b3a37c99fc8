// `mathakine db import-sqlite FILE --to URL`: copy a SQLite database (ours, or the legacy Python
// app's) into PostgreSQL, every row converted, verified and reported.
//
// Guarantee: the rows are replaced in ONE PostgreSQL transaction (lock, truncate, then per table:
// COPY, rebuild its indexes, read it back and compare counts and checksums; then foreign keys,
// identity sequences, commit). A run that fails or is interrupted at any point before the commit
// (a bad row, a verification difference, Ctrl-C, a killed process, a lost connection) leaves the
// target's tables exactly as they were; when this run created the database, it is left empty with
// our schema. Migrations this run applied stay applied (they are what the service would apply).
//
// Verification: both sides hash the same canonical text of every imported row, in primary-key
// order (see import-sqlite/convert.ts): this side from the values it converted and sent, the
// target side from what PostgreSQL prints back (COPY ... TO), inside the transaction.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type PostgresDatabase } from '../db/client.js';
import { applyMigrations, migrationStatus } from '../db/migrate.js';
import { describeTarget, parseDatabaseUrl } from '../db/url.js';
import { errorMessage, silentProgress, type Progress } from './progress.js';
import { formatTimestamp } from './import-sqlite/convert.js';
import { planFromSource, type SourceKind, type TablePlan } from './import-sqlite/plan.js';
import { convertTableRows, countSourceRows, ImportLedger, type BadRow, type TableCopyStats } from './import-sqlite/rows.js';
import {
  ensureTargetDatabase,
  IMPORT_APPLICATION_NAME,
  nonEmptyTables,
  TargetTransaction,
  type SequenceReset,
} from './import-sqlite/target.js';

export type { BadRow } from './import-sqlite/rows.js';
export { formatImportReport } from './import-sqlite/report.js';

export interface ImportSqliteOptions {
  /** path of the SQLite file */
  source: string;
  /** PostgreSQL URL; `?sslmode=require` for hosted databases */
  target: string;
  /** replace the rows of a non-empty target (otherwise it is refused) */
  truncate?: boolean;
  /** import the other rows when some cannot be converted (they are still reported) */
  skipBadRows?: boolean;
  /** read and convert everything, report, write nothing */
  dryRun?: boolean;
  /** aborting cancels the run; the target is left as promised above */
  signal?: AbortSignal;
  /** one step per table (start with its row count, rows read, a summary), and the steps around them */
  progress?: Progress;
  /** how many bad rows the report lists (all are counted); default 1000 */
  maxReportedBadRows?: number;
}

export interface TableReport {
  table: string;
  /** the source table's name, or null when the source has no such table */
  sourceTable: string | null;
  sourceRows: number;
  skipped: number;
  imported: number;
  /** rows in the target after the load (not for --dry-run) */
  targetRows: number | null;
  sourceChecksum: string;
  targetChecksum: string | null;
  /** counts and checksums equal on both sides; null when not verified */
  verified: boolean | null;
  /** source columns our schema does not have (not copied) */
  ignoredColumns: string[];
  /** our columns the source lacks (filled with their default) */
  missingColumns: string[];
  /** rows whose NULL became the column's default, per column */
  defaultsFilled: Record<string, number>;
  seconds: number;
}

/**
 * What became of the target: `imported` (committed and verified), `unchanged` (its tables exactly as
 * before the run), `empty` (this run created the database; it holds our schema and no rows),
 * `untouched` (nothing was written: --dry-run, or a failure before connecting).
 */
export type TargetState = 'imported' | 'unchanged' | 'empty' | 'untouched';

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  source: { path: string; kind: SourceKind | null };
  target: {
    description: string;
    /** for --dry-run: whether the database exists yet */
    exists: boolean | null;
    created: boolean;
    migrationsApplied: string[];
    /** --dry-run only: the migrations a real run would apply */
    migrationsPending: string[];
  };
  targetState: TargetState;
  tables: TableReport[];
  /** source tables that are not in our schema: not copied */
  unknownSourceTables: { name: string; rows: number }[];
  badRowCount: number;
  /** the first maxReportedBadRows bad rows */
  badRows: BadRow[];
  sequences: SequenceReset[];
  interrupted: boolean;
  error: string | null;
  seconds: number;
  /** seconds per phase of the run (prepare, copy, indexes, verify, commit) */
  phases: Record<string, number>;
}

class ImportFailure extends Error {}

function openSource(file: string): BetterSqlite3.Database {
  if (!fs.existsSync(file)) throw new ImportFailure(`no such file: ${file}`);
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    source.pragma('schema_version'); // throws "file is not a database" for anything else
  } catch (error) {
    source.close();
    throw new ImportFailure(`${file} is not a SQLite database (${(error as Error).message})`);
  }
  return source;
}

const elapsed = (since: number) => (performance.now() - since) / 1000;

/** Records how long each phase took, ending the previous one when the next begins. */
function phaseTimer(report: ImportReport): (name: string | null) => void {
  let current: { name: string; started: number } | null = null;
  return (name) => {
    if (current) report.phases[current.name] = (report.phases[current.name] ?? 0) + elapsed(current.started);
    current = name ? { name, started: performance.now() } : null;
  };
}

export async function importSqlite(options: ImportSqliteOptions): Promise<ImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const progress = options.progress ?? silentProgress;
  const targetUrl = parseDatabaseUrl(options.target);
  const report: ImportReport = {
    ok: false,
    dryRun,
    source: { path: path.resolve(options.source), kind: null },
    target: {
      description: targetUrl?.dialect === 'postgres' ? describeTarget(targetUrl) : options.target,
      exists: null,
      created: false,
      migrationsApplied: [],
      migrationsPending: [],
    },
    targetState: 'untouched',
    tables: [],
    unknownSourceTables: [],
    badRowCount: 0,
    badRows: [],
    sequences: [],
    interrupted: false,
    error: null,
    seconds: 0,
    phases: {},
  };

  let source: BetterSqlite3.Database | undefined;
  try {
    if (targetUrl?.dialect !== 'postgres') throw new ImportFailure('the target must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
    source = openSource(options.source);
    // one read transaction: every table is read from the same snapshot of the source
    source.exec('begin');
    const plan = planFromSource(source);
    report.source.kind = plan.kind;
    report.unknownSourceTables = plan.unknownTables;
    const ledger = new ImportLedger(formatTimestamp(Date.now()), options.maxReportedBadRows ?? 1000);
    const run: RunContext = { options, report, plan: plan.tables, source, ledger, progress };

    if (dryRun) await dryRunImport(run, targetUrl.url);
    else await importIntoTarget(run, targetUrl.url);
    report.ok = report.error === null;
  } catch (error) {
    report.ok = false;
    report.interrupted = options.signal?.aborted ?? false;
    report.error = report.interrupted ? 'interrupted' : describeError(error);
    progress.finish(report.error, false);
  } finally {
    source?.close();
    report.seconds = elapsed(started);
  }
  return report;
}

interface RunContext {
  options: ImportSqliteOptions;
  report: ImportReport;
  plan: TablePlan[];
  source: BetterSqlite3.Database;
  ledger: ImportLedger;
  progress: Progress;
}

function describeError(error: unknown): string {
  // PostgreSQL refusing a value we did not pre-check names the table and line in `where`
  const { detail, where } = error as { detail?: string; where?: string };
  return [errorMessage(error), detail, where].filter(Boolean).join(' — ');
}

function tableReport(plan: TablePlan, stats: TableCopyStats, seconds: number): TableReport {
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
    ignoredColumns: plan.source?.ignoredColumns ?? [],
    missingColumns: plan.source ? plan.columns.filter((c) => !c.sourceName).map((c) => c.name) : [],
    defaultsFilled: stats.defaultsFilled,
    seconds,
  };
}

function newStats(run: RunContext, plan: TablePlan): TableCopyStats {
  return { sourceRows: countSourceRows(run.source, plan), readRows: 0, imported: 0, skipped: 0, defaultsFilled: {} };
}

function rowsOf(run: RunContext, plan: TablePlan, stats: TableCopyStats, isLoading: () => boolean = () => true) {
  return convertTableRows({
    source: run.source,
    plan,
    ledger: run.ledger,
    stats,
    onChunk: () => {
      run.options.signal?.throwIfAborted();
      // converted ahead of its turn, a table reports its progress when its turn comes
      if (isLoading()) run.progress.update(stats.readRows, stats.sourceRows);
    },
  });
}

/** Converts without writing anywhere (dry run, or after a bad row doomed the run). */
async function scan(chunks: Iterable<Buffer>): Promise<void> {
  let count = 0;
  for (const _chunk of chunks) {
    if (++count % 8 === 0) await nextTurn(); // let progress bars and signals through
  }
}

/** How much COPY text may wait in memory, converted ahead of its table's turn. */
const AHEAD_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Converts the tables that come after the one being loaded, ahead of their turn and into memory
 * (within a budget), while the server is busy with the current table's indexes and read-back:
 * this thread works while it would otherwise wait. Tables are still converted strictly in order
 * (foreign key checks need their parents' ids); a table can be taken half-converted, and the rest
 * of it then streams.
 */
class ConversionAhead {
  private readonly tables: { stats: TableCopyStats; converted: Buffer[]; rows: Iterator<Buffer>; finished: boolean }[] = [];
  private current = -1;
  private bufferedBytes = 0;

  constructor(readonly run: RunContext) {}

  private start(index: number) {
    const plan = this.run.plan[index];
    const stats = newStats(this.run, plan);
    const table = { stats, converted: [] as Buffer[], rows: rowsOf(this.run, plan, stats, () => index === this.current), finished: false };
    this.tables[index] = table;
    return table;
  }

  /** The table's rows for loading now: what was converted ahead, then the rest. */
  take(index: number): { stats: TableCopyStats; chunks: Iterable<Buffer> } {
    this.current = index;
    const table = this.tables[index] ?? this.start(index);
    const ahead = this;
    function* chunks(): Generator<Buffer> {
      for (let chunk = table.converted.shift(); chunk; chunk = table.converted.shift()) {
        ahead.bufferedBytes -= chunk.length;
        ahead.run.options.signal?.throwIfAborted();
        yield chunk;
      }
      if (!table.finished) yield* { [Symbol.iterator]: () => table.rows };
      table.finished = true;
    }
    return { stats: table.stats, chunks: chunks() };
  }

  /** Converts one more chunk ahead; false when there is nothing to do now. */
  private step(): boolean {
    if (this.bufferedBytes >= AHEAD_BUDGET_BYTES) return false;
    // the first table not yet fully converted; the current one belongs to the loader
    let index = this.current + 1;
    while (this.tables[index]?.finished) index++;
    if (index >= this.run.plan.length || (this.tables[this.current] && !this.tables[this.current].finished)) return false;
    const table = this.tables[index] ?? this.start(index);
    const next = table.rows.next();
    if (next.done) table.finished = true;
    else {
      table.converted.push(next.value);
      this.bufferedBytes += next.value.length;
    }
    return true;
  }

  /** Awaits `work` (on the server), converting ahead in the meantime. */
  async meanwhile<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => {}); // the rejection is delivered by the await below
    while (!settled && this.step()) await nextTurn(); // lets the server's replies through between chunks
    return done;
  }
}

function badRowsMessage(run: RunContext): string {
  const first = run.ledger.badRows[0];
  return (
    `${run.ledger.badRowCount} row(s) cannot be converted (first: ${first.table} id ${String(first.id)}, ${first.column}: ${first.reason}); ` +
    'nothing was imported. Fix them in the source, or pass --skip-bad-rows to import the rest'
  );
}

function finishBadRows(run: RunContext) {
  run.report.badRowCount = run.ledger.badRowCount;
  run.report.badRows = run.ledger.badRows;
}

async function dryRunImport(run: RunContext, url: string): Promise<void> {
  const { report, progress } = run;
  progress.start('inspecting the target (read-only)');
  const state = await ensureTargetDatabase(url, { create: false });
  report.target.exists = state === 'existing';
  let refusal: string | null = null;
  if (state === 'existing') {
    const database = openImportDatabase(url);
    try {
      report.target.migrationsPending = (await migrationStatus(database)).pending.map((m) => m.tag);
      const client = await database.pool.connect();
      try {
        const nonEmpty = await nonEmptyTables(client, run.plan.map((p) => p.name));
        if (nonEmpty.length > 0 && !run.options.truncate) refusal = notEmptyMessage(nonEmpty);
      } finally {
        client.release();
      }
    } finally {
      await database.close();
    }
  }
  progress.finish(`target ${report.target.exists ? 'exists' : 'does not exist yet'}${refusal ? ' and is not empty' : ''}`, refusal === null);

  for (const plan of run.plan) {
    const stats = newStats(run, plan);
    const tableStarted = performance.now();
    progress.start(plan.name, stats.sourceRows);
    await scan(rowsOf(run, plan, stats));
    report.tables.push(tableReport(plan, stats, elapsed(tableStarted)));
    progress.finish(tableSummary(report.tables.at(-1)!), stats.skipped === 0);
  }
  finishBadRows(run);
  if (refusal) report.error = refusal;
  else if (run.ledger.badRowCount > 0 && !run.options.skipBadRows) report.error = badRowsMessage(run);
}

function tableSummary(table: TableReport): string {
  const rows = (n: number) => n.toLocaleString('en-US');
  const verified = table.verified === null ? '' : table.verified ? ', verified' : ', DIFFERS in the target';
  return `${table.table}: ${rows(table.imported)} rows ${table.targetRows === null ? 'converted' : 'imported'}, ${rows(table.skipped)} bad${verified} (${table.seconds.toFixed(1)} s)`;
}

function notEmptyMessage(tables: string[]): string {
  return `the target is not empty (rows in ${tables.join(', ')}); pass --truncate to replace its content`;
}

function openImportDatabase(url: string): PostgresDatabase {
  // a load is one long transaction: no statement timeout, no connection recycling mid-way
  return openDatabase(url, {
    pool: { max: 2, statementTimeoutMs: 0, maxLifetimeSeconds: 0, connectionTimeoutMillis: 15_000, applicationName: IMPORT_APPLICATION_NAME },
  }) as PostgresDatabase;
}

async function importIntoTarget(run: RunContext, url: string): Promise<void> {
  const { report, progress, options } = run;
  const phase = phaseTimer(report);
  phase('prepare');
  progress.start(`preparing ${report.target.description}`);
  const state = await ensureTargetDatabase(url, { create: true });
  report.target.exists = true;
  report.target.created = state === 'created';
  // from here on a failure leaves the tables as they were, or the new database empty
  report.targetState = report.target.created ? 'empty' : 'unchanged';

  const database = openImportDatabase(url);
  try {
    report.target.migrationsApplied = await applyMigrations(database);

    const client = await database.pool.connect();
    const transaction = new TargetTransaction(client);
    const tableNames = run.plan.map((p) => p.name);
    let connectionBroken = false;
    try {
      await transaction.begin(tableNames);
      const nonEmpty = await transaction.nonEmptyTables(tableNames);
      if (nonEmpty.length > 0 && !options.truncate) throw new ImportFailure(notEmptyMessage(nonEmpty));
      await transaction.truncate(tableNames);
      // protected tables keep every object they have; they have no secondary index or foreign key anyway
      await transaction.dropIndexesAndForeignKeys(run.plan.filter((p) => !p.isProtected).map((p) => p.name));
      const migrated = report.target.migrationsApplied.length;
      progress.finish(`${report.target.description} ready${report.target.created ? ' (created)' : ''}, ${migrated} migration(s) applied`);

      let doomed = false;
      const ahead = new ConversionAhead(run);
      for (const [index, plan] of run.plan.entries()) {
        const tableStarted = performance.now();
        const { stats, chunks } = ahead.take(index);
        progress.start(plan.name, stats.sourceRows);
        progress.update(stats.readRows, stats.sourceRows);
        phase('copy');
        if (doomed) await scan(chunks);
        else await transaction.copyIn(plan, chunks, options.signal);
        // a bad row dooms the run; the other tables are still read, to report every bad row at once
        if (run.ledger.badRowCount > 0 && !options.skipBadRows) doomed = true;
        const table = tableReport(plan, stats, 0);
        report.tables.push(table);
        if (!doomed) {
          // the server builds indexes and reads the table back while this thread converts the next tables
          phase('indexes');
          await ahead.meanwhile(transaction.restoreIndexes(plan.name));
          phase('verify');
          const target = await ahead.meanwhile(transaction.checksum(plan));
          table.targetRows = target.rows;
          table.targetChecksum = target.checksum;
          table.verified = target.rows === table.imported && target.checksum === table.sourceChecksum;
        }
        table.seconds = elapsed(tableStarted);
        progress.finish(tableSummary(table), stats.skipped === 0 && table.verified !== false);
      }
      finishBadRows(run);
      if (doomed) throw new ImportFailure(badRowsMessage(run));
      const different = report.tables.filter((t) => !t.verified);
      if (different.length > 0) {
        throw new ImportFailure(`verification failed for ${different.map((t) => t.table).join(', ')}: nothing was imported`);
      }

      phase('indexes');
      progress.start('adding foreign keys back, resetting sequences, committing');
      await transaction.restoreForeignKeys();
      report.sequences = await transaction.resetSequences(tableNames);
      options.signal?.throwIfAborted();
      phase('commit');
      await transaction.commit();
      report.targetState = 'imported';
      progress.finish('committed');
    } catch (error) {
      finishBadRows(run);
      await transaction.rollback().catch(() => {
        connectionBroken = true; // the server rolls back on its own when the connection is gone
      });
      throw error;
    } finally {
      client.release(connectionBroken);
    }
  } finally {
    phase(null);
    await database.close();
  }
}
