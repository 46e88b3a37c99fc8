// Opening the import's source as one read-only SQLite snapshot: a SQLite file as is; a PostgreSQL
// database copied into a scratch file (pg-source.ts); a dump loaded into a scratch PostgreSQL
// database first (dump-source.ts). `close()` removes every scratch copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describeTarget } from '../../db/url.js';
import { loadDumpIntoScratch, type DumpFormat } from './dump-source.js';
import { openUntrustedSqlite } from '../backup-restore/sqlite-untrusted.js';
import { snapshotPostgres } from './pg-source.js';

/** What the SOURCE argument named. */
export type SourceFormat = 'sqlite' | 'postgres' | 'dump';

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface ImportSource {
  format: SourceFormat;
  /** the absolute path, or the URL without its password */
  description: string;
  db: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface OpenSourceOptions {
  /** a PostgreSQL URL whose server may hold the scratch database a dump is loaded into */
  scratchServer?: string;
  /** see ImportOptions.trustDump */
  trustDump?: boolean;
  signal?: AbortSignal;
  /** called when a long step starts (loading a dump, copying a PostgreSQL database) */
  onStep?: (label: string) => void;
}

const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value);

/** A source file is someone else's: opened read-only in defensive mode (sqlite-untrusted.ts). */
function openSqliteFile(file: string): BetterSqlite3.Database {
  let db: BetterSqlite3.Database;
  try {
    db = openUntrustedSqlite(file);
  } catch (error) {
    throw new SourceError(`${file} is not a SQLite database (${(error as Error).message})`);
  }
  try {
    db.pragma('schema_version'); // throws "file is not a database" for anything else
  } catch (error) {
    db.close();
    throw new SourceError(`${file} is not a SQLite database (${(error as Error).message})`);
  }
  return db;
}

/** The first `length` bytes of `file` (zeros past its end). */
function fileHead(file: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head;
}

function isSqliteFile(file: string): boolean {
  return fileHead(file, 16).toString('latin1') === 'SQLite format 3\0';
}

/** What kind of dump `file` is, from its first bytes; null when it is none. */
function dumpFormat(file: string): DumpFormat | null {
  const head = fileHead(file, 5);
  if (head.toString('latin1') === 'PGDMP') return 'custom';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (/\.sql$/i.test(file)) return 'plain';
  return null;
}

/** Copies the PostgreSQL database at `url` into a scratch SQLite file and opens it. */
async function stagePostgres(url: string, options: OpenSourceOptions): Promise<{ db: BetterSqlite3.Database; remove: () => void }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-import-'));
  const remove = () => fs.rmSync(folder, { recursive: true, force: true });
  try {
    const file = path.join(folder, 'snapshot.db');
    await snapshotPostgres(url, file, options.signal);
    return { db: new BetterSqlite3(file, { readonly: true, fileMustExist: true }), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export async function openImportSource(spec: string, options: OpenSourceOptions = {}): Promise<ImportSource> {
  if (isPostgresUrl(spec)) {
    const description = describeTarget({ dialect: 'postgres', url: spec });
    options.onStep?.(`reading ${description} (one snapshot)`);
    const staged = await stagePostgres(spec, options);
    return { format: 'postgres', description, db: staged.db, close: async () => (staged.db.close(), staged.remove()) };
  }
  const file = path.resolve(spec);
  if (!fs.existsSync(file)) throw new SourceError(`no such file: ${spec}`);
  if (isSqliteFile(file)) {
    const db = openSqliteFile(file);
    return { format: 'sqlite', description: file, db, close: async () => void db.close() };
  }
  const format = dumpFormat(file);
  if (!format) throw new SourceError(`${spec} is neither a SQLite database nor a PostgreSQL dump (.sql, .sql.gz, pg_dump -Fc)`);
  if (!options.scratchServer) {
    throw new SourceError(
      'a dump is loaded into a scratch PostgreSQL database first: pass --scratch postgres://… (any server where this role may create a database)',
    );
  }
  options.onStep?.(`loading the dump into a scratch database`);
  const scratch = await loadDumpIntoScratch(file, options.scratchServer, format, options.trustDump);
  // the snapshot holds everything: the scratch database goes at once
  const staged = await stagePostgres(scratch.url, options).finally(() => scratch.drop().catch(() => {}));
  return { format: 'dump', description: file, db: staged.db, close: async () => (staged.db.close(), staged.remove()) };
}
