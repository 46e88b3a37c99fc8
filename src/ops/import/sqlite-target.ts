// The SQLite target's transaction: empty, insert (prepared statements), read back, check foreign keys.
// Rows arrive as the COPY text PostgreSQL loads; each value becomes what our SQLite schema stores
// (booleans 0/1, timestamps as epoch milliseconds, JSON as text).
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { LEGACY_AREA_PREFIX } from '../../db/protected.js';
import { canonicalJson, COPY_NULL, escapeCopyText, formatTimestamp, realCanonicalText, unescapeCopyText, type ColumnKind } from './convert.js';
import { LEGACY_ROW_COLUMN, legacyCopyLine, type LegacyTablePlan } from './legacy.js';
import { quoteSqlite as quote, type TablePlan } from './plan.js';
import { CHECKSUM_ALGORITHM } from './rows.js';
import type { ImportRunRecord } from './run-record.js';

/** Prefix of the legacy area's tables in a SQLite target (the migration guard protects them). */
export const LEGACY_SQLITE_PREFIX = LEGACY_AREA_PREFIX;

const STORED: Record<ColumnKind, (field: string) => unknown> = {
  integer: (f) => Number(f),
  real: (f) => Number(f),
  boolean: (f) => (f === 't' ? 1 : 0),
  text: unescapeCopyText,
  // 'YYYY-MM-DD HH:MM:SS[.fff]+00' (already cut to milliseconds)
  timestamp: (f) => Date.parse(`${f.slice(0, 10)}T${f.slice(11, -3)}Z`),
  json: unescapeCopyText,
};

const CANONICAL: Record<ColumnKind, (value: never) => string> = {
  integer: (v: number) => String(v),
  real: (v: number) => realCanonicalText(v),
  boolean: (v: number) => (v ? 't' : 'f'),
  text: (v: string) => escapeCopyText(v),
  timestamp: (v: number) => formatTimestamp(v),
  json: (v: string) => escapeCopyText(canonicalJson(JSON.parse(v))),
};

export class SqliteTargetTransaction {
  constructor(private readonly db: BetterSqlite3.Database) {}

  /** Foreign keys are checked once, before the commit (PRAGMA foreign_key_check). */
  begin(): void {
    this.db.pragma('foreign_keys = off');
    this.db.exec('begin immediate');
  }

  nonEmptyTables(tables: string[]): string[] {
    return tables.filter((t) => this.db.prepare(`select 1 from ${quote(t)} limit 1`).get() !== undefined);
  }

  truncate(tables: string[]): void {
    for (const table of tables) this.db.exec(`delete from ${quote(table)}`);
  }

  /** Inserts the COPY-text rows of `chunks`; returns how many. */
  load(plan: TablePlan, chunks: Iterable<Buffer>, signal?: AbortSignal): number {
    const columns = plan.columns;
    const insert = this.db.prepare(
      `insert into ${quote(plan.name)} (${columns.map((c) => quote(c.name)).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    const stored = columns.map((c) => STORED[c.kind]);
    const values: unknown[] = new Array(columns.length);
    let rows = 0;
    for (const chunk of chunks) {
      signal?.throwIfAborted();
      const lines = chunk.toString('utf8').split('\n');
      lines.pop();
      for (const line of lines) {
        const fields = line.split('\t');
        for (let i = 0; i < fields.length; i++) values[i] = fields[i] === COPY_NULL ? null : stored[i](fields[i]);
        insert.run(values);
        rows++;
      }
    }
    return rows;
  }

  /** Row count and SHA-512 of the table's canonical text, as the source side computes it. */
  checksum(plan: TablePlan): { rows: number; checksum: string } {
    const primaryKey = quote(plan.columns[plan.primaryKeyIndex].name);
    const select = this.db.prepare(`select ${plan.columns.map((c) => quote(c.name)).join(', ')} from ${quote(plan.name)} order by ${primaryKey}`).raw(true);
    const canonical = plan.columns.map((c) => CANONICAL[c.kind] as (value: unknown) => string);
    const hash = createHash(CHECKSUM_ALGORITHM);
    let rows = 0;
    let text = '';
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      text += `${row.map((v, i) => (v === null ? COPY_NULL : canonical[i](v))).join('\t')}\n`;
      rows++;
      if (text.length > 256 * 1024) {
        hash.update(text);
        text = '';
      }
    }
    hash.update(text);
    return { rows, checksum: hash.digest('hex') };
  }

  /** Foreign keys broken by the load, as PRAGMA foreign_key_check finds them. */
  foreignKeyViolations(): { table: string; rowid: number; parent: string }[] {
    return this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  }

  legacyTables(): { names: string[]; nonEmpty: string[] } {
    const names = (
      this.db.prepare(`select name from sqlite_master where type = 'table' and name like 'legacy\\_%' escape '\\' order by name`).pluck().all() as string[]
    ).map((n) => n.slice(LEGACY_SQLITE_PREFIX.length));
    return { names, nonEmpty: names.filter((n) => this.nonEmptyTables([LEGACY_SQLITE_PREFIX + n]).length > 0).map((n) => LEGACY_SQLITE_PREFIX + n) };
  }

  /** Empties the legacy area (the tables of an earlier import go: --truncate replaces everything). */
  clearLegacyArea(existing: string[]): void {
    for (const name of existing) this.db.exec(`drop table ${quote(LEGACY_SQLITE_PREFIX + name)}`);
  }

  /** Creates the legacy table (every column text, as the source wrote it) and loads its rows. */
  loadLegacy(plan: LegacyTablePlan, batches: Iterable<(string | number | null)[][]>, signal?: AbortSignal): void {
    const columns = plan.columns.map((c) => `${quote(c)} text`).join(', ');
    this.db.exec(`create table ${quote(LEGACY_SQLITE_PREFIX + plan.name)} (${quote(LEGACY_ROW_COLUMN)} integer primary key, ${columns})`);
    const insert = this.db.prepare(
      `insert into ${quote(LEGACY_SQLITE_PREFIX + plan.name)} values (${[LEGACY_ROW_COLUMN, ...plan.columns].map(() => '?').join(', ')})`,
    );
    for (const batch of batches) {
      signal?.throwIfAborted();
      for (const row of batch) insert.run(row);
    }
  }

  legacyChecksum(plan: LegacyTablePlan): { rows: number; checksum: string } {
    const columns = [LEGACY_ROW_COLUMN, ...plan.columns].map(quote).join(', ');
    const select = this.db.prepare(`select ${columns} from ${quote(LEGACY_SQLITE_PREFIX + plan.name)} order by ${quote(LEGACY_ROW_COLUMN)}`).raw(true);
    const hash = createHash(CHECKSUM_ALGORITHM);
    let rows = 0;
    for (const row of select.iterate() as IterableIterator<(string | number | null)[]>) {
      hash.update(legacyCopyLine(row));
      rows++;
    }
    return { rows, checksum: hash.digest('hex') };
  }

  /** The target's record of this import (import_runs), so it commits or rolls back with the rows. */
  recordRun(record: ImportRunRecord): void {
    this.db
      .prepare(`insert into import_runs (started_at, finished_at, source, rows) values (?, ?, ?, ?)`)
      .run(record.startedAt.getTime(), record.finishedAt.getTime(), record.source, record.rows);
  }

  commit(): void {
    this.db.exec('commit');
    this.db.pragma('foreign_keys = on');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('rollback');
    this.db.pragma('foreign_keys = on');
  }
}
