// The import's legacy area (schema `legacy` on PostgreSQL, `legacy_*` tables on SQLite) is
// protected from migrations like the four legacy tables: the guard flags any statement on it, and a
// pending migration touching it is refused before anything runs, leaving the imported rows in place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { applyMigrations, migrationsFolder, ProtectedTableError } from '../../src/db/migrate.js';
import { findProtectedTableViolations } from '../../src/db/protected.js';
import { importDatabase } from '../../src/ops/import/run.js';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { originalFixture, writeOriginalSqlite } from '../helpers/legacy-fixture-original.js';

describe('legacy-area guard', () => {
  it.each([
    'CREATE SCHEMA "legacy";',
    'DROP SCHEMA IF EXISTS legacy CASCADE;',
    'DROP TABLE "legacy"."notifications";',
    'ALTER TABLE legacy.users ADD COLUMN "x" integer;',
    'DROP TABLE `legacy_notifications`;',
    'CREATE TABLE `legacy_users` (`id` integer);',
    'ALTER TABLE `__new_x` RENAME TO `legacy_users`;',
    'INSERT INTO "legacy_settings" VALUES (1);',
    'CREATE INDEX "i" ON "legacy"."users" ("id");',
    'DELETE FROM legacy.user_sessions',
  ])('flags %s', (statement) => {
    expect(findProtectedTableViolations(statement)).not.toEqual([]);
  });

  it.each([
    'CREATE TABLE "users_legacy" ("id" integer);',
    'ALTER TABLE "exercises" ADD COLUMN "legacy_id" integer;',
    'CREATE INDEX "i" ON "users" ("legacy_id");',
  ])('allows %s', (statement) => {
    expect(findProtectedTableViolations(statement)).toEqual([]);
  });
});

describeEachDialect('legacy area and migrations', (dialect) => {
  let scratch: ScratchDatabase;
  let database: Database | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await database?.close();
    await scratch?.drop();
    for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('refuses a pending migration that drops a legacy-area table, which keeps its rows', async () => {
    scratch = await createScratchDatabase(dialect);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-legacy-guard-'));
    folders.push(folder);
    const source = path.join(folder, 'original.db');
    writeOriginalSqlite(source, originalFixture('2025-06'));
    const report = await importDatabase({ source, target: scratch.url.replace(/^sqlite:/, '') });
    expect(report.error).toBeNull();

    const migrations = path.join(folder, 'migrations');
    fs.cpSync(migrationsFolder(dialect), migrations, { recursive: true });
    const journalFile = path.join(migrations, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_drop_legacy' });
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    const drop = dialect === 'postgres' ? 'DROP TABLE "legacy"."notifications";' : 'DROP TABLE `legacy_notifications`;';
    fs.writeFileSync(path.join(migrations, '9999_drop_legacy.sql'), drop);

    database = openDatabase(scratch.url);
    await expect(applyMigrations(database, { migrationsFolder: migrations })).rejects.toBeInstanceOf(ProtectedTableError);
    const table = dialect === 'postgres' ? 'legacy.notifications' : 'legacy_notifications';
    const rows = await database.query<{ n: number | string }>(sql.raw(`select count(*) as n from ${table}`));
    expect(Number(rows[0].n)).toBe(1);
  });
});
