// What to copy into our tables and how, derived from the PostgreSQL table definitions (src/db/schema/pg.ts) and
// the source file's actual tables and columns: column kinds, defaults, enum columns, foreign keys
// (and so the copy order), unique keys and range checks that are checked row by row in
// JavaScript, so a row PostgreSQL would refuse is reported with its id instead of failing a COPY.
import type BetterSqlite3 from 'better-sqlite3';
import { is, SQL } from 'drizzle-orm';
import { getTableConfig, IndexedColumn, PgColumn, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { PROTECTED_TABLES, sqlInList } from '../../db/enums.js';
import * as pgSchema from '../../db/schema/pg.js';
import type { ColumnKind } from './convert.js';
import { NULL_READINGS } from './null-readings.js';

/** drizzle's own bookkeeping: never copied (the target has its own, written by applyMigrations). */
export const DRIZZLE_MIGRATIONS_TABLE = '__drizzle_migrations';

const COLUMN_KINDS: Record<string, ColumnKind> = {
  PgInteger: 'integer',
  PgSerial: 'integer',
  PgDoublePrecision: 'real',
  PgReal: 'real',
  PgBoolean: 'boolean',
  PgText: 'text',
  PgVarchar: 'text',
  PgTimestamp: 'timestamp',
  PgJsonb: 'json',
  PgJson: 'json',
};

/**
 * Columns that describe one server, not the data: never copied, the target starts them empty.
 * users.last_write_lsn is a WAL position of the source's server (src/db/read-routing.ts), meaningless on another.
 */
export const NOT_IMPORTED: Record<string, string[]> = { users: ['last_write_lsn'] };

/**
 * Tables that describe one database, not the data: never copied nor verified, and a source's copy
 * is not legacy data. content_versions is raised by the target's own triggers as the import writes
 * the catalogue (src/db/catalogue-versions.ts): the ETags served before the import all change.
 * point_days is the ledger summed per learner and UTC day: rebuilt from point_events (REBUILT_TABLES).
 * import_runs is the target's own record of the imports it received (ImportRunRecord): a source's
 * list of its own imports says nothing about the target.
 */
export const NOT_IMPORTED_TABLES: readonly string[] = ['content_versions', 'point_days', 'import_runs'];

/**
 * Of those, the tables the app keeps equal to an imported one: emptied with the imported tables,
 * rebuilt from what was imported and checked against it (rewards.ts: point_days from point_events).
 */
export const REBUILT_TABLES: readonly string[] = ['point_days'];
const imported = (table: string) => (column: { name: string }) => !NOT_IMPORTED[table]?.includes(column.name);

/**
 * Source columns neither imported nor kept in the legacy area, with the reason the report gives: the
 * original's mailed links (2025-11 on) work only with its own secrets and pages, and keeping a live
 * reset token anywhere would be a way into the account. Their new home is account_tokens, where a
 * user asks for a new link; users.is_email_verified itself is imported.
 */
export const DROPPED_SOURCE_COLUMNS: Record<string, Record<string, string>> = {
  users: {
    password_reset_token: "the original app's reset link: dropped (a user asks for a new one with forgot-password)",
    password_reset_expires_at: "that link's expiry: dropped with it",
    email_verification_token: "the original app's verification link: dropped (is_email_verified is imported; resend-verification mails a new one)",
    email_verification_sent_at: 'when that link was mailed: dropped with it',
  },
};
const dropped = (table: string) => (column: string) => Boolean(DROPPED_SOURCE_COLUMNS[table]?.[column.toLowerCase()]);

/** The value a NOT NULL column newer than the source gets: a constant, or the moment the import started. */
export type ColumnDefault = { constant: unknown } | { now: true };

/**
 * A column the source may lack, computed from the row's other (converted) columns.
 * progress.timed_attempts counts the attempts behind average_time; the legacy app averaged over
 * all attempts, so that count is total_attempts when there is an average.
 */
const DERIVED_WHEN_MISSING: Record<string, Record<string, { from: string[]; derive: (values: unknown[]) => unknown }>> = {
  // the original's leaderboard opt-out is accessibility_settings.privacy_settings.show_in_leaderboards = false
  users: {
    leaderboard_visible: { from: ['accessibility_settings'], derive: ([settings]) => showsInLeaderboards(settings) },
  },
  progress: {
    timed_attempts: {
      from: ['average_time', 'total_attempts'],
      derive: ([averageTime, totalAttempts]) => (averageTime === null ? 0 : totalAttempts),
    },
  },
};

function showsInLeaderboards(settings: unknown): boolean {
  let value = settings;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return true;
    }
  }
  const privacy = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).privacy_settings : undefined;
  return !(privacy !== null && typeof privacy === 'object' && (privacy as Record<string, unknown>).show_in_leaderboards === false);
}

export interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  notNull: boolean;
  enumValues?: readonly string[];
  default?: ColumnDefault;
  /** The source column's name, or undefined when the source table lacks it. */
  sourceName?: string;
  derived?: { fromIndexes: number[]; derive: (values: unknown[]) => unknown };
  /** How the original read a NULL here (null-readings.ts); a NOT NULL column without one takes no NULL. */
  whenNull?: { constant: unknown } | { fromIndexes: number[]; derive: (values: unknown[]) => unknown };
}

