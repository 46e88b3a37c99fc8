// The PostgreSQL side of the import: create the database when missing, then one transaction that
// locks and truncates the tables, loads each with COPY, rebuilds its indexes and reads it back for
// the checksum, then restores the foreign keys and resets the identity sequences: the target only
// ever shows its old rows or the verified new ones.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { postgresConnectionConfig } from '../../db/client.js';
import { LEGACY_AREA_SCHEMA } from '../../db/protected.js';
import { postgresUrlFor } from '../../db/url.js';
import { canonicalJson, COPY_NULL, escapeCopyText, REAL_TEXT_EXACT_BELOW, unescapeCopyText } from './convert.js';
import { LEGACY_ROW_COLUMN, legacyCopyLine, type LegacyTablePlan } from './legacy.js';
import type { TablePlan } from './plan.js';
import { CHECKSUM_ALGORITHM } from './rows.js';
import type { ImportRunRecord } from './run-record.js';

export const IMPORT_APPLICATION_NAME = 'mathakine-import';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new TargetError('the target URL names no database (postgres://user@host:5432/DATABASE)');
  return name;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    ...postgresConnectionConfig(url),
    connectionTimeoutMillis: 15_000,
    application_name: IMPORT_APPLICATION_NAME,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

const pgCode = (error: unknown) => (error as { code?: string }).code;

