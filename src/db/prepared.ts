// Prepared queries for the hot paths: built once per connection, then only bound (building the SQL
// text was over a third of a cheap request). Placeholders are bound as given: WHERE values must
// already be driver values (0/1 on SQLite…); insert/update columns go through their own conversion.
import { Column, is, SQL } from 'drizzle-orm';
import type { AppDb, Tables } from './database.js';

/**
 * drizzle instances whose prepared queries must stay unnamed. On PostgreSQL a prepared query is a
 * named statement, parsed and planned once per server connection; behind a transaction-mode
 * PgBouncer older than 1.21 those break, so PG_NAMED_STATEMENTS=false sends them unnamed.
 */
const unnamedStatementDbs = new WeakSet<object>();

/** Called by the PostgreSQL client on each drizzle instance it makes when PG_NAMED_STATEMENTS=false. */
export function sendStatementsUnnamed(db: object): void {
  unnamedStatementDbs.add(db);
}

/** The name a prepared query runs under on this drizzle instance: undefined sends it unnamed. */
export function statementName(db: AppDb, name: string): string | undefined {
  return unnamedStatementDbs.has(db) ? undefined : name;
}

interface Preparable {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<unknown> };
}
type Prepared<B extends Preparable> = ReturnType<B['prepare']>;
type ResultOf<B extends Preparable> = Awaited<ReturnType<Prepared<B>['execute']>>;

/** Statement names are server-wide per connection on PostgreSQL: two queries must never share one. */
const names = new Set<string>();

/** What `toSQL()` gives: the statement's text and its parameters in order (placeholders unfilled). */
export interface PreparedSql {
  sql: string;
  params: unknown[];
}

/**
 * A query that exists in a few shapes (`variant`: which filters are present, say), each prepared
 * on first use. `build` must give the same SQL for the same variant every time.
 */
export function preparedVariants<V extends string, B extends Preparable & { toSQL(): PreparedSql }>(
  name: string,
  build: (db: AppDb, tables: Tables, variant: V) => B,
) {
  if (names.has(name)) throw new Error(`prepared query "${name}" is defined twice`);
  names.add(name);
  const byDb = new WeakMap<AppDb, Map<V, Prepared<B>>>();
  const run = (db: AppDb, tables: Tables, variant: V, values: Record<string, unknown> = {}): Promise<ResultOf<B>> => {
    let variants = byDb.get(db);
    if (!variants) byDb.set(db, (variants = new Map()));
    let prepared = variants.get(variant);
    if (!prepared) {
      // the dialects' prepare() differ: PostgreSQL takes the statement's name (none: unnamed), SQLite nothing
      const statement = statementName(db, variant ? `${name}:${variant}` : name);
      prepared = build(db, tables, variant).prepare(statement as string) as Prepared<B>;
      mapRowsDirectly(prepared);
      variants.set(variant, prepared);
    }
    return prepared.execute(values) as Promise<ResultOf<B>>;
  };
  /** The SQL this query runs (the benchmark's bare reference runs the very same text). */
  run.toSQL = (db: AppDb, tables: Tables, variant: V): PreparedSql => build(db, tables, variant).toSQL();
  return run;
}

/** A query of one shape; see preparedVariants(). */
export function preparedQuery<B extends Preparable & { toSQL(): PreparedSql }>(name: string, build: (db: AppDb, tables: Tables) => B) {
  const runVariant = preparedVariants<'', B>(name, (db, tables) => build(db, tables));
  const run = (db: AppDb, tables: Tables, values: Record<string, unknown> = {}) => runVariant(db, tables, '', values);
  run.toSQL = (db: AppDb, tables: Tables) => runVariant.toSQL(db, tables, '');
  return run;
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}
/** What drizzle's prepared queries hold (drizzle-orm/better-sqlite3/session.js, node-postgres/session.js). */
interface DrizzlePrepared {
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: (rows: unknown[][]) => unknown;
  /** better-sqlite3's statement (SQLite) */
  stmt?: unknown;
  /** the query sent in array row mode (PostgreSQL) */
  queryConfig?: { rowMode?: string };
  values?(placeholderValues?: Record<string, unknown>): unknown[][];
  all(placeholderValues?: Record<string, unknown>): unknown;
}

/**
 * The rows of a prepared query that selects plain fields (no nested objects: no joined tables
 * selected as objects) are made by a mapper built once: each column's decoder is found when the
 * query is prepared. drizzle's mapResultRow finds it again for every cell (`is()` walks the field's
 * class chain up to three times per cell), which was a fifth of a 20-item list request on SQLite in
 * the benchmark's profile. The values are the same: the same decoders, null as null. SQLite: the
 * query's all() (the one its execute() calls); PostgreSQL: drizzle's own hook for a result mapper.
 */
function mapRowsDirectly(prepared: unknown): void {
  const query = prepared as DrizzlePrepared;
  const fields = query.fields;
  if (!Array.isArray(fields) || query.customResultMapper || !fields.every(({ path }) => path.length === 1)) return;
  const sqlite = query.stmt !== undefined && typeof query.values === 'function';
  const postgres = query.queryConfig?.rowMode === 'array';
  if (!sqlite && !postgres) return;
  const names = fields.map(({ path }) => path[0]);
  const decoders = fields.map(({ field }): Decoder => {
    if (is(field, Column)) return field;
    // drizzle keeps an SQL's decoder (its mapWith) on an internal property
    const decoderOf = (sql: SQL) => (sql as unknown as { decoder: Decoder }).decoder;
    if (is(field, SQL)) return decoderOf(field);
    if (is(field, SQL.Aliased)) return decoderOf(field.sql);
    return decoderOf((field as { _: { sql: SQL } })._.sql); // a subquery
  });
  const width = names.length;
  const mapRows = (rows: unknown[][]) => {
    const out = new Array<Record<string, unknown>>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const result: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const value = row[i];
        result[names[i]] = value === null ? null : decoders[i].mapFromDriverValue(value);
      }
      out[r] = result;
    }
    return out;
  };
  if (sqlite) query.all = (placeholderValues) => mapRows(query.values!(placeholderValues));
  else query.customResultMapper = mapRows;
}
