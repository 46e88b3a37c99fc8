// `mathakine db restore FILE` (and `db migrate`'s automatic restore): the database becomes exactly the
// backup (SQLite: the backup API copies its pages; PostgreSQL: pg_restore --clean in one transaction),
// or a plain `.sql` dump run in one transaction; a dump that fails changes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Dialect, PostgresDatabase, SqliteDatabase } from '../../db/client.js';
import { quoteIdentifier, SQLITE_USER_TABLES_SQL } from '../../db/identifiers.js';
import { verifyPgDump } from './backup.js';
import { keepErasuresAcrossRestore } from './erasures-after-restore.js';
import { listLiveTables } from '../measure/live-indexes.js';
import { PgToolMissingError, runPgTool } from './pg-tools.js';
import { ensureConfinedRole, runDumpWithPsql } from './psql-dump.js';
import { openUntrustedSqlite } from './sqlite-untrusted.js';
import { elapsedMs, errorMessage, silentProgress, type Progress } from '../progress.js';

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
  /** run a plain PostgreSQL dump even as a role that reaches beyond the database (the CLI's --trust-dump) */
  trustDump?: boolean;
  progress?: Progress;
  /** ERASURE_KEY: to recognise the erased accounts an older backup brings back */
  erasureKey?: string;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const PG_CUSTOM_HEADER = 'PGDMP';
// How plain dumps start: pg_dump's banner comment, sqlite3's `.dump` preamble.
const PG_PLAIN_BANNER = /^-- PostgreSQL database dump\s*$/m;
const SQLITE_DUMP_PREAMBLE = /^PRAGMA foreign_keys=OFF;\s*BEGIN TRANSACTION;/;

export type BackupFormat = 'sqlite-file' | 'pg-custom' | 'sql';

/**
 * What kind of backup a file is, from its first bytes: a SQLite file, a pg_dump custom archive, or
 * a plain SQL dump (pg_dump's or sqlite3's by their preamble; any other text file named `.sql` is
 * taken as written for `fallback`, the target's dialect). Null for anything else.
 */
export function backupFormat(file: string, fallback: Dialect): { format: BackupFormat; dialect: Dialect } | null {
  const handle = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const read = fs.readSync(handle, head, 0, head.length, 0);
    const text = head.subarray(0, read).toString('latin1');
    if (text.startsWith(SQLITE_HEADER)) return { format: 'sqlite-file', dialect: 'sqlite' };
    if (text.startsWith(PG_CUSTOM_HEADER)) return { format: 'pg-custom', dialect: 'postgres' };
    if (text.includes('\0')) return null;
    if (PG_PLAIN_BANNER.test(text)) return { format: 'sql', dialect: 'postgres' };
    if (SQLITE_DUMP_PREAMBLE.test(text)) return { format: 'sql', dialect: 'sqlite' };
    if (/\.sql$/i.test(file)) return { format: 'sql', dialect: fallback };
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
  const kind = backupFormat(source, database.dialect);
  if (kind === null) {
    throw new RestoreRefusedError(`${source} is neither a SQLite database, a pg_dump custom-format archive nor a plain .sql dump`);
  }
  if (kind.dialect !== database.dialect) {
    const what = kind.format === 'sql' ? 'dump' : 'backup';
    throw new RestoreRefusedError(
      `${source} is a ${kind.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${what} but the database is ${database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}` +
        (kind.dialect === 'sqlite' ? ' (to move SQLite data into PostgreSQL use `mathakine db import`)' : ''),
    );
  }

  // Check the backup before touching anything. A SQLite dump is checked by building it, after the
  // confirmation: nothing of a dump runs before the operator said yes.
  progress.start('verify backup');
  let plainDump: PlainDumpObjects | null = null;
  let verification: string;
  if (kind.format === 'sqlite-file') verification = verifyReadOnlySqlite(source);
  else if (kind.format === 'pg-custom') verification = await verifyPgDump(source);
  else if (database.dialect === 'sqlite') verification = 'plain dump, checked when built';
  else {
    plainDump = await scanPlainDump(source);
    await ensureConfinedRole(database.target.url, {
      trustDump: options.trustDump,
      fix: 'Restore with the URL of the role that owns the database (not a superuser)',
    });
    verification = `plain dump, ${plainDump.tables.length} tables`;
  }
  progress.finish(`backup verified: ${verification}`);

  const nonEmpty = await tablesWithRows(database);
  if (nonEmpty.length > 0 && !options.force) {
    throw new RestoreRefusedError(`the database is not empty (rows in ${nonEmpty.join(', ')}): restoring replaces all of it; pass --yes to confirm`);
  }

  let built: { file: string; cleanup: () => void } | null = null;
  try {
    if (kind.format === 'sql' && database.dialect === 'sqlite') {
      progress.start('build the dump into a fresh file (safe mode)');
      built = buildSqliteFromDump(source);
      progress.finish(`dump built: ${verifyReadOnlySqlite(built.file)}`);
    }
    const reapplyErasures = await keepErasuresAcrossRestore(database, { erasureKey: options.erasureKey, progress });
    if (database.dialect === 'sqlite') await restoreSqlite(database, built?.file ?? source, progress);
    else if (plainDump) await restorePostgresSql(database, source, plainDump, progress);
    else await restorePostgres(database, source, progress);
    await reapplyErasures();

    return { dialect: database.dialect, file: source, replaced_rows_in: nonEmpty, duration_ms: elapsedMs(startedAt) };
  } finally {
    built?.cleanup();
  }
}

