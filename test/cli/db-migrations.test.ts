// Alembic's everyday commands on drizzle's migrations: `db history`, `db show`, `db migrate --sql`
// (nothing applied), `db stamp` (a database created by hand), and `db check`, which CI runs to
// catch two branches that both added a migration and hand-written migrations that do not apply.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/db/client.js';
import { listMigrations, migrationsFolder } from '../../src/db/migrate.js';
import { describeEachDialect } from '../helpers/app.js';
import { execSql } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli } from './run-cli.js';

const tablesIn = async (url: string, dialect: Dialect) =>
  (
    await execSql(url, [
      dialect === 'postgres'
        ? `select table_name as name from information_schema.tables where table_schema = 'public' order by 1`
        : `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`,
    ])
  ).map((r) => String(r.name));

describeEachDialect('mathakine db history / show / migrate --sql / stamp', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'migrations', migrated: false, env: { BACKUP_DIR: './backups' } });
  const tags = listMigrations(dialect).map((m) => m.tag);
  const history = async () => {
    const res = await ctx.cli('db', 'history', '--json');
    expect(res.code, res.stderr).toBe(0);
    return res.json().migrations.map((m: { tag: string; applied: boolean }) => `${m.tag}:${m.applied}`);
  };

  it('lists every migration as pending on an empty database, and --sql prints their SQL without applying any', async () => {
    expect(await history()).toEqual(tags.map((t) => `${t}:false`));
    const text = await ctx.cli('db', 'history');
    expect(text.stdout).toMatch(new RegExp(`PENDING ${tags[0]}  generated \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}  init`));

    const sql = await ctx.cli('db', 'migrate', '--sql', '--json');
    expect(sql.code, sql.stderr).toBe(0);
    const pending = sql.json().pending;
    expect(pending.map((p: { tag: string }) => p.tag)).toEqual(tags);
    expect(pending[0].statements.join('\n')).toMatch(/CREATE TABLE .users./);
    const script = await ctx.cli('db', 'migrate', '--sql');
    expect(script.stdout).toMatch(new RegExp(`^-- ${tags[0]} \\(generated`));
    expect(script.stdout).toMatch(/CREATE INDEX .idx_attempts_user_exercise./);

    expect(await tablesIn(ctx.scratch.url, dialect)).toEqual([]);
    expect(await history()).toEqual(tags.map((t) => `${t}:false`));
  }, 60_000);

  it('stamp records a database built by hand; migrate then runs only what is newer; stamp back forgets', async () => {
    const init = listMigrations(dialect)[0];
    const statements = fs.readFileSync(init.file, 'utf8').split('--> statement-breakpoint');
    await execSql(ctx.scratch.url, statements);

    const stamp = await ctx.cli('db', 'stamp', tags[0], '--json');
    expect(stamp.code, stamp.stderr).toBe(0);
    expect(stamp.json()).toEqual({ stamped: tags[0], recorded: [tags[0]], forgotten: [] });
    expect(await history()).toEqual(tags.map((t, i) => `${t}:${i === 0}`));

    const migrate = await ctx.cli('db', 'migrate', '--json');
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.json()).toMatchObject({ ok: true, applied: tags.slice(1) });
    expect(await history()).toEqual(tags.map((t) => `${t}:true`));

    const back = await ctx.cli('db', 'stamp', '0', '--json');
    expect(back.json()).toEqual({ stamped: tags[0], recorded: [], forgotten: tags.slice(1) });
    expect((await ctx.cli('db', 'migrate', '--check', '--json')).json().pending.map((p: { tag: string }) => p.tag)).toEqual(tags.slice(1));
    const head = await ctx.cli('db', 'stamp', 'head', '--json');
    expect(head.json()).toEqual({ stamped: tags.at(-1), recorded: tags.slice(1), forgotten: [] });
    expect((await ctx.cli('db', 'migrate', '--check', '--json')).code).toBe(0);
  }, 90_000);

  it("show prints one migration's SQL for this dialect; an unknown tag is an error", async () => {
    const head = await ctx.cli('db', 'show', 'head', '--json');
    expect(head.code, head.stderr).toBe(0);
    expect(head.json()).toMatchObject({ tag: tags.at(-1) });
    const headSql = fs.readFileSync(path.join(migrationsFolder(dialect), `${tags.at(-1)}.sql`), 'utf8');
    expect(head.json().statements.map((s: string) => s.trim())).toEqual(headSql.split('--> statement-breakpoint').map((s) => s.trim()));
    const unknown = await ctx.cli('db', 'show', '0042_nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no migration 0042_nope; known: 0000_init/);
    const stampUnknown = await ctx.cli('db', 'stamp', 'nope');
    expect(stampUnknown.code).toBe(1);
  });
});

