// Reading one source table of our schema and turning it into COPY text, row by row: convert every value, check
// what PostgreSQL would check (NOT NULL, enums, ranges, foreign keys, unique keys), report the rows
// that fail, and hash the canonical text of the rows that pass. Streams: memory holds one chunk,
// plus the ids of referenced tables and the keys of unique indexes.
import { createHash } from 'node:crypto';
import { canonicalEnum } from '../../db/enums.js';
import BetterSqlite3 from 'better-sqlite3';
import {
  BadValueError,
  COPY_NULL,
  describe,
  escapeCopyText,
  realCanonicalText,
  realCopyText,
  toBoolean,
  toInteger,
  toJson,
  toReal,
  toText,
  toTimestamp,
  truncateToMilliseconds,
  type ColumnKind,
  type JsonValue,
} from './convert.js';
import { quoteSqlite, sourceSelect, type ColumnPlan, type TablePlan } from './plan.js';

export interface BadRow {
  table: string;
  /** the row's primary key in the source */
  id: unknown;
  column: string;
  reason: string;
}

/** What the whole run shares between tables. */
export class ImportLedger {
  readonly importedIds = new Map<string, IdSet>();
  readonly skippedIds = new Map<string, IdSet>();
  readonly badRows: BadRow[] = [];
  badRowCount = 0;
  /** per table, the source keys of every row left out (with --skip-bad-rows they go to the legacy area) */
  private readonly skipped = new Map<string, unknown[]>();

  skippedKeys(table: string): unknown[] {
    let keys = this.skipped.get(table);
    if (!keys) this.skipped.set(table, (keys = []));
    return keys;
  }

  constructor(
    /** the value of `defaultNow()` columns the source leaves empty: when the import started */
    readonly nowText: string,
    private readonly maxReportedBadRows: number,
  ) {}

  reportBadRow(row: BadRow) {
    this.badRowCount++;
    if (this.badRows.length < this.maxReportedBadRows) this.badRows.push(row);
  }
}

/** The digest of the canonical rows on both sides (sha512: the fastest of Node's on 64-bit CPUs). */
export const CHECKSUM_ALGORITHM = 'sha512';

export interface TableCopyStats {
  sourceRows: number;
  /** rows read so far */
  readRows: number;
  imported: number;
  skipped: number;
  /** SHA-512 of the canonical text of the imported rows, in primary-key order */
  checksum?: string;
}

const COPY_TEXT: Record<ColumnKind, (value: never) => string> = {
  integer: (v: number) => String(v),
  real: (v: number) => realCopyText(v),
  boolean: (v: boolean) => (v ? 't' : 'f'),
  text: (v: string) => escapeCopyText(v),
  timestamp: (v: string) => v,
  json: (v: JsonValue) => escapeCopyText(v.text),
};

const CANONICAL_TEXT: Partial<Record<ColumnKind, (value: never) => string>> = {
  real: (v: number) => realCanonicalText(v),
  json: (v: JsonValue) => escapeCopyText(v.canonical),
};

const CACHED_JSON_CHARS = 256;
const CACHED_JSON_VALUES = 10_000;

function normalizerFor(column: ColumnPlan): (raw: unknown) => unknown {
  switch (column.kind) {
    case 'integer':
      return toInteger;
    case 'real':
      return toReal;
    case 'boolean':
      return toBoolean;
    case 'timestamp':
      return toTimestamp;
    case 'json': {
      // short JSON values repeat ('[]', '{}', settings): parse each spelling once
      const seen = new Map<string, JsonValue | null>();
      return (raw) => {
        if (typeof raw !== 'string' || raw.length > CACHED_JSON_CHARS) return toJson(raw);
        let value = seen.get(raw);
        if (value === undefined) {
          value = toJson(raw);
          if (seen.size < CACHED_JSON_VALUES) seen.set(raw, value);
        }
        return value;
      };
    }
    case 'text': {
      const allowed = column.enumValues;
      if (!allowed) return toText;
      // a million rows hold a handful of distinct spellings
      const seen = new Map<string, string | undefined>();
      return (raw) => {
        const text = toText(raw);
        let value = seen.get(text);
        if (value === undefined && !seen.has(text)) seen.set(text, (value = canonicalEnum(text, allowed)));
        if (value === undefined) throw new BadValueError(`unknown value ${describe(text)} (expected one of ${allowed.join(', ')})`);
        return value;
      };
    }
  }
}

/** The value of a column the source lacks: NULL where allowed, else the default of a column newer than the source. */
function absentValue(column: ColumnPlan, nowText: string): unknown {
  if (!column.notNull || !column.default) return null;
  return 'now' in column.default ? nowText : column.default.constant;
}