/** Whether the target database exists; with `create`, creates it when it does not. */
export async function ensureTargetDatabase(url: string, { create }: { create: boolean }): Promise<'existing' | 'created' | 'missing'> {
  const name = databaseName(url);
  try {
    await (await connect(url)).end();
    return 'existing';
  } catch (error) {
    if (pgCode(error) !== '3D000') throw error;
  }
  if (!create) return 'missing';

  let admin: pg.Client | undefined;
  for (const maintenance of ['postgres', 'template1']) {
    try {
      admin = await connect(postgresUrlFor(url, maintenance));
      break;
    } catch (error) {
      if (pgCode(error) !== '3D000') throw error;
    }
  }
  if (!admin) throw new TargetError(`database "${name}" does not exist and there is no maintenance database to create it from`);
  try {
    await admin.query(`create database ${quoteIdent(name)}`);
    return 'created';
  } catch (error) {
    if (pgCode(error) === '42P04') return 'existing'; // created meanwhile by someone else
    if (pgCode(error) === '42501') {
      const user = decodeURIComponent(new URL(url).username) || 'this role';
      throw new TargetError(
        `database "${name}" does not exist and ${user} may not create databases (no CREATEDB privilege): ` +
          `create it first (createdb ${name}, or in your host's dashboard), then run the import again`,
      );
    }
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Tables of `names` that exist in the target and hold at least one row (read-only; for --dry-run). */
export async function nonEmptyTables(client: pg.ClientBase, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'r' and c.relname = any($1)`,
    [names],
  );
  const nonEmpty: string[] = [];
  for (const { name } of rows) {
    const { rows: found } = await client.query(`select 1 from ${quoteIdent(name)} limit 1`);
    if (found.length > 0) nonEmpty.push(name);
  }
  return names.filter((n) => nonEmpty.includes(n));
}

interface Deferred {
  indexes: { name: string; table: string; definition: string }[];
  foreignKeys: { name: string; table: string; definition: string }[];
}

// Secondary indexes not backing a constraint, and foreign keys, of the given tables.
const SECONDARY_INDEXES_SQL = `
  select ic.relname as name, t.relname as table, pg_get_indexdef(i.indexrelid) as definition
  from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = current_schema() and t.relname = any($1) and not i.indisprimary
    and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))
  order by ic.relname`;
const FOREIGN_KEYS_SQL = `
  select con.conname as name, t.relname as table, pg_get_constraintdef(con.oid) as definition
  from pg_constraint con
    join pg_class t on t.oid = con.conrelid
    join pg_namespace n on n.oid = t.relnamespace
  where con.contype = 'f' and n.nspname = current_schema() and t.relname = any($1)
  order by con.conname`;
const IDENTITY_COLUMNS_SQL = `
  select t.relname as table, a.attname as column, pg_get_serial_sequence(quote_ident(t.relname), a.attname) as sequence
  from pg_attribute a
    join pg_class t on t.oid = a.attrelid
    join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = current_schema() and a.attidentity in ('a', 'd') and t.relname = any($1)
  order by t.relname`;

/** The PostgreSQL home of the legacy area (the migration guard protects it). */
export const LEGACY_SCHEMA = LEGACY_AREA_SCHEMA;
const LEGACY_TABLES_SQL = `
  select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relkind = 'r' order by c.relname`;

export interface SequenceReset {
  table: string;
  column: string;
  /** the id the next insert gets */
  nextValue: number;
}

/** The one transaction that replaces the target's rows. */
export class TargetTransaction {
  private deferred: Deferred = { indexes: [], foreignKeys: [] };

  constructor(private readonly client: pg.PoolClient) {}

  async begin(tables: string[]): Promise<void> {
    await this.client.query('begin');
    // what COPY ... TO prints for timestamps must be what the source side computed
    await this.client.query(`set local timezone = 'UTC'`);
    await this.client.query(`set local datestyle = 'ISO, YMD'`);
    await this.client.query(`set local extra_float_digits = 1`);
    await this.client.query(`set local lock_timeout = '30s'`);
    await this.client.query(`set local maintenance_work_mem = '256MB'`);
    // the app (or another import) must not write while we check emptiness and load
    await this.client.query(`lock table ${tables.map(quoteIdent).join(', ')} in access exclusive mode`);
  }

  nonEmptyTables(tables: string[]): Promise<string[]> {
    return nonEmptyTables(this.client, tables);
  }

  /** Truncated in this transaction, the tables can be loaded with COPY FREEZE. */
  async truncate(tables: string[]): Promise<void> {
    await this.client.query(`truncate table ${tables.map(quoteIdent).join(', ')}`);
  }

  /**
   * Drops the tables' secondary indexes and foreign keys, to rebuild them once after the load:
   * one sort per index and one join per foreign key instead of a lookup per row. Their exact
   * definitions are read from the catalog and restored by restoreIndexes() and restoreForeignKeys().
   */
  async dropIndexesAndForeignKeys(tables: string[]): Promise<void> {
    const foreignKeys = (await this.client.query<Deferred['foreignKeys'][number]>(FOREIGN_KEYS_SQL, [tables])).rows;
    const indexes = (await this.client.query<Deferred['indexes'][number]>(SECONDARY_INDEXES_SQL, [tables])).rows;
    for (const fk of foreignKeys) await this.client.query(`alter table ${quoteIdent(fk.table)} drop constraint ${quoteIdent(fk.name)}`);
    for (const index of indexes) await this.client.query(`drop index ${quoteIdent(index.name)}`);
    this.deferred = { indexes, foreignKeys };
  }

  /** Rebuilds the dropped indexes of `table`, once it is loaded. */
  async restoreIndexes(table: string): Promise<void> {
    for (const index of this.deferred.indexes.filter((i) => i.table === table)) await this.client.query(index.definition);
    this.deferred.indexes = this.deferred.indexes.filter((i) => i.table !== table);
  }

  /** Adds the dropped foreign keys back (each checked in one pass), once every table is loaded. */
  async restoreForeignKeys(): Promise<void> {
    for (const fk of this.deferred.foreignKeys) {
      await this.client.query(`alter table ${quoteIdent(fk.table)} add constraint ${quoteIdent(fk.name)} ${fk.definition}`);
    }
    this.deferred.foreignKeys = [];
  }

  /** Streams `chunks` (COPY text) into the table; rejects, cancelling the COPY, when `signal` aborts. */
  async copyIn(plan: TablePlan, chunks: Iterable<Buffer>, signal?: AbortSignal): Promise<number> {
    const columns = plan.columns.map((c) => quoteIdent(c.name)).join(', ');
    const copy = this.client.query(copyFrom(`copy ${quoteIdent(plan.name)} (${columns}) from stdin with (freeze)`));
    await pipeline(Readable.from(chunks), copy, { signal });
    return copy.rowCount;
  }

  async resetSequences(tables: string[]): Promise<SequenceReset[]> {
    const identities = (await this.client.query<{ table: string; column: string; sequence: string }>(IDENTITY_COLUMNS_SQL, [tables])).rows;
    const resets: SequenceReset[] = [];
    for (const { table, column, sequence } of identities) {
      // an empty table starts at 1; otherwise the next id follows the largest imported one
      const { rows } = await this.client.query<{ max: number | null }>(`select max(${quoteIdent(column)}) as max from ${quoteIdent(table)}`);
      const max = rows[0].max === null ? 0 : Number(rows[0].max);
      await this.client.query('select setval($1, $2, $3)', [sequence, Math.max(max, 1), max >= 1]);
      resets.push({ table, column, nextValue: Math.max(max, 0) + 1 });
    }
    return resets;
  }

  /** Row count and SHA-512 of the table's canonical text, as the source side computes it. */
  async checksum(plan: TablePlan): Promise<{ rows: number; checksum: string }> {
    // doubles as realCanonicalText writes them: printed, or their bits from 2^53 on
    const expressions = plan.columns.map((c) => {
      const column = quoteIdent(c.name);
      if (c.kind !== 'real') return column;
      return `case when abs(${column}) < ${REAL_TEXT_EXACT_BELOW} or ${column} in ('Infinity', '-Infinity', 'NaN')
        then ${column}::text else encode(float8send(${column}), 'hex') end`;
    });
    const primaryKey = quoteIdent(plan.columns[plan.primaryKeyIndex].name);
    const output = this.client.query(copyTo(`copy (select ${expressions.join(', ')} from ${quoteIdent(plan.name)} order by ${primaryKey}) to stdout`));
    const hash = createHash(CHECKSUM_ALGORITHM);
    let rows = 0;
    const jsonIndexes = plan.columns.flatMap((c, i) => (c.kind === 'json' ? [i] : []));
    if (jsonIndexes.length === 0) {
      // no field to re-canonicalize: the bytes are the canonical text
      for await (const chunk of output as AsyncIterable<Buffer>) {
        hash.update(chunk);
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
      }
      return { rows, checksum: hash.digest('hex') };
    }
    const decoder = new StringDecoder('utf8');
    let pending = '';
    // short JSON values repeat: canonicalize each spelling once
    const canonical = new Map<string, string>();
    const canonicalField = (field: string) => {
      let text = canonical.get(field);
      if (text === undefined) {
        text = escapeCopyText(canonicalJson(JSON.parse(unescapeCopyText(field))));
        if (field.length <= 256 && canonical.size < 10_000) canonical.set(field, text);
      }
      return text;
    };
    for await (const chunk of output as AsyncIterable<Buffer>) {
      const text = pending + decoder.write(chunk);
      const lines = text.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const fields = line.split('\t');
        for (const i of jsonIndexes) {
          if (fields[i] !== COPY_NULL) fields[i] = canonicalField(fields[i]);
        }
        hash.update(`${fields.join('\t')}\n`);
        rows++;
      }
    }
    return { rows, checksum: hash.digest('hex') };
  }

  /** Tables of the legacy area (schema `legacy`) and whether any holds rows. */
  async legacyTables(): Promise<{ names: string[]; nonEmpty: string[] }> {
    const { rows } = await this.client.query<{ name: string }>(LEGACY_TABLES_SQL, [LEGACY_SCHEMA]);
    const nonEmpty: string[] = [];
    for (const { name } of rows) {
      const found = await this.client.query(`select 1 from ${LEGACY_SCHEMA}.${quoteIdent(name)} limit 1`);
      if (found.rows.length > 0) nonEmpty.push(`${LEGACY_SCHEMA}.${name}`);
    }
    return { names: rows.map((r) => r.name), nonEmpty };
  }

  /** Empties the legacy area (the tables of an earlier import go: --truncate replaces everything). */
  async clearLegacyArea(existing: string[]): Promise<void> {
    await this.client.query(`create schema if not exists ${LEGACY_SCHEMA}`);
    for (const name of existing) await this.client.query(`drop table ${LEGACY_SCHEMA}.${quoteIdent(name)}`);
  }

  /** Creates the legacy table (every column text, as the source wrote it) and loads its rows. */
  async copyLegacy(plan: LegacyTablePlan, batches: Iterable<(string | number | null)[][]>, signal?: AbortSignal): Promise<void> {
    const table = `${LEGACY_SCHEMA}.${quoteIdent(plan.name)}`;
    const definitions = plan.columns.map((c) => `${quoteIdent(c)} text`).join(', ');
    await this.client.query(`create table ${table} (${quoteIdent(LEGACY_ROW_COLUMN)} bigint primary key, ${definitions})`);
    const holds = { table: 'the whole table', columns: 'its key and the columns our schema lacks', 'rejected rows': 'the rows our tables could not take' }[
      plan.holds
    ];
    await this.client.query(
      `comment on table ${table} is ${pg.escapeLiteral(`verbatim copy of source table ${plan.sourceTable}: ${holds}; never read by the API`)}`,
    );
    const columns = [LEGACY_ROW_COLUMN, ...plan.columns].map(quoteIdent).join(', ');
    const copy = this.client.query(copyFrom(`copy ${LEGACY_SCHEMA}.${quoteIdent(plan.name)} (${columns}) from stdin`));
    function* chunks() {
      for (const batch of batches) yield Buffer.from(batch.map(legacyCopyLine).join(''), 'utf8');
    }
    await pipeline(Readable.from(chunks()), copy, { signal });
  }

  async legacyChecksum(plan: LegacyTablePlan): Promise<{ rows: number; checksum: string }> {
    const columns = [LEGACY_ROW_COLUMN, ...plan.columns].map(quoteIdent).join(', ');
    const output = this.client.query(
      copyTo(`copy (select ${columns} from ${LEGACY_SCHEMA}.${quoteIdent(plan.name)} order by ${quoteIdent(LEGACY_ROW_COLUMN)}) to stdout`),
    );
    const hash = createHash(CHECKSUM_ALGORITHM);
    let rows = 0;
    for await (const chunk of output as AsyncIterable<Buffer>) {
      hash.update(chunk);
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
    }
    return { rows, checksum: hash.digest('hex') };
  }

  /** The target's record of this import (import_runs), so it commits or rolls back with the rows. */
  async recordRun(record: ImportRunRecord): Promise<void> {
    await this.client.query(`insert into import_runs (started_at, finished_at, source, rows) values ($1, $2, $3, $4)`, [
      record.startedAt,
      record.finishedAt,
      record.source,
      record.rows,
    ]);
  }

  async commit(): Promise<void> {
    await this.client.query('commit');
  }

  async rollback(): Promise<void> {
    await this.client.query('rollback');
  }
}