/** integrity_check on a read-only connection: the backup file itself is never modified. */
function verifyReadOnlySqlite(file: string): string {
  const copy = openUntrustedSqlite(file);
  try {
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new RestoreRefusedError(`the backup ${file} fails integrity_check: ${String(result)}`);
    return `integrity_check ok, ${copy.prepare(SQLITE_USER_TABLES_SQL).all().length} tables`;
  } finally {
    copy.close();
  }
}

// A statement that opens the dump's own transaction (`sqlite3 .dump` writes BEGIN TRANSACTION).
const OPENS_TRANSACTION = /^\s*BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;/im;

/**
 * Executes a SQLite text dump into a fresh file, in one transaction (the dump's own, or one around
 * it), in safe mode (sqlite-untrusted.ts: no ATTACH of the live file or any other, no extension).
 * Refuses a dump that fails or that leaves its transaction open (a truncated file).
 */
function buildSqliteFromDump(source: string): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-sql-restore-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const file = path.join(dir, 'restored.db');
  const fresh = openUntrustedSqlite(file, { writable: true });
  try {
    const text = fs.readFileSync(source, 'utf8');
    try {
      fresh.exec(OPENS_TRANSACTION.test(text) ? text : `BEGIN;\n${text}\nCOMMIT;`);
    } catch (error) {
      // every ATTACH slot is taken (sqlite-untrusted.ts): say what was refused, not SQLite's words
      const cause = /too many attached databases/.test(errorMessage(error))
        ? 'it tries to ATTACH another database file, which a dump may not'
        : errorMessage(error);
      throw new RestoreRefusedError(`the dump ${source} fails: ${cause}${shellCommandHint(text)}; the database was not touched`);
    }
    if (fresh.inTransaction) {
      throw new RestoreRefusedError(`the dump ${source} ends inside its transaction (no COMMIT: truncated?); the database was not touched`);
    }
    if (fresh.prepare(SQLITE_USER_TABLES_SQL).all().length === 0) {
      throw new RestoreRefusedError(`the dump ${source} creates no table: refusing to replace the database with nothing`);
    }
    fresh.close();
    return { file, cleanup };
  } catch (error) {
    if (fresh.open) fresh.close();
    cleanup();
    throw error;
  }
}

/**
 * Where a failing SQLite dump holds a psql meta-command or a sqlite3 shell dot-command (never run
 * here: SQLite sees a syntax error), for the message; SQLite itself names no line.
 */
