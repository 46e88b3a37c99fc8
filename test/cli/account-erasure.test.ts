// An erasure outlives a restore, through the real CLI: `db backup`, the learner erased through HTTP,
// `db restore` of the older backup — the person stays gone, and someone later given the same id
// stays. Also `user export`, `user erase`, and `db maintenance` with INACTIVE_ACCOUNT_DAYS.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { describeEachDialect, testConfig } from '../helpers/app.js';
import { legacyRows, plantLegacyArea } from '../helpers/legacy-area.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/users.js';
import { execSql } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';

const ERASURE_KEY = 'a-key-for-the-erasure-fingerprints-0123456789';

describeEachDialect('erasure, export and retention through the CLI', (dialect) => {
  const ctx = useCliScratch(dialect, {
    name: 'erasure',
    env: { BACKUP_DIR: './backups', BACKUP_SIGNING_KEY: 'test-backup-signing-key-0123456789abcdef', ERASURE_KEY },
  });
  let open: { app: App; database: Database } | undefined;

  /** The API on the CLI's database, as the running service would be. */
  async function startApi(): Promise<{ app: App; database: Database }> {
    const config = testConfig(ctx.scratch.url, { ERASURE_KEY });
    const database = openConfiguredDatabase(config);
    const app = await buildApp({ config, database });
    await app.ready();
    return (open = { app, database });
  }
  afterEach(async () => {
    await open?.app.close();
    open = undefined;
  });
  const usernames = async () => (await execSql(ctx.scratch.url, ['select username from users order by id'])).map((r) => r.username);
  const backup = async (): Promise<string> => {
    const res = await ctx.cli('db', 'backup', '--json');
    expect(res.code, res.stderr).toBe(0);
    return res.json().file;
  };

  it('a backup taken before an erasure, restored after it, does not bring the person back', async () => {
    await execSql(ctx.scratch.url, ['delete from users']);
    let api = await startApi();
    const han = await createUser(api, 'padawan', 'han');
    const leia = await createUser(api, 'padawan', 'leia');
    await plantLegacyArea(ctx.scratch.url, {
      users: [
        [String(han.id), 'true', '1'],
        [String(leia.id), 'false', '40'],
      ],
    });
    const before = await backup();
    const erase = (user: TestUser) =>
      api.app.inject({ method: 'DELETE', url: '/api/users/me', headers: user.headers, payload: { current_password: TEST_PASSWORD } });
    expect((await erase(leia)).statusCode).toBe(204);
    // someone who signed up after the backup and was erased too
    const finn = await createUser(api, 'padawan', 'finn');
    expect((await erase(finn)).statusCode).toBe(204);
    await open!.app.close();
    open = undefined;

    const restored = await ctx.cli('db', 'restore', before, '--yes', '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(await usernames()).toEqual(['han']);
    expect((await legacyRows(ctx.scratch.url, 'users')).map((r) => r.id)).toEqual([String(han.id)]);
    const tombstones = await execSql(ctx.scratch.url, ['select user_id, fingerprint from erased_accounts order by user_id']);
    expect(tombstones.map((t) => Number(t.user_id))).toEqual([leia.id, finn.id]);
    api = await startApi();
    const login = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leia', password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(401);

    // the restore rewound the id counter: the next sign-up is given finn's id, and is someone else
    const rey = await createUser(api, 'padawan', 'rey');
    expect(rey.id).toBe(finn.id);
    await open!.app.close();
    open = undefined;
    const withRey = await backup();
    const again = await ctx.cli('db', 'restore', withRey, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(await usernames()).toEqual(['han', 'rey']);
  }, 180_000);

  it('user export writes the account as JSON to stdout or a private file; user erase needs --yes', async () => {
    const api = await startApi();
    const luke: TestUser = await createUser(api, 'padawan');
    await open!.app.close();
    open = undefined;

    const stdout = await ctx.cli('user', 'export', String(luke.id));
    expect(stdout.code, stdout.stderr).toBe(0);
    const doc = JSON.parse(stdout.stdout);
    expect(doc).toMatchObject({ format: 'mathakine-account-export', user_id: luke.id, profile: { username: luke.username }, attempts: [] });
    expect(stdout.stdout).not.toMatch(/hashed_password|\$argon2/);

    const file = path.join(ctx.cwd, `luke-${luke.id}.json`);
    const toFile = await ctx.cli('user', 'export', String(luke.id), '--out', file);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ ...doc, exported_at: expect.any(String) });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const missing = await ctx.cli('user', 'export', '999999', '--out', path.join(ctx.cwd, 'nobody.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/i);
    expect(fs.existsSync(path.join(ctx.cwd, 'nobody.json'))).toBe(false);

    const unconfirmed = await ctx.cli('user', 'erase', String(luke.id));
    expect(unconfirmed.code).toBe(1);
    expect(await usernames()).toContain(luke.username);
    const erase = await ctx.cli('user', 'erase', String(luke.id), '--yes', '--json');
    expect(erase.code, erase.stderr).toBe(0);
    expect(erase.json()).toEqual({ user_id: luke.id, legacy_rows: 0 });
    expect(await usernames()).not.toContain(luke.username);
  }, 120_000);

  it('db maintenance with INACTIVE_ACCOUNT_DAYS erases learners never verified and unused that long, only them', async () => {
    await execSql(ctx.scratch.url, ['delete from users']);
    const api = await startApi();
    const names = ['gone', 'verified', 'practised', 'signed_in', 'staff', 'newcomer'];
    const users = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, await createUser(api, name === 'staff' ? 'archiviste' : 'padawan', name)] as const)),
    );
    await open!.app.close();
    open = undefined;
    const postgres = dialect !== 'sqlite';
    const daysAgo = (days: number) => (postgres ? `now() - interval '${days} days'` : `(cast(unixepoch('subsec') * 1000 as integer) - ${days} * 86400000)`);
    const old = names.filter((n) => n !== 'newcomer').map((n) => users[n].id);
    await execSql(ctx.scratch.url, [
      `update users set created_at = ${daysAgo(60)} where id in (${old.join(', ')})`,
      `update users set is_email_verified = ${postgres ? 'true' : '1'} where id = ${users.verified.id}`,
      `insert into exercises (title, exercise_type, difficulty, question, correct_answer) values ('E', 'addition', 'initie', '1+1', '2')`,
      `insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) select ${users.practised.id}, id, '2', ${postgres ? 'true' : '1'}, ${daysAgo(2)} from exercises`,
      `insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) select ${users.gone.id}, id, '3', ${postgres ? 'false' : '0'}, ${daysAgo(45)} from exercises`,
      `insert into refresh_tokens (user_id, family_id, token_hash, expires_at, created_at) values (${users.signed_in.id}, 'f', 'h', ${daysAgo(-20)}, ${daysAgo(3)})`,
    ]);

    const without = await ctx.cli('db', 'maintenance', '--json');
    expect(without.json().steps.map((s: { name: string }) => s.name)).not.toContain('inactive accounts');
    expect(await usernames()).toHaveLength(6);

    const res = await runWith({ INACTIVE_ACCOUNT_DAYS: '30' }, 'db', 'maintenance', '--json');
    const step = res.json().steps.find((s: { name: string }) => s.name === 'inactive accounts');
    expect(step).toMatchObject({ ok: true, summary: expect.stringMatching(/^1 learner account/) });
    expect((await usernames()).sort()).toEqual(['newcomer', 'practised', 'signed_in', 'staff', 'verified']);
    const tombstones = await execSql(ctx.scratch.url, ['select user_id from erased_accounts']);
    expect(tombstones.map((t) => Number(t.user_id))).toContain(users.gone.id);
  }, 180_000);

  function runWith(env: Record<string, string>, ...args: string[]) {
    const saved = ctx.env;
    ctx.env = { ...saved, ...env };
    return ctx.cli(...args).finally(() => (ctx.env = saved));
  }
});
