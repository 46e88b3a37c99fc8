// `mathakine db restore DUMP.sql`: a plain pg_dump (PostgreSQL) or a `sqlite3 .dump` (SQLite)
// brings back exactly the dumped state (schema, rows, identity counters) in one transaction; a
// broken, truncated or foreign dump is refused and leaves the database as it was.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/db/url.js';
import { describeEachDialect } from '../helpers/app.js';
import { changeSampleState, execSql, snapshot } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';

const run = promisify(execFile);

describeEachDialect('mathakine db restore from a plain .sql dump', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'restore-sql', sampleRows: true });
  // the scratch role is a superuser and these dumps are the test's own (db-restore-hostile.test.ts runs as an owner)
  // a plain dump is never signed: --allow-unsigned
  const cli = (...args: string[]) =>
    ctx.cli(...args, ...(args[1] === 'restore' ? ['--allow-unsigned', ...(dialect === 'postgres' ? ['--trust-dump'] : [])] : []));

  /** The dump as the dialect's own tool writes it: pg_dump --format=plain, or sqlite3's .dump. */
  async function dumpTo(name: string): Promise<string> {
    const file = path.join(ctx.cwd, name);
    if (dialect === 'postgres') {
      await run('pg_dump', ['--format=plain', '--no-owner', `--file=${file}`, `--dbname=${ctx.scratch.url}`]);
    } else {
      const target = parseDatabaseUrl(ctx.scratch.url);
      if (target?.dialect !== 'sqlite') throw new Error('expected a SQLite scratch database');
      const { stdout } = await run('sqlite3', [target.path, '.dump'], { maxBuffer: 64 * 1024 * 1024 });
      fs.writeFileSync(file, stdout);
    }
    return file;
  }

  it('restores exactly the dumped state, and only with --yes over data', async () => {
    const before = await snapshot(ctx.scratch.url);
    const dump = await dumpTo('state.sql');
    await changeSampleState(ctx.scratch.url);
    expect(await snapshot(ctx.scratch.url)).not.toEqual(before);

    const refused = await cli('db', 'restore', dump);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty.*--yes/);

    const restored = await cli('db', 'restore', dump, '--yes', '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json()).toMatchObject({ dialect, file: dump, replaced_rows_in: expect.arrayContaining(['users', 'exercises']) });
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // the next id continues from the dump's counter, not from the discarded rows
    const [next] = await execSql(ctx.scratch.url, [
      `insert into users (username, email, hashed_password) values ('chewie', 'chewie@example.org', 'w')`,
      `select id from users where username = 'chewie'`,
    ]);
    expect(Number(next.id)).toBe(3);
  }, 120_000);

  it('refuses a broken, truncated or empty dump and leaves the database untouched', async () => {
    const dump = await dumpTo('good.sql');
    await execSql(ctx.scratch.url, [`update users set full_name = 'changed after the dump' where id = 1`]);
    const before = await snapshot(ctx.scratch.url);
    const text = fs.readFileSync(dump, 'utf8');
    const write = (name: string, content: string) => {
      const file = path.join(ctx.cwd, name);
      fs.writeFileSync(file, content);
      return file;
    };

    // fails at its very end, after every table was dropped and recreated inside the transaction
    const lastStatement = dialect === 'postgres' ? text.lastIndexOf('-- PostgreSQL database dump complete') : text.lastIndexOf('COMMIT;');
    const failing = write('failing.sql', `${text.slice(0, lastStatement)}insert into no_such_table values (1);\n${text.slice(lastStatement)}`);
    const failed = await cli('db', 'restore', failing, '--yes', '--json');
    expect(failed.code).toBe(1);
    expect(failed.json().error).toMatch(/no_such_table/);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // cut after a complete statement (valid SQL, but not the whole dump), and cut anywhere
    const statementEnd = text.indexOf(';\n', Math.floor(text.length / 2)) + 2;
    for (const [name, content] of [
      ['cut-between.sql', text.slice(0, statementEnd)],
      ['cut-anywhere.sql', text.slice(0, Math.floor(text.length * 0.7))],
      ['empty.sql', ''],
      ['prose.sql', 'these are not the statements you are looking for'],
    ]) {
      const res = await cli('db', 'restore', write(name, content), '--yes', '--json');
      expect(res.code, name).toBe(1);
      expect(res.json().error, name).toMatch(/truncated|creates no table|fails|failed/);
      expect(res.stdout + res.stderr).not.toMatch(/^\s+at /m);
    }
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 120_000);

  it("refuses the other dialect's dump", async () => {
    const other =
      dialect === 'postgres'
        ? 'PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t (id integer);\nCOMMIT;\n'
        : '--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.t (id integer);\n\n--\n-- PostgreSQL database dump complete\n--\n';
    const file = path.join(ctx.cwd, 'other.sql');
    fs.writeFileSync(file, other);
    const before = await snapshot(ctx.scratch.url);
    const res = await cli('db', 'restore', file, '--yes', '--json');
    expect(res.code).toBe(1);
    expect(res.json().error).toMatch(
      dialect === 'postgres' ? /is a SQLite dump but the database is PostgreSQL/ : /is a PostgreSQL dump but the database is SQLite/,
    );
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  });
});
