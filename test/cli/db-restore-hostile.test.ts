// A dump is data: `db restore FILE.sql` and `db import FILE.sql` never run a psql meta-command (`\!`,
// `\o |cmd`, `\copy … to program`, `\connect`, `\i`), whatever its spacing, nor SQL that reaches
// outside the target; the command fails naming the dump's line, and nothing changed anywhere (a
// marker file is not created, the database is as before, no table appears in another database).
// A SQLite dump is built only after the confirmation, into a fresh file where ATTACH is impossible.
// PostgreSQL runs as the database's owner, a role that is not a superuser (the production shape).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { parseDatabaseUrl, postgresUrlFor } from '../../src/db/url.js';
import { describeEachDialect } from '../helpers/app.js';
import { execSql, snapshot } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

async function onServer(url: string, statements: string[]): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: pg.QueryResultRow[] = [];
    for (const statement of statements) rows = (await client.query(statement)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

/** Makes `role` (LOGIN, CREATEDB, not a superuser) the owner of the database at `url` and of everything in it. */
async function handOver(url: string, role: string) {
  const database = new URL(url).pathname.slice(1);
  await onServer(postgresUrlFor(url, 'postgres'), [`create role ${role} login createdb`, `alter database ${database} owner to ${role}`]);
  await onServer(url, [
    `alter schema drizzle owner to ${role}`,
    `do $$ declare t record; begin
       for t in select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p', 'v', 'm')
       loop execute format('alter table %I.%I owner to ${role}', t.nspname, t.relname); end loop; end $$`,
  ]);
}

describeEachDialect('a hostile .sql dump never runs a command nor reaches outside its target', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'hostile', sampleRows: true });
  const role = `mathakine_owner_${randomBytes(4).toString('hex')}`;
  let ownerUrl = '';
  let superUrl = '';
  const marker = () => path.join(ctx.cwd, 'PWNED');
  const pwnedTable = `pwned_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    superUrl = ctx.scratch.url;
    if (dialect === 'postgres') {
      await handOver(superUrl, role);
      const url = new URL(superUrl);
      url.username = role;
      ownerUrl = url.toString();
      ctx.env.DATABASE_URL = ownerUrl;
    }
  });
  afterAll(async () => {
    if (dialect !== 'postgres') return;
    await onServer(superUrl, [`reassign owned by ${role} to postgres`, `drop owned by ${role}`]).catch(() => {});
    await onServer(postgresUrlFor(superUrl, 'postgres'), [`alter database ${new URL(superUrl).pathname.slice(1)} owner to postgres`]).catch(() => {});
    await onServer(postgresUrlFor(superUrl, 'postgres'), [`drop role if exists ${role}`]).catch(() => {});
  });

  /** The dialect's own dump of the scratch database, as lines. */
  async function dumpLines(): Promise<string[]> {
    if (dialect === 'postgres') {
      const { stdout } = await run('pg_dump', ['--format=plain', '--no-owner', `--dbname=${superUrl}`], { maxBuffer: 64 * 1024 * 1024 });
      return stdout.split('\n');
    }
    const target = parseDatabaseUrl(ctx.scratch.url);
    if (target?.dialect !== 'sqlite') throw new Error('expected a SQLite scratch database');
    const { stdout } = await run('sqlite3', [target.path, '.dump'], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\n');
  }

  /** The dump with `hostile` lines after its first complete CREATE TABLE; returns the file and the first inserted line's number. */
  async function plant(name: string, hostile: string[]): Promise<{ file: string; line: number }> {
    const lines = await dumpLines();
    const start = lines.findIndex((l) => /^CREATE TABLE/.test(l));
    const end = lines.findIndex((l, i) => i >= start && /\);$/.test(l));
    lines.splice(end + 1, 0, ...hostile);
    const file = path.join(ctx.cwd, name);
    fs.writeFileSync(file, lines.join('\n'));
    return { file, line: end + 2 };
  }

  async function somewhereElse(): Promise<string[]> {
    if (dialect !== 'postgres') return [];
    const rows = await onServer(postgresUrlFor(superUrl, 'postgres'), [`select relname from pg_class where relname = '${pwnedTable}'`]);
    const here = await onServer(superUrl, [`select relname from pg_class where relname = '${pwnedTable}'`]);
    return [...rows, ...here].map((r) => r.relname as string);
  }

  const touch = () => `touch ${marker()}`;
  const META_COMMANDS: [string, () => string][] = [
    ['\\!', () => `\\! ${touch()}`],
    ['indented \\!', () => `   \\! ${touch()}`],
    ['\\o |cmd', () => `\\o |${touch()}`],
    ['\\copy to program', () => `\\copy (select 1) to program '${touch()}'`],
    ['\\connect postgres', () => '\\connect postgres'],
    ['indented \\connect', () => ' \\c postgres'],
    ['\\i /etc/passwd', () => '\\i /etc/passwd'],
    ['after SQL on the same line', () => `select 1; \\! ${touch()}`],
  ];

  for (const [what, command] of META_COMMANDS) {
    it(`refuses ${what}: nothing runs, nothing changes, the line is named`, async () => {
      await execSql(ctx.scratch.url, [`update users set full_name = 'before the restore' where id = 1`]);
      const before = await snapshot(ctx.scratch.url);
      // what follows the command would reach another database if it ran there
      const { file, line } = await plant(`${what.replace(/\W+/g, '-')}.sql`, [
        command(),
        `create table ${pwnedTable} (x int);`,
        `update users set role = 'archiviste';`,
      ]);
      const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
      expect(res.code, res.stderr).toBe(1);
      const error: string = res.json().error;
      expect(error).toMatch(new RegExp(`line ${line}\\b`));
      expect(error).not.toMatch(/^\s+at /m);
      expect(fs.existsSync(marker())).toBe(false);
      expect(await snapshot(ctx.scratch.url)).toEqual(before);
      expect(await somewhereElse()).toEqual([]);
    }, 60_000);
  }

  it('import: the same dump loaded for `db import` runs no command either', async () => {
    if (dialect !== 'postgres') return; // a dump is loaded into a PostgreSQL scratch database, whatever the target
    const { file, line } = await plant('import.sql', [`  \\! ${touch()}`]);
    const res = await runCli(['db', 'import', file, '--to', path.join(ctx.cwd, 'imported.db'), '--scratch', ownerUrl, '--json'], { env: {}, cwd: ctx.cwd });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.stdout + res.stderr).toMatch(new RegExp(`line ${line}\\b`));
    expect(fs.existsSync(marker())).toBe(false);
    // and the scratch database is gone
    const left = await onServer(postgresUrlFor(superUrl, 'postgres'), [
      `select datname from pg_database where datname like 'mathakine_import_%' and datdba = (select oid from pg_roles where rolname = '${role}')`,
    ]);
    expect(left).toEqual([]);
  }, 60_000);

  it('PostgreSQL: SQL reaching outside the database fails inside the one transaction; a superuser is refused up front', async () => {
    if (dialect !== 'postgres') return;
    const before = await snapshot(ctx.scratch.url);
    for (const [name, statement] of [
      ['program', `copy (select 1) to program '${touch()}';`],
      ['alter-system', `alter system set work_mem = '1MB';`],
      ['drop-database', `drop database postgres;`],
      ['create-role', `create role ${pwnedTable} superuser;`],
    ]) {
      const { file, line } = await plant(`${name}.sql`, [statement]);
      const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
      expect(res.code, name).toBe(1);
      expect(res.json().error, name).toMatch(new RegExp(`line ${line}: .*nothing was changed in the database`));
    }
    expect(fs.existsSync(marker())).toBe(false);
    expect(await onServer(superUrl, [`select count(*)::int as n from pg_roles where rolname = '${pwnedTable}'`])).toEqual([{ n: 0 }]);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // as a superuser the same dump could run a program on the server: refused before anything runs
    const { file } = await plant('as-superuser.sql', [`copy (select 1) to program '${touch()}';`]);
    const refused = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: { ...ctx.env, DATABASE_URL: superUrl }, cwd: ctx.cwd });
    expect(refused.code).toBe(1);
    expect(refused.json().error).toMatch(/refusing to run a plain SQL dump as this role: postgres is a superuser.*--trust-dump/);
    expect(fs.existsSync(marker())).toBe(false);
    // vouched for, a superuser still runs no meta-command
    const { file: meta, line } = await plant('as-superuser-meta.sql', [` \\! ${touch()}`]);
    const trusted = await runCli(['db', 'restore', meta, '--yes', '--allow-unsigned', '--trust-dump', '--json'], {
      env: { ...ctx.env, DATABASE_URL: superUrl },
      cwd: ctx.cwd,
    });
    expect(trusted.code).toBe(1);
    expect(trusted.json().error).toMatch(new RegExp(`line ${line}: backslash commands are restricted`));
    expect(fs.existsSync(marker())).toBe(false);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 120_000);

  it('PostgreSQL: a pg_dump ≥ 17.6 dump with its own \\restrict pair restores', async () => {
    if (dialect !== 'postgres') return;
    const before = await snapshot(ctx.scratch.url);
    const lines = await dumpLines();
    const key = randomBytes(20)
      .toString('hex')
      .replace(/[^a-z0-9]/gi, '');
    const banner = lines.findIndex((l) => l === '-- PostgreSQL database dump');
    lines.splice(banner + 2, 0, '', `\\restrict ${key}`);
    lines.push(`\\unrestrict ${key}`, '');
    const file = path.join(ctx.cwd, 'pg17.sql');
    fs.writeFileSync(file, lines.join('\n'));
    await execSql(ctx.scratch.url, [`delete from attempts`]);
    const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(res.code, res.stderr).toBe(0);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 60_000);

  it('PostgreSQL: a character cut between two reads of the dump is restored whole', async () => {
    if (dialect !== 'postgres') return;
    const name = 'Maître Yoda, né à Dagobah';
    await execSql(ctx.scratch.url, [`update users set full_name = '${name}' where id = (select min(id) from users)`]);
    const before = await snapshot(ctx.scratch.url);
    let text = (await dumpLines()).join('\n');
    // a comment line first, so that the two bytes of "î" fall on both sides of a 64 KiB read
    const at = Buffer.byteLength(text.slice(0, text.indexOf(name) + 'Ma'.length));
    const CHUNK = 64 * 1024;
    let pad = (CHUNK - 1 - at) % CHUNK;
    if (pad < 4) pad += CHUNK;
    text = `--${'x'.repeat(pad - 3)}\n${text}`;
    expect(
      Buffer.from(text)
        .subarray(CHUNK - 1, CHUNK + 1)
        .toString(),
    ).toBe('î');
    const file = path.join(ctx.cwd, 'cut.sql');
    fs.writeFileSync(file, text);
    await execSql(ctx.scratch.url, [`update users set full_name = null`]);
    const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(res.code, res.stderr).toBe(0);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 60_000);

  it('SQLite: a dump runs only after the confirmation, never into the live file (ATTACH, VACUUM INTO)', async () => {
    if (dialect !== 'sqlite') return;
    const live = parseDatabaseUrl(ctx.scratch.url);
    if (live?.dialect !== 'sqlite') throw new Error('expected SQLite');
    const before = await snapshot(ctx.scratch.url);
    const copy = path.join(ctx.cwd, 'copy.db');
    const attach = await plant('attach.sql', [`ATTACH '${live.path}' AS live;`, `UPDATE live.users SET role = 'archiviste';`, `this is a syntax error;`]);
    // outside the dump's transaction, where VACUUM may run
    const vacuum = await plant('vacuum.sql', ['COMMIT;', `VACUUM INTO '${copy}';`, 'BEGIN;']);

    // without --yes: refused before a line of the dump runs
    const unconfirmed = await runCli(['db', 'restore', attach.file, '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.json().error).toMatch(/not empty.*--yes/);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    for (const { file } of [attach, vacuum]) {
      const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
      expect(res.code, file).toBe(1);
      expect(res.json().error).toMatch(/tries to ATTACH another database file.*the database was not touched/);
      expect(await snapshot(ctx.scratch.url)).toEqual(before);
    }
    expect(fs.existsSync(copy)).toBe(false);
  }, 60_000);
});
