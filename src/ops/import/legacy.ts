// The legacy area: every source table and column we do not model, copied verbatim as text (schema
// `legacy` on PostgreSQL, `legacy_NAME` tables on SQLite), keyed by `source_row` (the row's position
// in key order) and verified by hashing the same COPY-text lines on both sides.
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { LEGACY_AREA_PREFIX } from '../../db/protected.js';
import { COPY_NULL, escapeCopyText } from './convert.js';
import { quoteSqlite, type TablePlan } from './plan.js';
import { CHECKSUM_ALGORITHM } from './rows.js';

export const LEGACY_ROW_COLUMN = 'source_row';
/** A SQLite source's tables with this prefix are a legacy area already (one of our databases). */
export const LEGACY_TABLE_PREFIX = LEGACY_AREA_PREFIX;

export interface LegacyTablePlan {
  /** its name inside the legacy area */
  name: string;
  sourceTable: string;
  holds: 'table' | 'columns' | 'rejected rows';
  /** source columns, in order (for `columns`: the key first) */
  columns: string[];
  /** what orders the source rows: its key, an existing source_row, or SQLite's rowid */
  orderBy: string;
  /** only these rows (by key): the bad rows --skip-bad-rows left out of our table */
  only?: { key: string; values: unknown[] };
}

/** The rows of `table` that --skip-bad-rows left out of ours, kept whole as `NAME_rejected`. */
export function rejectedRowsPlan(source: BetterSqlite3.Database, table: TablePlan, keys: unknown[]): LegacyTablePlan {
  const key = table.columns[table.primaryKeyIndex].sourceName!;
  return {
    name: `${table.source!.name}_rejected`,
    sourceTable: table.source!.name,
    holds: 'rejected rows',
    columns: sourceColumns(source, table.source!.name).map((c) => c.name),
    orderBy: quoteSqlite(key),
    only: { key, values: keys },
  };
}

function sourceColumns(source: BetterSqlite3.Database, table: string): { name: string; pk: number }[] {
  return source.prepare(`select name, pk from pragma_table_info(?)`).all(table) as { name: string; pk: number }[];
}

/** The legacy tables for `unknownTables` (whole) and for the mapped tables' unmapped columns. */
export function legacyPlans(source: BetterSqlite3.Database, mapped: TablePlan[], unknownTables: string[]): LegacyTablePlan[] {
  const plans: LegacyTablePlan[] = [];
  for (const table of mapped) {
    if (!table.source || table.source.ignoredColumns.length === 0) continue;
    const key = table.columns[table.primaryKeyIndex].sourceName!;
    plans.push({
      name: table.source.name,
      sourceTable: table.source.name,
      holds: 'columns',
      columns: [key, ...table.source.ignoredColumns],
      orderBy: quoteSqlite(key),
    });
  }
  for (const table of unknownTables) {
    const columns = sourceColumns(source, table);
    const alreadyLegacy = table.startsWith(LEGACY_TABLE_PREFIX) && columns.some((c) => c.name === LEGACY_ROW_COLUMN);
    const keys = columns.filter((c) => c.pk > 0);
    plans.push({
      name: alreadyLegacy ? table.slice(LEGACY_TABLE_PREFIX.length) : table,
      sourceTable: table,
      holds: 'table',
      columns: columns.map((c) => c.name).filter((c) => !alreadyLegacy || c !== LEGACY_ROW_COLUMN),
      orderBy: alreadyLegacy ? quoteSqlite(LEGACY_ROW_COLUMN) : keys.length === 1 ? quoteSqlite(keys[0].name) : 'rowid',
    });
  }
  const names = new Set<string>();
  for (const plan of plans) {
    if (names.has(plan.name)) throw new Error(`two source tables would land in the legacy area as ${plan.name}`);
    names.add(plan.name);
  }
  return plans;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * A SQLite value as verbatim text: numbers as written, text as is (it arrives as its bytes, see
 * legacySelect), blobs as PostgreSQL's \x hex; text no target can store as text (invalid UTF-8,
 * NUL characters) as the \x hex of its bytes too.
 */
export function legacyText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) {
    try {
      const text = utf8Strict.decode(value);
      if (!text.includes('\0')) return text;
    } catch {
      // not UTF-8: its bytes, below
    }
    return `\\x${Buffer.from(value).toString('hex')}`;
  }
  return String(value);
}

/** Reads text as its bytes (better-sqlite3 would replace invalid UTF-8) and blobs as \x hex text. */
function legacySelect(column: string): string {
  const c = quoteSqlite(column);
  return `case typeof(${c}) when 'text' then cast(${c} as blob) when 'blob' then '\\x' || lower(hex(${c})) else ${c} end`;
}

export interface LegacyRows {
  /** batches of rows: [source_row, ...texts] */
  batches: Generator<(string | number | null)[][]>;
  /** filled when the batches are exhausted */
  result: { rows: number; checksum: string };
}

const BATCH_ROWS = 2048;

/** The table's rows as text, in source order, hashed as COPY-text lines. */
export function readLegacyRows(source: BetterSqlite3.Database, plan: LegacyTablePlan): LegacyRows {
  const result = { rows: 0, checksum: '' };
  const only = plan.only ? ` where ${quoteSqlite(plan.only.key)} in (select value from json_each(?))` : '';
  const select = `select ${plan.columns.map(legacySelect).join(', ')} from ${quoteSqlite(plan.sourceTable)}${only} order by ${plan.orderBy}`;
  function* batches(): Generator<(string | number | null)[][]> {
    const hash = createHash(CHECKSUM_ALGORITHM);
    // integers exactly, even past 2^53
    const statement = source.prepare(select).raw(true).safeIntegers(true);
    let batch: (string | number | null)[][] = [];
    const parameters = plan.only ? [JSON.stringify(plan.only.values)] : [];
    for (const raw of statement.iterate(...parameters) as IterableIterator<unknown[]>) {
      const row: (string | number | null)[] = [++result.rows, ...raw.map(legacyText)];
      hash.update(legacyCopyLine(row));
      batch.push(row);
      if (batch.length === BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    result.checksum = hash.digest('hex');
  }
  return { batches: batches(), result };
}

/** One row as a COPY text line; throws on text PostgreSQL cannot store (NUL). */
export function legacyCopyLine(row: readonly (string | number | null)[]): string {
  return `${row.map((v) => (v === null ? COPY_NULL : typeof v === 'number' ? String(v) : escapeCopyText(v))).join('\t')}\n`;
}

/** The alembic revision the original app's database is at, when it has an alembic_version table. */
export function alembicRevision(source: BetterSqlite3.Database, tables: string[]): string | null {
  // the original's own table, or the copy a database of ours keeps in its legacy area
  const table = tables.find((t) => t.toLowerCase() === 'alembic_version') ?? tables.find((t) => t.toLowerCase() === `${LEGACY_TABLE_PREFIX}alembic_version`);
  if (!table) return null;
  const rows = source
    .prepare(`select version_num from ${quoteSqlite(table)}`)
    .pluck()
    .all() as string[];
  return rows.length ? rows.join(', ') : null;
}

export function countLegacyRows(source: BetterSqlite3.Database, plan: LegacyTablePlan): number {
  if (plan.only) return plan.only.values.length;
  return (
    (source
      .prepare(`select count(*) from ${quoteSqlite(plan.sourceTable)}`)
      .pluck()
      .get() as number) ?? 0
  );
}