function shellCommandHint(text: string): string {
  const index = text.split('\n').findIndex((line) => /(^|;)\s*(\\[a-z!]|\.[a-z])/i.test(line));
  return index < 0 ? '' : ` (line ${index + 1} holds a shell command, which a restore never runs)`;
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

/** What a plain pg_dump creates, by qualified name as pg_dump wrote it (lines inside COPY data skipped). */
interface PlainDumpObjects {
  tables: string[];
  sequences: string[];
  types: string[];
  views: string[];
  materializedViews: string[];
  /** ours: the catalogue-version trigger function (migration 0017) */
  functions: string[];
  schemas: string[];
}

const QUALIFIED_NAME = String.raw`((?:"(?:[^"]|"")+"|[^\s."(;]+)(?:\.(?:"(?:[^"]|"")+"|[^\s."(;]+))?)`;
const PLAIN_CREATE = new RegExp(
  String.raw`^CREATE (?:UNLOGGED )?(TABLE|SEQUENCE|TYPE|VIEW|MATERIALIZED VIEW|FUNCTION|SCHEMA) (?:IF NOT EXISTS )?${QUALIFIED_NAME}`,
);

async function scanPlainDump(file: string): Promise<PlainDumpObjects> {
  const found: PlainDumpObjects = { tables: [], sequences: [], types: [], views: [], materializedViews: [], functions: [], schemas: [] };
  const lists: Record<string, string[]> = {
    TABLE: found.tables,
    SEQUENCE: found.sequences,
    TYPE: found.types,
    VIEW: found.views,
    'MATERIALIZED VIEW': found.materializedViews,
    FUNCTION: found.functions,
    SCHEMA: found.schemas,
  };
  let inCopy = false;
  let banner = false;
  let complete = false;
  let number = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    number++;
    if (inCopy) {
      if (line === '\\.') inCopy = false;
      continue;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) inCopy = true;
    else if (/^-- PostgreSQL database dump\s*$/.test(line)) banner = true;
    else if (/^-- PostgreSQL database dump complete\s*$/.test(line)) complete = true;
    else if (/^(\\connect|\\c |CREATE DATABASE )/.test(line)) {
      throw new RestoreRefusedError(
        `${file} creates or switches databases at line ${number} (pg_dump -C or pg_dumpall): dump the one database without -C; nothing was changed`,
      );
    } else {
      const match = PLAIN_CREATE.exec(line);
      if (match) lists[match[1]].push(match[2]);
    }
  }
  if (inCopy) throw new RestoreRefusedError(`the dump ${file} ends inside a COPY block (truncated?); the database was not touched`);
  // pg_dump ends every dump with this line: without it the file was cut short, maybe between statements
  if (banner && !complete)
    throw new RestoreRefusedError(`the dump ${file} lacks pg_dump's last line ("dump complete"): truncated?; the database was not touched`);
  if (found.tables.length === 0) throw new RestoreRefusedError(`the dump ${file} creates no table: refusing to replace the database with nothing`);
  return found;
}

const schemaOf = (qualified: string) => (qualified.includes('.') ? qualified.slice(0, qualified.search(/\.(?=[^.]*$)/)).replace(/^"|"$/g, '') : 'public');

/**
 * psql runs the dump after a prelude that drops what it recreates and the tables it does not have
 * in the schemas it fills (as pg_restore --clean, plus the extra tables), all in one transaction:
 * ON_ERROR_STOP turns the first error into a rollback.
 */
async function restorePostgresSql(database: PostgresDatabase, source: string, dump: PlainDumpObjects, progress: Progress) {
  const schemas = [...new Set(['public', ...dump.tables.map(schemaOf)])];
  const live = await database.query<{ schemaname: string; tablename: string }>(
    sql`select schemaname, tablename from pg_tables where schemaname = any(${sql.param(schemas)})`,
  );
  const prelude = [
    'set client_min_messages = warning',
    ...dump.materializedViews.map((v) => `drop materialized view if exists ${v} cascade`),
    ...dump.views.map((v) => `drop view if exists ${v} cascade`),
    ...live.map((t) => `drop table if exists ${quoteIdentifier(t.schemaname)}.${quoteIdentifier(t.tablename)} cascade`),
    ...dump.tables.map((t) => `drop table if exists ${t} cascade`),
    ...dump.sequences.map((q) => `drop sequence if exists ${q} cascade`),
    ...dump.types.map((t) => `drop type if exists ${t} cascade`),
    ...dump.functions.map((f) => `drop function if exists ${f} cascade`),
    ...dump.schemas.map((s) => `drop schema if exists ${s} cascade`),
  ].join(';\n');
  progress.start('restore (psql, one transaction)');
  try {
    await runDumpWithPsql(database.target.url, fs.createReadStream(source), { name: source, prelude });
  } catch (error) {
    progress.finish('restore failed', false);
    throw error;
  }
  progress.finish('restored');
}

/** The report for people (the CLI without --json). */
export function formatRestore(r: RestoreResult, target: string): string {
  return `restored ${target} from ${r.file} in ${Math.round(r.duration_ms)} ms`;
}
