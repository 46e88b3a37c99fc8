// A PostgreSQL source (the original on Render, or ours) read in ONE read-only repeatable-read snapshot
// into a scratch SQLite file the importer reads like any other; values travel as PostgreSQL prints
// them and SQLite's column affinity turns number text back into numbers.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { StringDecoder } from 'node:string_decoder';
import { postgresConnectionConfig } from '../../db/client.js';
import { COPY_NULL, unescapeCopyText } from './convert.js';
import { quoteSqlite, DRIZZLE_MIGRATIONS_TABLE } from './plan.js';
import { IMPORT_APPLICATION_NAME, LEGACY_SCHEMA, quoteIdent } from './pg-target.js';

// The source database may be hostile (a dump loaded into a scratch database on our server runs its
// objects with our role's rights): these queries run with search_path pinned to pg_catalog and
// row_security off, and name every relation, function and operator with its schema, so no function,
// operator or policy the source defined can run in our session.
const SOURCE_SCHEMA_SQL = `select coalesce(pg_catalog.current_schema(), 'public') as schema`;
const PIN_SESSION_SQL = `select pg_catalog.set_config('search_path', 'pg_catalog', true), pg_catalog.set_config('row_security', 'off', true)`;
const TABLES_SQL = `
  select n.nspname as schema, c.relname as name, c.oid::pg_catalog.int4 as oid
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid operator(pg_catalog.=) c.relnamespace
  where c.relkind operator(pg_catalog.=) any (array['r', 'p']::pg_catalog."char"[])
    and (n.nspname operator(pg_catalog.=) $1::pg_catalog.name or n.nspname operator(pg_catalog.=) $2::pg_catalog.name)
  order by n.nspname, c.relname`;
const COLUMNS_SQL = `
  select a.attname as name, t.typname as type, t.typcategory as category,
    coalesce(a.attnum operator(pg_catalog.=) any (pk.conkey), false) as is_key,
    coalesce(pg_catalog.array_length(pk.conkey, 1), 0) as key_size
  from pg_catalog.pg_attribute a
    join pg_catalog.pg_type t on t.oid operator(pg_catalog.=) a.atttypid
    left join pg_catalog.pg_constraint pk on pk.conrelid operator(pg_catalog.=) a.attrelid and pk.contype operator(pg_catalog.=) 'p'::pg_catalog."char"
  where a.attrelid operator(pg_catalog.=) $1::pg_catalog.oid and a.attnum operator(pg_catalog.>) 0 and not a.attisdropped
  order by a.attnum`;
const DRIZZLE_JOURNAL_SQL = `
  select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid operator(pg_catalog.=) c.relnamespace
  where n.nspname operator(pg_catalog.=) 'drizzle' and c.relname operator(pg_catalog.=) $1::pg_catalog.name`;

// integer and float types keep their numbers through SQLite's affinity; numeric stays text (exact)
const AFFINITY: Record<string, string> = { int2: 'INTEGER', int4: 'INTEGER', int8: 'INTEGER', float4: 'REAL', float8: 'REAL' };

const ROWS_PER_TRANSACTION = 10_000;

/** Copies every table of `url` (its schema, and our `legacy` schema as legacy_NAME, as a SQLite database of ours names them) into the SQLite file `file`. */
export async function snapshotPostgres(url: string, file: string, signal?: AbortSignal): Promise<void> {
  const client = new pg.Client({ ...postgresConnectionConfig(url), connectionTimeoutMillis: 15_000, application_name: IMPORT_APPLICATION_NAME });
  await client.connect();
  const target = new BetterSqlite3(file);
  try {
    target.pragma('journal_mode = off');
    target.pragma('synchronous = off');
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set local timezone = 'UTC'`);
    await client.query(`set local datestyle = 'ISO, YMD'`);
    await client.query(`set local extra_float_digits = 1`);
    await client.query(`set local bytea_output = 'hex'`);
    const [{ schema }] = (await client.query<{ schema: string }>(SOURCE_SCHEMA_SQL)).rows;
    await client.query(PIN_SESSION_SQL);
    const tables = (await client.query<{ schema: string; name: string; oid: number }>(TABLES_SQL, [schema, LEGACY_SCHEMA])).rows;
    const ours = (await client.query(DRIZZLE_JOURNAL_SQL, [DRIZZLE_MIGRATIONS_TABLE])).rows.length > 0;
    // the marker by which a source is known to be one of ours (its migrations live in their own schema)
    if (ours) target.exec(`create table ${quoteSqlite(DRIZZLE_MIGRATIONS_TABLE)} (id integer primary key)`);
    for (const table of tables) {
      signal?.throwIfAborted();
      const staged = table.schema === LEGACY_SCHEMA ? `legacy_${table.name}` : table.name;
      const columns = (await client.query<{ name: string; type: string; category: string; is_key: boolean; key_size: number }>(COLUMNS_SQL, [table.oid])).rows;
      const singleKey = columns.find((c) => c.is_key && c.key_size === 1);
      const definitions = columns.map((c) => `${quoteSqlite(c.name)} ${AFFINITY[c.type] ?? 'TEXT'}${c === singleKey ? ' PRIMARY KEY' : ''}`);
      target.exec(`create table ${quoteSqlite(staged)} (${definitions.join(', ')})`);
      const insert = target.prepare(`insert into ${quoteSqlite(staged)} values (${columns.map(() => '?').join(', ')})`);
      const output = client.query(copyTo(`copy ${quoteIdent(table.schema)}.${quoteIdent(table.name)} to stdout`));
      const decoder = new StringDecoder('utf8');
      let pending = '';
      let batch: (string | null)[][] = [];
      const flush = target.transaction((rows: (string | null)[][]) => {
        for (const row of rows) insert.run(row);
      });
      for await (const chunk of output as AsyncIterable<Buffer>) {
        const lines = (pending + decoder.write(chunk)).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          batch.push(line.split('\t').map((field) => (field === COPY_NULL ? null : unescapeCopyText(field))));
          if (batch.length >= ROWS_PER_TRANSACTION) {
            flush(batch);
            batch = [];
          }
        }
      }
      flush(batch);
    }
    await client.query('commit');
  } finally {
    target.close();
    await client.end().catch(() => {});
  }
}
