// drizzle-kit migrations: committed ones match the schemas, apply from empty to exactly the
// schema on both dialects, re-apply as a no-op, and the protected-table guard refuses drops.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { is } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { openDatabase, type Database } from '../../src/db/client.js';
import { PROTECTED_TABLES } from '../../src/db/enums.js';
import { applyMigrations, migrationsFolder, migrationStatus, ProtectedTableError } from '../../src/db/migrate.js';
import { describeLiveSchema } from '../../src/db/introspect.js';
import { findProtectedTableViolations } from '../../src/db/protected.js';
import * as pgSchema from '../../src/db/schema/pg.js';
import * as sqliteSchema from '../../src/db/schema/sqlite.js';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';

function expectedSchema(dialect: 'sqlite' | 'postgres') {
  const configs =
    dialect === 'postgres'
      ? Object.values(pgSchema)
          .filter((t) => is(t, PgTable))
          .map((t) => pgTableConfig(t as PgTable))
      : Object.values(sqliteSchema)
          .filter((t) => is(t, SQLiteTable))
          .map((t) => sqliteTableConfig(t as SQLiteTable));
  return Object.fromEntries(
    configs.map((c) => [
      c.name,
      {
        columns: c.columns.map((col) => ({ name: col.name, notNull: col.notNull })),
        indexes: c.indexes.map((i) => i.config.name as string).sort(),
      },
    ]),
  );
}

describeEachDialect('migrations', (dialect) => {
  let scratch: ScratchDatabase;
  let database: Database;
  afterEach(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it('applied to an empty database give exactly the schema, and re-applying does nothing', async () => {
    scratch = await createScratchDatabase(dialect);
    database = openDatabase(scratch.url);
    expect((await migrationStatus(database)).applied).toEqual([]);

    const applied = await applyMigrations(database);
    expect(applied.length).toBeGreaterThan(0);
    const live = await describeLiveSchema(database);
    delete live.__drizzle_migrations; // drizzle's own bookkeeping (PostgreSQL keeps it in schema "drizzle")
    expect(live).toEqual(expectedSchema(dialect));

    expect(await applyMigrations(database)).toEqual([]);
    const status = await migrationStatus(database);
    expect(status.pending).toEqual([]);
    expect(status.applied.map((m) => m.tag)).toEqual(applied);
  });

  it('refuses a pending migration that drops a protected table, leaving it in place', async () => {
    scratch = await createScratchDatabase(dialect);
    database = openDatabase(scratch.url);
    await applyMigrations(database);

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-migrations-'));
    fs.cpSync(migrationsFolder(dialect), folder, { recursive: true });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_drop_results' });
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    fs.writeFileSync(path.join(folder, '9999_drop_results.sql'), 'DROP TABLE "results";');

    await expect(applyMigrations(database, { migrationsFolder: folder })).rejects.toBeInstanceOf(ProtectedTableError);
    const live = await describeLiveSchema(database);
    for (const table of PROTECTED_TABLES) expect(live[table], table).toBeDefined();
    fs.rmSync(folder, { recursive: true, force: true });
  });
});

describe('protected-table guard', () => {
  it.each([
    'DROP TABLE "results";',
    'drop table if exists `statistics`',
    'ALTER TABLE "public"."user_stats" ADD COLUMN "x" integer;',
    'ALTER TABLE schema_version RENAME TO old_versions;',
    'ALTER TABLE `__new_results` RENAME TO `results`;',
    'TRUNCATE results',
    'DELETE FROM "statistics" WHERE 1=1',
    'UPDATE user_stats SET total_attempts = 0',
  ])('flags %s', (statement) => {
    expect(findProtectedTableViolations(statement)).not.toEqual([]);
  });

  it.each([
    'CREATE TABLE "results" ("id" integer);',
    'ALTER TABLE "exercises" ADD COLUMN "results_count" integer;',
    'DROP TABLE "user_stats_archive";',
    '-- DROP TABLE results\nSELECT 1',
  ])('allows %s', (statement) => {
    expect(findProtectedTableViolations(statement)).toEqual([]);
  });
});

describe('committed migrations', () => {
  it.each(['postgresql', 'sqlite'])('match the %s schema (drizzle-kit generate finds nothing to add)', (dialect) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-drift-'));
    const source = migrationsFolder(dialect === 'sqlite' ? 'sqlite' : 'postgres');
    fs.cpSync(source, out, { recursive: true });
    const before = fs.readdirSync(out).sort();
    execFileSync(path.resolve('node_modules/.bin/drizzle-kit'), ['generate'], {
      env: { ...process.env, DRIZZLE_DIALECT: dialect, DRIZZLE_OUT: out },
      stdio: 'pipe',
    });
    expect(fs.readdirSync(out).sort()).toEqual(before);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
