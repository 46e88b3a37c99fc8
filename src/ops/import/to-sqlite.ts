// Importing into a SQLite file: our migrations, then ONE immediate transaction (empty, insert, read
// back, legacy area, foreign keys, commit); a failure or interruption before the commit leaves the
// tables as they were (a file this run created holds our schema and no rows).
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../db/client.js';
import { applyMigrations, migrationStatus } from '../../db/migrate.js';
import {
  finishBadRows,
  ImportFailure,
  importRunRecord,
  loadLegacyArea,
  loadTables,
  newStats,
  notEmptyMessage,
  phaseTimer,
  rowsOf,
  type RunContext,
} from './context.js';
import type { TargetInspection } from './report.js';
import { REBUILT_TABLES } from './plan.js';
import { settleRewards } from './rewards.js';
import { SqliteTargetTransaction } from './sqlite-target.js';

/** For --dry-run: whether the file exists, its pending migrations, which tables hold rows (read-only). */
export async function inspectSqlite(file: string, tables: string[]): Promise<TargetInspection> {
  if (!fs.existsSync(file)) return { exists: false, migrationsPending: [], nonEmpty: [] };
  const database = openDatabase({ dialect: 'sqlite', path: file });
  let migrationsPending: string[];
  try {
    migrationsPending = (await migrationStatus(database)).pending.map((m) => m.tag);
  } finally {
    await database.close();
  }
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const transaction = new SqliteTargetTransaction(db);
    const present = new Set(db.prepare(`select name from sqlite_master where type = 'table'`).pluck().all() as string[]);
    const nonEmpty = [...transaction.nonEmptyTables(tables.filter((t) => present.has(t))), ...transaction.legacyTables().nonEmpty];
    return { exists: true, migrationsPending, nonEmpty };
  } finally {
    db.close();
  }
}

export async function importIntoSqlite(run: RunContext, file: string): Promise<void> {
  const { report, progress, options } = run;
  const phase = phaseTimer(report);
  phase('prepare');
  progress.start(`preparing ${report.target.description}`);
  report.target.created = !fs.existsSync(file);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = openDatabase({ dialect: 'sqlite', path: file });
  try {
    report.target.migrationsApplied = await applyMigrations(database);
  } finally {
    await database.close();
  }
  report.target.exists = true;
  report.targetState = report.target.created ? 'empty' : 'unchanged';

  const db = new BetterSqlite3(file, { fileMustExist: true });
  db.pragma('busy_timeout = 30000');
  const transaction = new SqliteTargetTransaction(db);
  try {
    const tableNames = run.plan.map((p) => p.name);
    transaction.begin();
    const legacyArea = transaction.legacyTables();
    const nonEmpty = [...transaction.nonEmptyTables(tableNames), ...legacyArea.nonEmpty];
    if (nonEmpty.length > 0 && !options.truncate) throw new ImportFailure(notEmptyMessage(nonEmpty));
    transaction.truncate([...tableNames, ...REBUILT_TABLES]);
    transaction.clearLegacyArea(legacyArea.names);
    progress.finish(
      `${report.target.description} ready${report.target.created ? ' (created)' : ''}, ${report.target.migrationsApplied.length} migration(s) applied`,
    );

    await loadTables(run, phase, {
      rows: (plan) => {
        const stats = newStats(run, plan);
        return { stats, chunks: rowsOf(run, plan, stats) };
      },
      load: (plan, chunks, signal) => transaction.load(plan, chunks, signal),
      checksum: (plan) => transaction.checksum(plan),
    });

    phase('legacy');
    await loadLegacyArea(run, {
      load: (plan, batches, signal) => transaction.loadLegacy(plan, batches, signal),
      checksum: (plan) => transaction.legacyChecksum(plan),
    });

    report.rewards = await settleRewards('sqlite', async (sql) =>
      /^\s*select/i.test(sql) ? (db.prepare(sql).all() as Record<string, unknown>[]) : (db.prepare(sql).run(), []),
    );

    phase('commit');
    progress.start('checking foreign keys, committing');
    const broken = transaction.foreignKeyViolations();
    if (broken.length > 0) {
      throw new ImportFailure(
        `${broken.length} row(s) reference missing rows (first: ${broken[0].table} rowid ${broken[0].rowid} → ${broken[0].parent}): nothing was imported`,
      );
    }
    options.signal?.throwIfAborted();
    transaction.recordRun(importRunRecord(run));
    transaction.commit();
    report.targetState = 'imported';
    progress.finish('committed');
  } catch (error) {
    finishBadRows(run);
    transaction.rollback();
    throw error;
  } finally {
    phase(null);
    db.close();
  }
}
