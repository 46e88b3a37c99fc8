// `mathakine db migrate`: backup → apply → verify, and an automatic restore when a migration
// fails half-way or leaves the data broken; --check only reports; protected tables are refused
// before anything happens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Dialect } from '../../src/db/client.js';
import { migrationsFolder } from '../../src/db/migrate.js';
import { describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { insertSampleRows, migratedScratch, snapshot } from '../ops/fixtures.js';
import { runCli } from './run-cli.js';

const BREAK = '\n--> statement-breakpoint\n';

/** A copy of the project's migrations plus `extra` ones (tag → SQL statements). */
function migrationsWith(dialect: Dialect, root: string, extra: Record<string, string[]>): string {
  const folder = path.join(root, `migrations-${Object.keys(extra).join('-')}`);
  fs.cpSync(migrationsFolder(dialect), folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
  for (const [tag, statements] of Object.entries(extra)) {
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 60_000, tag });
    fs.writeFileSync(path.join(folder, `${tag}.sql`), statements.join(BREAK));
  }
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  return folder;
}

const ADD_NOTES = [
  'CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)',
  "INSERT INTO notes (id, body) VALUES (1, 'written by a migration')",
  "UPDATE users SET full_name = 'changed by a migration'",
];

describeEachDialect('mathakine db migrate', (dialect) => {
  let scratch: ScratchDatabase;
  let cwd: string;
  let env: Record<string, string>;
  const migrate = (folder: string, ...flags: string[]) => runCli(['db', 'migrate', '--json', '--migrations-folder', folder, ...flags], { env, cwd });

  beforeEach(async () => {
    scratch = await migratedScratch(dialect);
    await insertSampleRows(scratch.url);
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-cli-migrate-'));
    env = { DATABASE_URL: scratch.url, BACKUP_DIR: './backups' };
  });
  afterEach(async () => {
    await scratch?.drop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('restores the backup when a migration fails half-way: the database is as before', async () => {
    const folder = migrationsWith(dialect, cwd, {
      '0001_add_notes': ADD_NOTES,
      '0002_broken': ['CREATE TABLE more_notes (id integer PRIMARY KEY)', 'INSERT INTO no_such_table VALUES (1)'],
    });
    const before = await snapshot(scratch.url);

    const res = await migrate(folder);
    expect(res.code).toBe(1);
    const report = res.json();
    expect(report).toMatchObject({ ok: false, restored: true, applied: [] });
    expect(report.error).toMatch(/no_such_table/);
    expect(report.pending.map((p: { tag: string }) => p.tag)).toEqual(['0001_add_notes', '0002_broken']);
    expect(report.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'check pending migrations:done',
      'protected-table guard:done',
      'backup:done',
      'apply migrations:failed',
      'restore backup:done',
    ]);
    expect(fs.existsSync(report.backup)).toBe(true);
    expect(path.basename(report.backup)).toMatch(new RegExp(`^mathakine-${dialect}-pre-migrate-`));
    expect(await snapshot(scratch.url)).toEqual(before);
  });

  it('restores the backup when the migrated data fails verification', async () => {
    // applies without error, but leaves a row the integrity checks reject
    const breakData =
      dialect === 'postgres'
        ? ['SET LOCAL session_replication_role = replica', "INSERT INTO progress (user_id, exercise_type, difficulty) VALUES (987654, 'addition', 'initie')"]
        : [
            'PRAGMA ignore_check_constraints = ON',
            "INSERT INTO users (username, email, hashed_password, role) VALUES ('sidious', 'sidious@example.org', 'x', 'emperor')",
          ];
    const folder = migrationsWith(dialect, cwd, { '0001_add_notes': ADD_NOTES, '0002_break_data': breakData });
    const before = await snapshot(scratch.url);

    const res = await migrate(folder);
    expect(res.code).toBe(1);
    const report = res.json();
    expect(report).toMatchObject({ ok: false, restored: true });
    expect(report.error).toMatch(dialect === 'postgres' ? /orphan_rows progress\.user_id/ : /enum_violations users\.role/);
    expect(report.steps.find((s: { name: string }) => s.name === 'apply migrations').status).toBe('done');
    expect(report.steps.find((s: { name: string }) => s.name === 'verify').status).toBe('failed');
    expect(await snapshot(scratch.url)).toEqual(before);
  });

  it('applies pending migrations after a backup; --check reports what is pending without changing anything', async () => {
    const folder = migrationsWith(dialect, cwd, { '0001_add_notes': ADD_NOTES });
    const before = await snapshot(scratch.url);

    const check = await migrate(folder, '--check');
    expect(check.code).toBe(1); // pending migrations: like `manage.py migrate --check`
    expect(check.json()).toMatchObject({ check_only: true, ok: false, backup: null, applied: [] });
    expect(check.json().pending.map((p: { tag: string }) => p.tag)).toEqual(['0001_add_notes']);
    expect(await snapshot(scratch.url)).toEqual(before);
    expect(fs.existsSync(path.join(cwd, 'backups'))).toBe(false);

    const res = await migrate(folder);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json()).toMatchObject({ ok: true, restored: false, applied: ['0001_add_notes'], pending: [] });
    expect(fs.readdirSync(path.join(cwd, 'backups'))).toHaveLength(1);

    const after = await runCli(['db', 'migrate', '--check', '--migrations-folder', folder], { env, cwd });
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/up to date/);
    const again = await migrate(folder);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, applied: [], backup: null });
  });

  it('refuses a migration that drops a protected table before taking any step', async () => {
    const folder = migrationsWith(dialect, cwd, { '0001_drop_results': ['DROP TABLE "results"'] });
    const before = await snapshot(scratch.url);

    const res = await migrate(folder);
    expect(res.code).toBe(1);
    const report = res.json();
    expect(report.error).toMatch(/protected tables.*0001_drop_results touches results/);
    expect(report.steps.at(-1)).toMatchObject({ name: 'protected-table guard', status: 'failed' });
    expect(report.backup).toBeNull();
    expect(await snapshot(scratch.url)).toEqual(before);
  });
});
