// `mathakine db restore FILE` (and `db migrate`'s automatic restore): the database becomes exactly the
// backup. SQLite: the online backup API copies its pages over the live file; PostgreSQL: tables the
// backup does not know are dropped, then pg_restore --clean in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Dialect, PostgresDatabase, SqliteDatabase } from '../db/client.js';
import { quoteIdentifier } from '../db/identifiers.js';
import { verifyPgDump } from './backup.js';
import { listLiveTables } from './indexes.js';
import { runPgTool } from './pg-tools.js';
import { elapsedMs, silentProgress, type Progress } from './progress.js';

export const restoreResultSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  file: z.string(),
  replaced_rows_in: z.array(z.string()).describe('tables that had rows before the restore'),
  duration_ms: z.number(),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreOptions {
  /** replace a database that has rows (the CLI's --yes) */
  force?: boolean;
  progress?: Progress;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const PG_CUSTOM_HEADER = 'PGDMP';

/** What kind of backup a file is, from its first bytes. */
export function backupKind(file: string): Dialect | null {
  const handle = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const read = fs.readSync(handle, head, 0, 16, 0);
    const text = head.subarray(0, read).toString('latin1');
    if (text === SQLITE_HEADER) return 'sqlite';
    if (text.startsWith(PG_CUSTOM_HEADER)) return 'postgres';
    return null;
  } finally {
    fs.closeSync(handle);
  }
}

/** Tables of the live database holding at least one row (drizzle's bookkeeping aside). */
export async function tablesWithRows(database: Database): Promise<string[]> {
  const result: string[] = [];
  for (const table of await listLiveTables(database)) {
    if (table === '__drizzle_migrations') continue;
    const rows = await database.query(sql`select 1 as present from ${sql.identifier(table)} limit 1`);
    if (rows.length > 0) result.push(table);
  }
  return result;
}

export async function restoreDatabase(database: Database, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const startedAt = performance.now();
  const progress = options.progress ?? silentProgress;
  const source = path.resolve(file);
  if (!fs.existsSync(source) || !fs.statSync(source).isFile()) throw new RestoreRefusedError(`no backup file at ${source}`);
  const kind = backupKind(source);
  if (kind === null) throw new RestoreRefusedError(`${source} is neither a SQLite database nor a pg_dump custom-format archive`);
  if (kind !== database.dialect) {
    throw new RestoreRefusedError(
      `${source} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup but the database is ${database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}` +
        (kind === 'sqlite' ? ' (to move SQLite data into PostgreSQL use `mathakine db import-sqlite`)' : ''),
    );
  }

  // Check the backup before touching anything.
  progress.start('verify backup');
  const verification = kind === 'sqlite' ? verifyReadOnlySqlite(source) : await verifyPgDump(source);
  progress.finish(`backup verified: ${verification}`);

  const nonEmpty = await tablesWithRows(database);
  if (nonEmpty.length > 0 && !options.force) {
    throw new RestoreRefusedError(
      `the database is not empty (rows in ${nonEmpty.join(', ')}): restoring replaces all of it; pass --yes to confirm`,
    );
  }

  if (database.dialect === 'sqlite') await restoreSqlite(database, source, progress);
  else await restorePostgres(database, source, progress);

  return { dialect: database.dialect, file: source, replaced_rows_in: nonEmpty, duration_ms: elapsedMs(startedAt) };
}

/** integrity_check on a read-only connection: the backup file itself is never modified. */
function verifyReadOnlySqlite(file: string): string {
  const copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new RestoreRefusedError(`the backup ${file} fails integrity_check: ${String(result)}`);
    return 'integrity_check ok';
  } finally {
    copy.close();
  }
}

async function restoreSqlite(database: SqliteDatabase, source: string, progress: Progress) {
  progress.start('restore (SQLite online backup)', 1);
  // Holding the writer: no write of this process interleaves; other processes wait on SQLite's lock.
  await database.withWriter(async () => {
    const backup = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
    try {
      await backup.backup(path.resolve(database.target.path), {
        progress: ({ totalPages, remainingPages }) => {
          progress.update(totalPages - remainingPages, totalPages);
          return 512;
        },
      });
    } finally {
      backup.close();
    }
  });
  progress.finish('restored');
}

// A TOC line of pg_restore --list: "215; 1259 22949 TABLE public users postgres"
const TOC_TABLE = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /;

async function restorePostgres(database: PostgresDatabase, source: string, progress: Progress) {
  const { stdout } = await runPgTool('pg_restore', ['--list', source]);
  const dumped = new Set<string>();
  for (const line of stdout.split('\n')) {
    const match = TOC_TABLE.exec(line);
    if (match) dumped.add(`${match[1]}.${match[2]}`);
  }
  const schemas = [...new Set([...dumped].map((t) => t.split('.')[0]))];

  // pg_restore --clean drops only what the archive has; a table created since (say by a
  // migration that failed half-way) would survive, so it goes first.
  progress.start('drop tables the backup does not have');
  const live = await database.query<{ schemaname: string; tablename: string }>(
    sql`select schemaname, tablename from pg_tables where schemaname = any(${sql.param(schemas)})`,
  );
  const extra = live.filter((t) => !dumped.has(`${t.schemaname}.${t.tablename}`));
  if (extra.length > 0) {
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      for (const t of extra) await client.query(`drop table if exists ${quoteIdentifier(t.schemaname)}.${quoteIdentifier(t.tablename)} cascade`);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  progress.finish(extra.length ? `dropped ${extra.map((t) => t.tablename).join(', ')}` : 'no extra tables');

  const url = new URL(database.target.url);
  const dbname = decodeURIComponent(url.pathname.replace(/^\//, ''));
  let steps = 0;
  progress.start('restore (pg_restore)');
  await runPgTool(
    'pg_restore',
    ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', '--no-acl', '--verbose', `--dbname=${dbname}`, source],
    { url: database.target.url, onStderrLine: () => progress.update(++steps) },
  );
  progress.finish('restored');
}

/** The report for people (the CLI without --json). */
export function formatRestore(r: RestoreResult, target: string): string {
  return `restored ${target} from ${r.file} in ${Math.round(r.duration_ms)} ms`;
}
