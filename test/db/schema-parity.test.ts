// The PostgreSQL and SQLite schemas must describe the same tables: names, columns, column kinds,
// nullability, defaults, indexes, checks and foreign keys. sqlite.ts's tables are generated from
// pg.ts (src/db/schema/copy-tables.ts); the first test fails when that copy is stale.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as pgSchema from '../../src/db/schema/pg.js';
import { PG_SCHEMA_FILE, SQLITE_SCHEMA_FILE, sqliteSchemaSource } from '../../src/db/schema/copy-tables.js';
import * as sqliteSchema from '../../src/db/schema/sqlite.js';

/**
 * What a column holds, the same word for each dialect's representation (DESIGN §5: timestamps are
 * timestamptz / integer milliseconds, json is jsonb / text, booleans boolean / integer 0-1).
 * An unknown column type is its own word, so it can only match itself.
 */
const COLUMN_KINDS: Record<string, string> = {
  PgText: 'text',
  SQLiteText: 'text',
  PgInteger: 'integer',
  PgBigInt53: 'integer', // SQLite's INTEGER holds 64 bits
  SQLiteInteger: 'integer',
  PgDoublePrecision: 'real',
  SQLiteReal: 'real',
  PgBoolean: 'boolean',
  SQLiteBoolean: 'boolean',
  PgTimestamp: 'timestamp',
  SQLiteTimestamp: 'timestamp',
  PgJsonb: 'json',
  SQLiteTextJson: 'json',
};
const columnKind = (columnType: string) => COLUMN_KINDS[columnType] ?? columnType;

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

type AnyColumn = {
  name: string;
  columnType: string;
  enumValues?: string[];
  notNull: boolean;
  primary: boolean;
  default: unknown;
  hasDefault: boolean;
  defaultFn?: unknown;
  onUpdateFn?: unknown;
};

function describeTable(
  config: {
    name: string;
    columns: AnyColumn[];
    indexes: { config: { name?: string; unique: boolean; columns: unknown[] } }[];
    foreignKeys: { reference(): { columns: { name: string }[]; foreignTable: unknown; foreignColumns: { name: string }[] }; onDelete?: string }[];
    checks: { name: string }[];
  },
  tableName: (t: unknown) => string,
) {
  return {
    name: config.name,
    columns: Object.fromEntries(
      config.columns
        .map((c) => [
          c.name,
          {
            kind: columnKind(c.columnType),
            enumValues: c.enumValues,
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
  it('sqlite.ts holds the current copy of pg.ts tables (else: npm run db:schema)', () => {
    const sqliteSource = fs.readFileSync(SQLITE_SCHEMA_FILE, 'utf8');
    expect(sqliteSchemaSource(fs.readFileSync(PG_SCHEMA_FILE, 'utf8'), sqliteSource) === sqliteSource).toBe(true);
  });

  it('knows the kind of every column type in use', () => {
    const types = [...pgTables.flatMap((t) => pgTableConfig(t).columns), ...sqliteTables.flatMap((t) => sqliteTableConfig(t).columns)].map((c) => c.columnType);
    for (const type of new Set(types)) expect(COLUMN_KINDS, type).toHaveProperty(type);
  });

  it('tells a column whose kind changed on one side', () => {
    const pgUsers = describeTable(pgTableConfig(pgSchema.users) as never, pgName);
    const config = sqliteTableConfig(sqliteSchema.users);
    const withUsername = (columnType: string) => ({
      ...config,
      columns: config.columns.map((c) => (c.name === 'username' ? { ...c, columnType } : c)),
    });
    expect(describeTable(withUsername('SQLiteText') as never, sqliteName)).toEqual(pgUsers);
    expect(describeTable(withUsername('SQLiteInteger') as never, sqliteName)).not.toEqual(pgUsers);
  });

  it('defines the same tables under the same export names', () => {
    const pgExports = Object.entries(pgSchema)
      .filter(([, t]) => is(t, PgTable))
      .map(([k, t]) => [k, pgName(t)]);
    const sqliteExports = Object.entries(sqliteSchema)
      .filter(([, t]) => is(t, SQLiteTable))
      .map(([k, t]) => [k, sqliteName(t)]);
    expect(sqliteExports.sort()).toEqual(pgExports.sort());
    expect(pgTables.map(pgName).sort()).toEqual(
      expect.arrayContaining([
        'users',
        'exercises',
        'attempts',
        'progress',
        'logic_challenges',
        'logic_challenge_attempts',
        'results',
        'statistics',
        'user_stats',
        'schema_version',
      ]),
    );
  });

  for (const pgTable of pgTables) {
    const name = pgName(pgTable);
    it(`table ${name}: same columns, kinds, nullability, defaults, indexes, checks and foreign keys`, () => {
      const sqliteTable = sqliteTables.find((t) => sqliteName(t) === name);
      expect(sqliteTable, `sqlite schema lacks ${name}`).toBeDefined();
      const pgSide = describeTable(pgTableConfig(pgTable) as never, pgName);
      const sqliteSide = describeTable(sqliteTableConfig(sqliteTable!) as never, sqliteName);
      expect(sqliteSide).toEqual(pgSide);
    });
  }

  it('indexes every foreign key (as the leading column of some index, a composite primary key included)', () => {
    for (const table of pgTables) {
      const config = pgTableConfig(table);
      const leading = [...config.indexes.map((i) => (i.config.columns[0] as { name?: string }).name), ...config.primaryKeys.map((key) => key.columns[0].name)];
      for (const fk of config.foreignKeys) {
        const column = fk.reference().columns[0].name;
        expect(leading, `${config.name}.${column} has no index`).toContain(column);
      }
    }
  });
});
