// The PostgreSQL and SQLite schemas must describe the same tables: names, columns, nullability,
// defaults, indexes, checks and foreign keys. Types differ by design (see DESIGN §5).
import { describe, expect, it } from 'vitest';
import { is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as pgSchema from '../../src/db/schema/pg.js';
import * as sqliteSchema from '../../src/db/schema/sqlite.js';

/** A default as a comparable word: "now" for either dialect's current-time expression. */
function normalizeDefault(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (is(value, SQL)) {
    const text = value.queryChunks.map((c) => (typeof c === 'object' && c && 'value' in c ? String((c as { value: unknown }).value) : '')).join('');
    if (/now\(\)|unixepoch/.test(text)) return 'now';
    return text;
  }
  return value;
}

type AnyColumn = { name: string; notNull: boolean; primary: boolean; default: unknown; hasDefault: boolean; defaultFn?: unknown; onUpdateFn?: unknown };

function describeTable(config: {
  name: string;
  columns: AnyColumn[];
  indexes: { config: { name?: string; unique: boolean; columns: unknown[] } }[];
  foreignKeys: { reference(): { columns: { name: string }[]; foreignTable: unknown; foreignColumns: { name: string }[] }; onDelete?: string }[];
  checks: { name: string }[];
}, tableName: (t: unknown) => string) {
  return {
    name: config.name,
    columns: Object.fromEntries(
      config.columns
        .map((c) => [
          c.name,
          {
            notNull: c.notNull,
            primary: c.primary,
            default: normalizeDefault(c.default),
            onUpdate: Boolean(c.onUpdateFn),
          },
        ])
        .sort(),
    ),
    indexes: config.indexes
      .map((i) => ({
        name: i.config.name,
        unique: i.config.unique,
        columns: i.config.columns.map((c) => (c && typeof c === 'object' && 'name' in c ? (c as { name: string }).name : 'expression')),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((c) => c.name),
          references: `${tableName(ref.foreignTable)}(${ref.foreignColumns.map((c) => c.name).join(',')})`,
          onDelete: fk.onDelete ?? 'no action',
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    checks: config.checks.map((c) => c.name).sort(),
  };
}

const pgTables = Object.values(pgSchema).filter((t) => is(t, PgTable)) as PgTable[];
const sqliteTables = Object.values(sqliteSchema).filter((t) => is(t, SQLiteTable)) as SQLiteTable[];
const pgName = (t: unknown) => pgTableConfig(t as PgTable).name;
const sqliteName = (t: unknown) => sqliteTableConfig(t as SQLiteTable).name;

describe('schema parity between PostgreSQL and SQLite', () => {
  it('defines the same tables under the same export names', () => {
    const pgExports = Object.entries(pgSchema).filter(([, t]) => is(t, PgTable)).map(([k, t]) => [k, pgName(t)]);
    const sqliteExports = Object.entries(sqliteSchema).filter(([, t]) => is(t, SQLiteTable)).map(([k, t]) => [k, sqliteName(t)]);
    expect(sqliteExports.sort()).toEqual(pgExports.sort());
    expect(pgTables.map(pgName).sort()).toEqual(
      expect.arrayContaining(['users', 'exercises', 'attempts', 'progress', 'logic_challenges', 'logic_challenge_attempts', 'results', 'statistics', 'user_stats', 'schema_version']),
    );
  });

  for (const pgTable of pgTables) {
    const name = pgName(pgTable);
    it(`table ${name}: same columns, nullability, defaults, indexes, checks and foreign keys`, () => {
      const sqliteTable = sqliteTables.find((t) => sqliteName(t) === name);
      expect(sqliteTable, `sqlite schema lacks ${name}`).toBeDefined();
      const pgSide = describeTable(pgTableConfig(pgTable) as never, pgName);
      const sqliteSide = describeTable(sqliteTableConfig(sqliteTable!) as never, sqliteName);
      expect(sqliteSide).toEqual(pgSide);
    });
  }

  it('indexes every foreign key (as the leading column of some index)', () => {
    for (const table of pgTables) {
      const config = pgTableConfig(table);
      const leading = config.indexes.map((i) => (i.config.columns[0] as { name?: string }).name);
      for (const fk of config.foreignKeys) {
        const column = fk.reference().columns[0].name;
        expect(leading, `${config.name}.${column} has no index`).toContain(column);
      }
    }
  });
});
