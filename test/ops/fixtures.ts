// Databases for the ops and CLI tests, reached through their own connections (as another
// process would): migrated scratch databases, raw SQL, sample rows, planted orphans, and a
// complete snapshot (schema, every row, identity counters) to compare states exactly.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from '../../src/db/client.js';
import { openDatabase } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { parseDatabaseUrl } from '../../src/db/url.js';
import { createMigratedScratchDatabase, createScratchDatabase, type ScratchDatabase } from '../helpers/app.js';

/** A scratch database with the project's migrations (a copy of the migrated template), or those of `options.migrationsFolder`. */
export async function migratedScratch(dialect: Dialect, options: { migrationsFolder?: string } = {}): Promise<ScratchDatabase> {
  if (!options.migrationsFolder) return createMigratedScratchDatabase(dialect);
  const scratch = await createScratchDatabase(dialect);
  const database = openDatabase(scratch.url);
  try {
    await applyMigrations(database, options);
  } finally {
    await database.close();
  }
  return scratch;
}

function sqlitePath(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target?.dialect !== 'sqlite') throw new Error(`not a SQLite URL: ${url}`);
  return target.path;
}

/**
 * Runs `statements` in order on a fresh connection; returns the rows of the last one. On SQLite
 * foreign keys are off on such a connection (SQLite's default), as they would be for a careless script.
 */
export async function execSql(url: string, statements: string[]): Promise<Record<string, unknown>[]> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePath(url));
    try {
      db.pragma('busy_timeout = 5000');
      let rows: Record<string, unknown>[] = [];
      for (const statement of statements) {
        const prepared = db.prepare(statement);
        if (prepared.reader) rows = prepared.all() as Record<string, unknown>[];
        else {
          prepared.run();
          rows = [];
        }
      }
      return rows;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) rows = (await client.query(statement)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

/** A few rows in the main tables (users 1 and 2, exercise 1, attempt 1). */
export function insertSampleRows(url: string) {
  return execSql(url, [
    `insert into users (username, email, hashed_password, role) values ('luke', 'luke@example.org', 'x', 'padawan'), ('leia', 'leia@example.org', 'y', 'maitre')`,
    `insert into exercises (title, creator_id, exercise_type, difficulty, question, correct_answer) values ('two and two', 2, 'addition', 'initie', '2+2?', '4')`,
    `insert into attempts (user_id, exercise_id, user_answer, is_correct, time_spent) values (1, 1, '4', true, 3.5)`,
  ]);
}

/** After a backup of the sample rows: changes rows, an identity counter and the schema, all of which a restore must undo. */
export function changeSampleState(url: string) {
  return execSql(url, [
    `insert into users (username, email, hashed_password) values ('han', 'han@example.org', 'z')`,
    `update users set full_name = 'Luke Skywalker' where id = 1`,
    `delete from attempts`,
    `create table scribbles (id integer primary key, note text)`,
  ]);
}

export const ORPHAN_USER_ID = 987654;

/** A progress row whose user does not exist, written with foreign-key checks off. */
export function plantOrphan(url: string) {
  const insert = `insert into progress (user_id, exercise_type, difficulty) values (${ORPHAN_USER_ID}, 'addition', 'initie')`;
  return url.startsWith('sqlite:') ? execSql(url, ['pragma foreign_keys = off', insert]) : execSql(url, ['set session_replication_role = replica', insert]);
}

/** Everything that makes up the database's state, in a comparable form. */
export async function snapshot(url: string): Promise<Record<string, unknown>> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePath(url), { readonly: true });
    try {
      const schema = db.prepare(`select type, name, tbl_name, sql from sqlite_master order by type, name`).all() as { type: string; name: string }[];
      const rows: Record<string, unknown> = {};
      for (const { name } of schema.filter((s) => s.type === 'table')) rows[name] = db.prepare(`select * from "${name}" order by 1`).all();
      return { schema, rows };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (text: string) => (await client.query(text)).rows;
    const tables = await q(`select schemaname, tablename from pg_tables where schemaname in ('public', 'drizzle') order by 1, 2`);
    const rows: Record<string, unknown> = {};
    for (const t of tables) rows[`${t.schemaname}.${t.tablename}`] = await q(`select * from "${t.schemaname}"."${t.tablename}" order by 1`);
    return {
      columns: await q(`select table_schema, table_name, column_name, data_type, is_nullable, column_default, is_identity
                        from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2, ordinal_position`),
      indexes: await q(`select schemaname, indexname, indexdef from pg_indexes where schemaname in ('public', 'drizzle') order by 1, 2`),
      constraints: await q(`select c.conrelid::regclass::text as on_table, c.conname, pg_get_constraintdef(c.oid) as definition
                            from pg_constraint c join pg_namespace n on n.oid = c.connamespace
                            where n.nspname in ('public', 'drizzle') order by 1, 2`),
      sequences: await q(`select schemaname, sequencename, last_value from pg_sequences where schemaname in ('public', 'drizzle') order by 1, 2`),
      rows,
    };
  } finally {
    await client.end();
  }
}