/**
 * The columns read from others of their row, each after those it reads (a cycle, such as
 * created_at and updated_at read from each other, is cut: a row NULL in both is bad).
 */
function fromRowOrder(columns: ColumnPlan[]): number[] {
  const order: number[] = [];
  const visited = new Set<number>();
  const visit = (i: number) => {
    const reading = columns[i].whenNull;
    if (visited.has(i) || !reading || !('fromIndexes' in reading)) return;
    visited.add(i);
    reading.fromIndexes.forEach(visit);
    order.push(i);
  };
  columns.forEach((_, i) => visit(i));
  return order;
}

const CHUNK_CHARS = 256 * 1024;
const BATCH_ROWS = 1024;
const BITMAP_LIMIT = 1 << 27;

/** Ids seen so far: a growing bitmap for the usual non-negative integer ids, a Set for anything else. */
export class IdSet {
  private bits = new Uint8Array(1 << 12);
  private readonly others = new Set<unknown>();

  add(id: unknown): void {
    if (typeof id === 'number' && id >= 0 && id < BITMAP_LIMIT && Number.isInteger(id)) {
      const byte = id >>> 3;
      if (byte >= this.bits.length) {
        let size = this.bits.length * 2;
        while (size <= byte) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.bits);
        this.bits = grown;
      }
      this.bits[byte] |= 1 << (id & 7);
    } else {
      this.others.add(id);
    }
  }

  has(id: unknown): boolean {
    if (typeof id === 'number' && id >= 0 && id < BITMAP_LIMIT && Number.isInteger(id)) {
      const byte = id >>> 3;
      return byte < this.bits.length && (this.bits[byte] & (1 << (id & 7))) !== 0;
    }
    return this.others.has(id);
  }
}

/**
 * The source rows in primary-key order, a batch at a time: paged by key when the source declares
 * it as its primary key (SQLite then has an index on it), since better-sqlite3's all() costs far
 * less per row than iterate().
 */