/** A copy of a dialect's migrations in which `branch` adds a migration generated from the current head. */
function addBranchMigration(folder: string, tag: string, statement: string, when: number) {
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
  const head = journal.entries.at(-1);
  const headSnapshot = JSON.parse(fs.readFileSync(path.join(folder, 'meta', `${String(head.idx).padStart(4, '0')}_snapshot.json`), 'utf8'));
  const idx = journal.entries.length;
  journal.entries.push({ ...head, idx, when, tag });
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  fs.writeFileSync(path.join(folder, `${tag}.sql`), statement);
  const snapshot = { ...headSnapshot, id: `${tag}-id`, prevId: headSnapshot.id };
  fs.writeFileSync(path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify(snapshot));
}

describe('mathakine db check', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-cli-check-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const copy = (name: string, dialect: Dialect) => {
    const folder = path.join(root, name);
    fs.cpSync(migrationsFolder(dialect), folder, { recursive: true });
    return folder;
  };
  const check = (...args: string[]) => runCli(['db', 'check', '--json', ...args], { cwd: root, env: { PG_CONNECTION_TIMEOUT_MS: '5000' } });

  it("passes on the project's migrations, each applied to a scratch database of both dialects", async () => {
    const res = await check();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.json().dialects.map((d: { dialect: string; validated: string }) => `${d.dialect}:${d.validated}`)).toEqual([
      'postgres:every migration applies to a scratch database',
      'sqlite:every migration applies to a scratch database',
    ]);
  });

  it('fails on two branches that both added a migration: what collides and how to regenerate', async () => {
    const merged = copy('merged', 'sqlite');
    // branch A's migration, then branch B's, both generated from the same head and merged by git
    const journal = JSON.parse(fs.readFileSync(path.join(merged, 'meta', '_journal.json'), 'utf8'));
    const last = journal.entries.at(-1);
    const next = String(journal.entries.length).padStart(4, '0');
    const after = String(journal.entries.length + 1).padStart(4, '0');
    addBranchMigration(merged, `${next}_branch_a`, 'CREATE TABLE a (id integer)', last.when + 1000);
    const headSnapshot = fs.readFileSync(path.join(merged, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8');
    const parentId = JSON.parse(headSnapshot).id;
    // branch B: same number, same parent snapshot
    fs.writeFileSync(path.join(merged, `${next}_branch_b.sql`), 'CREATE TABLE b (id integer)');
    const j = JSON.parse(fs.readFileSync(path.join(merged, 'meta', '_journal.json'), 'utf8'));
    j.entries.push({ ...last, idx: j.entries.length, when: last.when + 500, tag: `${next}_branch_b` });
    fs.writeFileSync(path.join(merged, 'meta', '_journal.json'), JSON.stringify(j));
    fs.writeFileSync(path.join(merged, 'meta', `${after}_snapshot.json`), JSON.stringify({ ...JSON.parse(headSnapshot), id: 'b-id', prevId: parentId }));

    const res = await check('--no-validate', '--sqlite-folder', merged);
    expect(res.code).toBe(1);
    const report = res.json();
    const sqlite = report.dialects.find((d: { dialect: string }) => d.dialect === 'sqlite');
    expect(sqlite.problems).toEqual([
      `two migrations numbered ${next}: ${next}_branch_a.sql and ${next}_branch_b.sql`,
      `${next}_branch_b is not newer than ${next}_branch_a: drizzle would skip one of them`,
      `meta/${after}_snapshot.json (${next}_branch_b) follows snapshot ${parentId}, not the previous one ${next}_branch_a-id: two branches generated from the same parent`,
    ]);
    expect(report.dialects.find((d: { dialect: string }) => d.dialect === 'postgres').problems).toEqual([]);
    expect(report.fix).toMatch(/delete the other branch's migration .* then run `mathakine db generate`/);
    const text = await runCli(['db', 'check', '--no-validate', '--sqlite-folder', merged], { cwd: root, env: {} });
    expect(text.stdout).toMatch(new RegExp(`^FAIL  sqlite .*\\n {6}two migrations numbered ${next}`, 'm'));
  });

  it('validates hand-written (--custom) migrations: an empty one and one that does not apply both fail', async () => {
    const empty = copy('empty', 'sqlite');
    const entries = JSON.parse(fs.readFileSync(path.join(empty, 'meta', '_journal.json'), 'utf8')).entries;
    const last = entries.at(-1);
    const tag = `${String(entries.length).padStart(4, '0')}_hand_written`;
    addBranchMigration(empty, tag, '', last.when + 1000);
    const res = await check('--no-validate', '--sqlite-folder', empty);
    expect(res.code).toBe(1);
    expect(res.json().dialects[1].problems).toEqual([`${tag}.sql is empty: write its SQL (a --custom migration) or delete it`]);

    const broken = copy('broken', 'sqlite');
    addBranchMigration(broken, tag, 'UPDATE no_such_table SET x = 1', last.when + 1000);
    const invalid = await check('--sqlite-folder', broken);
    expect(invalid.code).toBe(1);
    const sqlite = invalid.json().dialects[1];
    expect(sqlite.validated).toBe('failed');
    expect(sqlite.problems.join('\n')).toMatch(/do not apply to a scratch database: .*no_such_table/);
  });
});