export interface UniqueKeyPlan {
  name: string;
  parts: { index: number; lower: boolean }[];
}

export interface TablePlan {
  name: string;
  isProtected: boolean;
  columns: ColumnPlan[];
  primaryKeyIndex: number;
  foreignKeys: { index: number; column: string; parentTable: string }[];
  uniqueKeys: UniqueKeyPlan[];
  ranges: { index: number; column: string; min: number; max: number }[];
  /** Other tables point at this one: its imported ids are remembered to check their references. */
  isReferenced: boolean;
  /** Undefined when the source has no such table (nothing to copy; the target table stays empty). */
  source?: {
    name: string;
    ignoredColumns: string[];
    /** source columns left out on purpose (DROPPED_SOURCE_COLUMNS) */
    droppedColumns: string[];
    /** the source declares our primary key as its own, so SQLite has an index to page the rows by */
    keyPaging: boolean;
  };
}

export class ImportPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportPlanError';
  }
}

const dialect = new PgDialect();
const renderSql = (value: SQL) => dialect.sqlToQuery(value).sql;

/** Every table of our PostgreSQL schema, parents before children. */
export function schemaTablePlans(): TablePlan[] {
  const configs = (Object.values(pgSchema) as unknown[])
    .filter((t): t is PgTable => is(t, PgTable))
    .map((t) => getTableConfig(t))
    .filter((config) => !NOT_IMPORTED_TABLES.includes(config.name));
  const plans = configs.map((config): TablePlan => {
    const table = config.name;
    const columns = config.columns.filter(imported(table)).map((column): ColumnPlan => {
      const kind = COLUMN_KINDS[column.columnType];
      if (!kind) throw new ImportPlanError(`the importer does not handle ${column.columnType} (${table}.${column.name})`);
      return {
        name: column.name,
        kind,
        notNull: column.notNull,
        // text('…', { enum: LIST }) with a list of src/db/enums.ts; legacy spellings are normalized to it
        enumValues: column.enumValues?.length ? column.enumValues : undefined,
        default: columnDefault(table, column),
      };
    });
    const indexOf = (name: string) => {
      const index = columns.findIndex((c) => c.name === name);
      if (index < 0) throw new ImportPlanError(`no column ${table}.${name}`);
      return index;
    };
    for (const [name, rule] of Object.entries(DERIVED_WHEN_MISSING[table] ?? {})) {
      columns[indexOf(name)].derived = { fromIndexes: rule.from.map(indexOf), derive: rule.derive };
    }
    for (const [name, reading] of Object.entries(NULL_READINGS[table] ?? {})) {
      const column = columns[indexOf(name)];
      if (!column.notNull) throw new ImportPlanError(`${table}.${name} may be NULL: it needs no reading of NULL`);
      column.whenNull = 'constant' in reading ? { constant: reading.constant } : { fromIndexes: reading.from.map(indexOf), derive: reading.derive };
    }

    const primaryKeys = config.columns.filter((c) => c.primary);
    if (primaryKeys.length !== 1) throw new ImportPlanError(`${table} needs exactly one primary key column to be imported`);

    const ranges: TablePlan['ranges'] = [];
    for (const check of config.checks) {
      const text = renderSql(check.value);
      const inList = /^"[^"]+"\."([^"]+)" in \((.*)\)$/.exec(text);
      if (inList) {
        // an enum CHECK must be on a column declared with the same enum list, which the importer enforces
        const values = columns[indexOf(inList[1])].enumValues;
        if (!values || sqlInList(values) !== inList[2]) {
          throw new ImportPlanError(`check ${check.name} does not match the enum declared on ${table}.${inList[1]}`);
        }
        continue;
      }
      const between = /^"[^"]+"\."([^"]+)" between (-?\d+) and (-?\d+)$/.exec(text);
      if (between) ranges.push({ index: indexOf(between[1]), column: between[1], min: Number(between[2]), max: Number(between[3]) });
      // any other check is left to PostgreSQL, which then names the table and line
    }

    const uniqueKeys = config.indexes
      .filter((i) => i.config.unique)
      .map(
        (i): UniqueKeyPlan => ({
          name: i.config.name ?? `${table} unique index`,
          parts: i.config.columns.map((part) => {
            if (is(part, IndexedColumn) && part.name) return { index: indexOf(part.name), lower: false };
            const lower = is(part, SQL) ? /^lower\("[^"]+"\."([^"]+)"\)$/.exec(renderSql(part)) : null;
            if (!lower) throw new ImportPlanError(`the importer cannot check unique index ${i.config.name} of ${table}`);
            return { index: indexOf(lower[1]), lower: true };
          }),
        }),
      );

    return {
      name: table,
      isProtected: (PROTECTED_TABLES as readonly string[]).includes(table),
      columns,
      primaryKeyIndex: indexOf(primaryKeys[0].name),
      foreignKeys: config.foreignKeys.map((fk) => {
        const reference = fk.reference();
        if (reference.columns.length !== 1) throw new ImportPlanError(`composite foreign key ${fk.getName()} is not supported`);
        return {
          index: indexOf(reference.columns[0].name),
          column: reference.columns[0].name,
          parentTable: getTableConfig(reference.foreignTable).name,
        };
      }),
      uniqueKeys,
      ranges,
      isReferenced: false,
    };
  });
  for (const plan of plans) {
    for (const fk of plan.foreignKeys) {
      const parent = plans.find((p) => p.name === fk.parentTable);
      if (!parent) throw new ImportPlanError(`${plan.name}.${fk.column} references unknown table ${fk.parentTable}`);
      parent.isReferenced = true;
    }
  }
  return inForeignKeyOrder(plans);
}

function columnDefault(table: string, column: PgColumn): ColumnDefault | undefined {
  if (!column.hasDefault || column.default === undefined) return undefined;
  if (is(column.default, SQL)) {
    if (renderSql(column.default) === 'now()') return { now: true };
    throw new ImportPlanError(`the importer does not know the default of ${table}.${column.name}`);
  }
  return { constant: column.default };
}

/**
 * Parents before children; among tables free to go, the app's before the protected legacy ones
 * (so the big attempts table comes early and the server's work on it overlaps the conversion of
 * what follows), then by name: the same order wherever it runs.
 */
function inForeignKeyOrder(plans: TablePlan[]): TablePlan[] {
  const byName = [...plans].sort((a, b) => Number(a.isProtected) - Number(b.isProtected) || a.name.localeCompare(b.name));
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  while (ordered.length < plans.length) {
    const next = byName.find((p) => !placed.has(p.name) && p.foreignKeys.every((fk) => fk.parentTable === p.name || placed.has(fk.parentTable)));
    if (!next) throw new ImportPlanError('the schema has a cycle of foreign keys');
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

export type SourceKind = 'mathakine' | 'legacy';

export interface SourcePlan {
  kind: SourceKind;
  tables: TablePlan[];
  /** Source tables that have no counterpart in our schema: they go to the legacy area. */
  unknownTables: string[];
}

const quoteSqlite = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Matches the source file's tables and columns (case-insensitively) to the schema's. */
export function planFromSource(source: BetterSqlite3.Database): SourcePlan {
  const sourceTables = (
    source.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const plans = schemaTablePlans();
  const problems: string[] = [];

  for (const plan of plans) {
    const sourceName = sourceTables.find((t) => t.toLowerCase() === plan.name);
    if (!sourceName) continue;
    const columnInfo = source.prepare(`select name, type, pk from pragma_table_info(?)`).all(sourceName) as {
      name: string;
      type: string;
      pk: number;
    }[];
    const sourceColumns = columnInfo.map((c) => c.name);
    for (const column of plan.columns) {
      column.sourceName = sourceColumns.find((c) => c.toLowerCase() === column.name);
      if (!column.sourceName && column.notNull && !column.default && !column.derived && !(column.whenNull && 'fromIndexes' in column.whenNull)) {
        problems.push(`${sourceName} has no column ${column.name}, which is required and has no default`);
      }
    }
    if (!plan.columns[plan.primaryKeyIndex].sourceName) problems.push(`${sourceName} has no primary key column ${plan.columns[plan.primaryKeyIndex].name}`);
    const keyColumns = columnInfo.filter((c) => c.pk > 0);
    plan.source = {
      name: sourceName,
      ignoredColumns: sourceColumns.filter(
        (c) => !plan.columns.some((column) => column.name === c.toLowerCase()) && imported(plan.name)({ name: c.toLowerCase() }) && !dropped(plan.name)(c),
      ),
      droppedColumns: sourceColumns.filter(dropped(plan.name)),
      keyPaging: keyColumns.length === 1 && keyColumns[0].name === plan.columns[plan.primaryKeyIndex].sourceName,
    };
  }
  if (problems.length > 0) throw new ImportPlanError(`the source cannot be imported: ${problems.join('; ')}`);

  const known = new Set([...plans.map((p) => p.name), ...NOT_IMPORTED_TABLES]);
  const unknownTables = sourceTables.filter((t) => !known.has(t.toLowerCase()) && t !== DRIZZLE_MIGRATIONS_TABLE);

  return {
    kind: sourceTables.includes(DRIZZLE_MIGRATIONS_TABLE) ? 'mathakine' : 'legacy',
    tables: plans,
    unknownTables,
  };
}

/** The SELECT that reads a table's columns in the plan's order (NULL for those the source lacks). */
export function sourceSelect(plan: TablePlan): string {
  if (!plan.source) throw new Error(`${plan.name} is not in the source`);
  const list = plan.columns.map((c) => (c.sourceName ? quoteSqlite(c.sourceName) : 'NULL')).join(', ');
  const primaryKey = plan.columns[plan.primaryKeyIndex].sourceName!;
  return `select ${list} from ${quoteSqlite(plan.source.name)} order by ${quoteSqlite(primaryKey)}`;
}

export { quoteSqlite };