function* sourceBatches(source: BetterSqlite3.Database, plan: TablePlan): Generator<unknown[][]> {
  const select = sourceSelect(plan);
  if (!plan.source!.keyPaging) {
    let batch: unknown[][] = [];
    for (const row of source.prepare(select).raw(true).iterate() as IterableIterator<unknown[]>) {
      batch.push(row);
      if (batch.length === BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const key = quoteSqlite(plan.columns[plan.primaryKeyIndex].sourceName!);
  const first = source.prepare(`${select} limit ${BATCH_ROWS}`).raw(true);
  const after = source.prepare(select.replace(/ order by /, ` where ${key} > ? order by `) + ` limit ${BATCH_ROWS}`).raw(true);
  let batch = first.all() as unknown[][];
  while (batch.length > 0) {
    yield batch;
    if (batch.length < BATCH_ROWS) return;
    batch = after.all(batch[batch.length - 1][plan.primaryKeyIndex]) as unknown[][];
  }
}

export interface ConvertTableOptions {
  source: BetterSqlite3.Database;
  plan: TablePlan;
  ledger: ImportLedger;
  stats: TableCopyStats;
  /** called after each chunk */
  onChunk?: () => void;
  /** the target keeps milliseconds (our SQLite schema): sub-millisecond digits are dropped first */
  millisecondTimestamps?: boolean;
}

/**
 * Yields the table's rows as COPY text in chunks; fills `stats` (the checksum when done).
 * A bad row is reported to the ledger and left out, whether or not the run will go on.
 */
export function* convertTableRows({ source, plan, ledger, stats, onChunk, millisecondTimestamps = false }: ConvertTableOptions): Generator<Buffer> {
  const hash = createHash(CHECKSUM_ALGORITHM);
  if (!plan.source) {
    stats.checksum = hash.digest('hex');
    return;
  }
  const columns = plan.columns;
  const count = columns.length;
  const normalizers = columns.map(normalizerFor);
  const copyText = columns.map((c) => COPY_TEXT[c.kind] as (value: unknown) => string);
  const canonicalText = columns.map((c) => CANONICAL_TEXT[c.kind] as ((value: unknown) => string) | undefined);
  const fromSource = columns.map((c) => c.sourceName !== undefined);
  const kinds = columns.map((c) => c.kind);
  const enumColumn = columns.map((c) => c.enumValues !== undefined);
  const derivedIndexes = columns.flatMap((c, i) => (c.derived && !c.sourceName ? [i] : []));
  const fromRowIndexes = fromRowOrder(columns);
  /** per column, whether this row's value is still to be read from other columns of the row */
  const pending: boolean[] = new Array(count).fill(false);
  const uniqueSeen = plan.uniqueKeys.map(() => new Map<string, unknown>());
  const parentIds = plan.foreignKeys.map((fk) => ledger.importedIds.get(fk.parentTable) ?? new IdSet());
  const importedIds = plan.isReferenced ? new IdSet() : undefined;
  const skippedIds = plan.isReferenced ? new IdSet() : undefined;
  if (importedIds) ledger.importedIds.set(plan.name, importedIds);
  if (skippedIds) ledger.skippedIds.set(plan.name, skippedIds);

  const primaryKeySource = quoteSqlite(columns[plan.primaryKeyIndex].sourceName!);
  // while an iterate() is open its connection is busy: look-ups then need a second one
  let lookup: BetterSqlite3.Database | undefined;
  const sourceBytes = (column: ColumnPlan, id: unknown): Buffer | null => {
    lookup ??= plan.source!.keyPaging ? source : new BetterSqlite3(source.name, { readonly: true, fileMustExist: true });
    return lookup
      .prepare(`select cast(${quoteSqlite(column.sourceName!)} as blob) from ${quoteSqlite(plan.source!.name)} where ${primaryKeySource} = ?`)
      .pluck()
      .get(id) as Buffer | null;
  };
  /** A NULL where we require a value: what the original meant by it, read now or from the row once converted. */
  const readNull = (column: ColumnPlan, i: number): unknown => {
    const reading = column.whenNull;
    if (!reading) throw new BadValueError('NULL in a column that requires a value, and the original gives NULL no meaning there');
    if ('constant' in reading) return reading.constant;
    pending[i] = true;
    return null;
  };

  const values: unknown[] = new Array(count);
  const copyFields: string[] = new Array(count);
  const hashFields: string[] = new Array(count);
  let copyChunk = '';
  /** the canonical text of the chunk's rows when it differs from copyChunk, else null */
  let hashChunk: string | null = null;
  const canonicalIndexes = columns.flatMap((_, i) => (canonicalText[i] ? [i] : []));

  for (const batch of sourceBatches(source, plan)) {
    for (const raw of batch) {
      stats.readRows++;
      let failure: { column: string; reason: string } | undefined;

      for (let i = 0; i < count; i++) {
        const column = columns[i];
        const rawValue = raw[i];
        let value: unknown;
        let copy: string;
        try {
          pending[i] = false;
          if (!fromSource[i]) {
            if (column.whenNull && 'fromIndexes' in column.whenNull) pending[i] = true;
            value = column.derived || pending[i] ? null : absentValue(column, ledger.nowText);
            copy = value === null ? COPY_NULL : copyText[i](value);
          } else if (rawValue === null) {
            value = column.notNull ? readNull(column, i) : null;
            copy = value === null ? COPY_NULL : copyText[i](value);
          } else {
            // better-sqlite3 turns invalid UTF-8 into U+FFFD: tell that apart from a real U+FFFD
            if (typeof rawValue === 'string' && rawValue.includes('\uFFFD')) {
              const bytes = sourceBytes(column, raw[plan.primaryKeyIndex]);
              if (bytes && !bytes.equals(Buffer.from(rawValue, 'utf8'))) throw new BadValueError('text that is not valid UTF-8');
            }
            // the usual cases inline (a million rows), the rest through the column's normalizer
            switch (kinds[i]) {
              case 'integer':
                value = typeof rawValue === 'number' && (rawValue | 0) === rawValue ? rawValue : toInteger(rawValue);
                copy = String(value);
                break;
              case 'boolean':
                value = rawValue === 1 ? true : rawValue === 0 ? false : toBoolean(rawValue);
                copy = value ? 't' : 'f';
                break;
              case 'timestamp':
                value = copy = millisecondTimestamps ? truncateToMilliseconds(toTimestamp(rawValue)) : toTimestamp(rawValue);
                break;
              case 'text':
                if (typeof rawValue === 'string' && !enumColumn[i]) {
                  value = rawValue;
                  copy = escapeCopyText(rawValue);
                  break;
                }
              // falls through: enums, and values SQLite did not store as text
              default:
                value = normalizers[i](rawValue);
                if (value === null && column.notNull) value = readNull(column, i); // JSON 'null'
                copy = value === null ? COPY_NULL : copyText[i](value);
            }
          }
        } catch (error) {
          if (!(error instanceof BadValueError)) throw error;
          failure = { column: column.name, reason: error.message };
          break;
        }
        values[i] = value;
        copyFields[i] = copy;
      }

      if (!failure) {
        for (const i of derivedIndexes) {
          const derived = columns[i].derived!;
          values[i] = derived.derive(derived.fromIndexes.map((j) => values[j]));
          copyFields[i] = values[i] === null ? COPY_NULL : copyText[i](values[i]);
        }
        failure = readFromRow() ?? constraintFailure();
      }

      if (failure) {
        const id = raw[plan.primaryKeyIndex];
        stats.skipped++;
        ledger.skippedKeys(plan.name).push(id);
        skippedIds?.add(id);
        ledger.reportBadRow({ table: plan.name, id, ...failure });
        continue;
      }
      importedIds?.add(values[plan.primaryKeyIndex]);
      stats.imported++;
      const copyLine = `${copyFields.join('\t')}\n`;
      let rowDiffers = false;
      for (const i of canonicalIndexes) {
        hashFields[i] = values[i] === null ? COPY_NULL : canonicalText[i]!(values[i]);
        if (hashFields[i] !== copyFields[i]) rowDiffers = true;
      }
      // the canonical text is the COPY text for most rows: only build it apart when it differs
      if (rowDiffers && hashChunk === null) hashChunk = copyChunk;
      copyChunk += copyLine;
      if (hashChunk !== null) {
        if (rowDiffers) {
          for (let i = 0; i < count; i++) if (!canonicalText[i]) hashFields[i] = copyFields[i];
          hashChunk += `${hashFields.join('\t')}\n`;
        } else {
          hashChunk += copyLine;
        }
      }
      if (copyChunk.length >= CHUNK_CHARS) {
        yield flush();
        onChunk?.();
      }
    }
  }
  if (lookup !== source) lookup?.close();
  // e.g. a legacy key holding NULLs, which paging by key would pass over: never lose rows silently
  if (stats.readRows !== stats.sourceRows) {
    throw new Error(`read ${stats.readRows} rows of ${plan.source.name} but it has ${stats.sourceRows}`);
  }
  const chunk = flush();
  stats.checksum = hash.digest('hex');
  if (chunk.length > 0) yield chunk;
  onChunk?.();

  /** The COPY text gathered so far, hashed (its canonical text) and handed over. */
  function flush(): Buffer {
    const chunk = Buffer.from(copyChunk, 'utf8');
    hash.update(hashChunk ?? chunk);
    copyChunk = '';
    hashChunk = null;
    return chunk;
  }

  /** The row's NULLs the original read from its other columns; a failure when those are NULL too. */
  function readFromRow(): { column: string; reason: string } | undefined {
    for (const i of fromRowIndexes) {
      if (!pending[i]) continue;
      const reading = columns[i].whenNull as { fromIndexes: number[]; derive: (values: unknown[]) => unknown };
      const from = reading.fromIndexes.map((j) => (pending[j] ? null : values[j]));
      const value = from.includes(null) ? null : reading.derive(from);
      if (value === null) {
        const names = reading.fromIndexes.map((j) => columns[j].name).join(', ');
        return { column: columns[i].name, reason: `NULL, and so is ${names}, which the original's meaning of it is read from` };
      }
      pending[i] = false;
      values[i] = value;
      copyFields[i] = copyText[i](value);
    }
    return undefined;
  }

  function constraintFailure(): { column: string; reason: string } | undefined {
    for (const range of plan.ranges) {
      const value = values[range.index] as number | null;
      if (value !== null && (value < range.min || value > range.max)) {
        return { column: range.column, reason: `${value} is outside ${range.min}-${range.max}` };
      }
    }
    for (let k = 0; k < plan.foreignKeys.length; k++) {
      const fk = plan.foreignKeys[k];
      const value = values[fk.index];
      if (value !== null && !parentIds[k].has(value)) {
        const skipped = ledger.skippedIds.get(fk.parentTable)?.has(value);
        return {
          column: fk.column,
          reason: `references ${fk.parentTable} id ${String(value)}, ${skipped ? 'a bad row left out' : 'which does not exist'}`,
        };
      }
    }
    if (plan.uniqueKeys.length === 0) return undefined;
    const keys: (string | undefined)[] = [];
    for (let k = 0; k < plan.uniqueKeys.length; k++) {
      const unique = plan.uniqueKeys[k];
      const parts = unique.parts.map((p) => values[p.index]);
      // NULLs never collide in a PostgreSQL unique index
      const key = parts.includes(null) ? undefined : unique.parts.map((p, j) => (p.lower ? String(parts[j]).toLowerCase() : String(parts[j]))).join('\u0000');
      const existing = key === undefined ? undefined : uniqueSeen[k].get(key);
      if (existing !== undefined) {
        return {
          column: unique.parts.map((p) => columns[p.index].name).join(', '),
          reason: `duplicate of id ${String(existing)} for unique index ${unique.name}`,
        };
      }
      keys.push(key);
    }
    keys.forEach((key, k) => key !== undefined && uniqueSeen[k].set(key, values[plan.primaryKeyIndex]));
    return undefined;
  }
}

export function countSourceRows(source: BetterSqlite3.Database, plan: TablePlan): number {
  if (!plan.source) return 0;
  return (source.prepare(`select count(*) as n from ${quoteSqlite(plan.source.name)}`).get() as { n: number }).n;
}
