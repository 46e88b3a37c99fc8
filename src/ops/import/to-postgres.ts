// Importing into PostgreSQL in ONE transaction (lock, truncate; per table COPY, indexes, verify; legacy
// area, foreign keys, sequences, commit): a failure or interruption before the commit leaves the tables
// as they were (a database this run created stays empty; migrations it applied stay applied).
import { openDatabase, type PostgresDatabase } from '../../db/client.js';
import { applyMigrations, migrationStatus } from '../../db/migrate.js';
import { ConversionAhead } from './ahead.js';
import { finishBadRows, ImportFailure, importRunRecord, loadLegacyArea, loadTables, notEmptyMessage, phaseTimer, type RunContext } from './context.js';
import { ensureTargetDatabase, IMPORT_APPLICATION_NAME, LEGACY_SCHEMA, nonEmptyTables, TargetTransaction } from './pg-target.js';
import type { TargetInspection } from './report.js';
import { REBUILT_TABLES } from './plan.js';
import { settleRewards } from './rewards.js';

/** For --dry-run: whether the database exists, its pending migrations, which tables hold rows (read-only). */
export async function inspectPostgres(url: string, tables: string[]): Promise<TargetInspection> {
  const state = await ensureTargetDatabase(url, { create: false });
  if (state !== 'existing') return { exists: false, migrationsPending: [], nonEmpty: [] };
  const database = openImportDatabase(url);
  try {
    const migrationsPending = (await migrationStatus(database)).pending.map((m) => m.tag);
    const client = await database.pool.connect();
    try {
      const transaction = new TargetTransaction(client);
      const nonEmpty = await nonEmptyTables(client, tables);
      const legacy = await client.query(`select 1 from pg_namespace where nspname = $1`, [LEGACY_SCHEMA]);
      if (legacy.rows.length > 0) nonEmpty.push(...(await transaction.legacyTables()).nonEmpty);
      return { exists: true, migrationsPending, nonEmpty };
    } finally {
      client.release();
    }
  } finally {
    await database.close();
  }
}

export function openImportDatabase(url: string): PostgresDatabase {
  // a load is one long transaction: no statement timeout, no connection recycling mid-way
  return openDatabase(url, {
    pool: { max: 2, statementTimeoutMs: 0, maxLifetimeSeconds: 0, connectionTimeoutMillis: 15_000, applicationName: IMPORT_APPLICATION_NAME },
  }) as PostgresDatabase;
}

export async function importIntoPostgres(run: RunContext, url: string): Promise<void> {
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
      await transaction.begin([...tableNames, ...REBUILT_TABLES]);
      const legacyArea = await transaction.legacyTables();
      const nonEmpty = [...(await transaction.nonEmptyTables(tableNames)), ...legacyArea.nonEmpty];
      if (nonEmpty.length > 0 && !options.truncate) throw new ImportFailure(notEmptyMessage(nonEmpty));
      await transaction.truncate([...tableNames, ...REBUILT_TABLES]);
      await transaction.clearLegacyArea(legacyArea.names);
      // protected tables keep every object they have; they have no secondary index or foreign key anyway
      await transaction.dropIndexesAndForeignKeys(run.plan.filter((p) => !p.isProtected).map((p) => p.name));
      const migrated = report.target.migrationsApplied.length;
      progress.finish(`${report.target.description} ready${report.target.created ? ' (created)' : ''}, ${migrated} migration(s) applied`);

      const ahead = new ConversionAhead(run);
      await loadTables(run, phase, {
        rows: (_plan, index) => ahead.take(index),
        load: (plan, chunks, signal) => transaction.copyIn(plan, chunks, signal),
        // the server builds indexes and reads the table back while this thread converts the next tables
        afterLoad: async (plan) => {
          phase('indexes');
          await ahead.meanwhile(transaction.restoreIndexes(plan.name));
        },
        checksum: (plan) => ahead.meanwhile(transaction.checksum(plan)),
      });

      phase('legacy');
      await loadLegacyArea(run, {
        load: (plan, batches, signal) => transaction.copyLegacy(plan, batches, signal),
        checksum: (plan) => transaction.legacyChecksum(plan),
      });

      phase('indexes');
      progress.start('adding foreign keys back, resetting sequences, committing');
      await transaction.restoreForeignKeys();
      report.sequences = await transaction.resetSequences(tableNames);
      // after the sequences: the opening ledger rows take new ids
      report.rewards = await settleRewards('postgres', async (sql) => (await client.query(sql)).rows);
      options.signal?.throwIfAborted();
      phase('commit');
      await transaction.recordRun(importRunRecord(run));
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
