// `mathakine db backup` / `db restore`: a backup taken, the data changed, the backup restored
// gives back exactly the first state (schema, rows, identity counters); restore refuses a
// non-empty database without --yes and a file that is not a backup of this dialect.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { changeSampleState, execSql, snapshot } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli } from './run-cli.js';

describeEachDialect('mathakine db backup / restore', (dialect) => {
  const ctx = useCliScratch(dialect, {
    name: 'backup',
    sampleRows: true,
    env: { BACKUP_DIR: './backups', BACKUP_SIGNING_KEY: 'test-backup-signing-key-0123456789abcdef' },
  });
  const backupDir = () => path.join(ctx.cwd, 'backups');

  it('restores exactly the state of the backup, and only with --yes over data', async () => {
    const before = await snapshot(ctx.scratch.url);
    const backup = await runCli(['db', 'backup', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(backup.code, backup.stderr).toBe(0);
    const written = backup.json();
    expect(written.file.startsWith(backupDir())).toBe(true);
    expect(path.basename(written.file)).toMatch(new RegExp(`^mathakine-${dialect}-\\d{8}-\\d{6}-\\d{3}\\.(db|dump)$`));
    expect(fs.statSync(written.file).size).toBe(written.bytes);
    expect(written.verification).toMatch(dialect === 'sqlite' ? /integrity_check ok/ : /pg_restore --list ok/);
    expect(fs.readdirSync(backupDir()).filter((f) => f.endsWith('.partial'))).toEqual([]);

    // change rows, identity counters and the schema
    await changeSampleState(ctx.scratch.url);
    expect(await snapshot(ctx.scratch.url)).not.toEqual(before);

    const refused = await runCli(['db', 'restore', written.file], { env: ctx.env, cwd: ctx.cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty.*--yes/);
    expect(await execSql(ctx.scratch.url, [`select count(*) as n from users`])).toEqual([{ n: dialect === 'sqlite' ? 3 : '3' }]);

    const restored = await runCli(['db', 'restore', written.file, '--yes', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json().replaced_rows_in).toEqual(expect.arrayContaining(['users', 'exercises']));
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // the next id continues from the backup's counter, not from the discarded rows
    const [next] = await execSql(ctx.scratch.url, [
      `insert into users (username, email, hashed_password) values ('chewie', 'chewie@example.org', 'w')`,
      `select id from users where username = 'chewie'`,
    ]);
    expect(Number(next.id)).toBe(3);

    // `latest` without BACKUP_URL: the newest backup of this dialect in BACKUP_DIR
    const latest = await runCli(['db', 'restore', 'latest', '--yes', '--json'], { env: ctx.env, cwd: ctx.cwd });
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.json().file).toBe(written.file);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 120_000);

  it('keeps the n newest backups with --keep, and drops the old ones with --max-age', async () => {
    const first = (await runCli(['db', 'backup', '--json', '--dir', 'kept'], { env: ctx.env, cwd: ctx.cwd })).json();
    const second = (await runCli(['db', 'backup', '--json', '--dir', 'kept'], { env: ctx.env, cwd: ctx.cwd })).json();
    const third = await runCli(['db', 'backup', '--json', '--dir', 'kept', '--keep', '2'], { env: ctx.env, cwd: ctx.cwd });
    expect(third.code, third.stderr).toBe(0);
    expect(third.json().pruned).toEqual([first.file]);
    // each backup with its signature beside it; pruning takes both
    const left = fs.readdirSync(path.join(ctx.cwd, 'kept')).sort();
    expect(left).toEqual([second.file, third.json().file].flatMap((f) => [path.basename(f), `${path.basename(f)}.sig`]).sort());

    const ext = dialect === 'sqlite' ? 'db' : 'dump';
    const ancient = path.join(ctx.cwd, 'kept', `mathakine-${dialect}-20200101-000000-000.${ext}`);
    fs.writeFileSync(ancient, 'an old backup');
    const aged = await runCli(['db', 'backup', '--json', '--dir', 'kept', '--max-age', '30'], { env: ctx.env, cwd: ctx.cwd });
    expect(aged.json().pruned).toEqual([ancient]);
    expect(fs.readdirSync(path.join(ctx.cwd, 'kept')).filter((f) => !f.endsWith('.sig'))).toHaveLength(3);

    const badKeep = await runCli(['db', 'backup', '--keep', '0'], { env: ctx.env, cwd: ctx.cwd });
    expect(badKeep.code).not.toBe(0);
    expect(badKeep.stderr).toMatch(/--keep/);
  }, 120_000);

  it('refuses files that are not a backup of this database kind, without touching the database', async () => {
    const before = await snapshot(ctx.scratch.url);
    const junk = path.join(ctx.cwd, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all');
    const other = path.join(ctx.cwd, dialect === 'sqlite' ? 'other.dump' : 'other.db');
    fs.writeFileSync(other, dialect === 'sqlite' ? 'PGDMP\u0001\u000e\u0000' : 'SQLite format 3\u0000');

    for (const file of [junk, other, path.join(ctx.cwd, 'missing.db')]) {
      const res = await runCli(['db', 'restore', file, '--yes', '--allow-unsigned', '--json'], { env: ctx.env, cwd: ctx.cwd });
      expect(res.code, file).toBe(1);
      expect(res.json()).toMatchObject({ ok: false, error: expect.any(String) });
    }
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 120_000);

  it.skipIf(dialect !== 'postgres')('says clearly when pg_dump is not installed', async () => {
    const res = await runCli(['db', 'backup', '--json'], { env: { ...ctx.env, PATH: '/nonexistent' }, cwd: ctx.cwd });
    expect(res.code).toBe(1);
    expect(res.json().error).toMatch(/pg_dump was not found on PATH.*postgresql-client/);
    expect(res.stdout + res.stderr).not.toMatch(/password/i);
  });
});
