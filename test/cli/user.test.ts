// `mathakine user create`: an account with any role that can then sign in through the API;
// duplicates (in any case) and bad input are clear errors with exit code 1.
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { describeEachDialect, testConfig } from '../helpers/app.js';
import { execSql } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli } from './run-cli.js';

describeEachDialect('mathakine user create', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'user' });
  const create = (args: string[], input?: string) => runCli(['user', 'create', ...args], { env: ctx.env, cwd: ctx.cwd, input });

  it('creates the first archiviste, who can then sign in and reach the admin routes', async () => {
    const res = await create(['--username', 'Yoda', '--email', 'Yoda@Dagobah.example', '--password', 'do-or-do-not', '--role', 'ARCHIVISTE', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const account = res.json();
    expect(account).toEqual({
      id: expect.any(Number),
      username: 'Yoda',
      email: 'yoda@dagobah.example',
      full_name: null,
      role: 'archiviste',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(res.stdout).not.toMatch(/hashed_password|do-or-do-not|argon2/);
    const [stored] = await execSql(ctx.scratch.url, [`select hashed_password from users where id = ${account.id}`]);
    expect(String(stored.hashed_password)).toMatch(/^\$argon2id\$/);

    const app = await buildApp({ config: testConfig(ctx.scratch.url), database: openDatabase(ctx.scratch.url) });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'yoda', password: 'do-or-do-not' } });
      expect(login.statusCode).toBe(200);
      expect(login.json().user.role).toBe('archiviste');
      const stats = await app.inject({ method: 'GET', url: '/admin/stats', headers: { authorization: `Bearer ${login.json().access_token}` } });
      expect(stats.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('reads the password from stdin with --password-stdin', async () => {
    const res = await create(
      ['--username', 'mace', '--email', 'mace@jedi.example', '--password-stdin', '--role', 'gardien', '--full-name', 'Mace Windu'],
      'purple-saber\n',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/created gardien mace <mace@jedi\.example>/);
    const [row] = await execSql(ctx.scratch.url, [`select role, full_name from users where username = 'mace'`]);
    expect(row).toEqual({ role: 'gardien', full_name: 'Mace Windu' });
  });

  it('refuses a duplicate username or email in any case, with exit code 1 and no second account', async () => {
    for (const [username, email, expected] of [
      ['YODA', 'other@dagobah.example', /username YODA is already taken/],
      ['grogu', 'YODA@dagobah.EXAMPLE', /already uses the email/],
    ] as const) {
      const res = await create(['--username', username, '--email', email, '--password', 'patience-you-must', '--role', 'padawan', '--json']);
      expect(res.code).toBe(1);
      expect(res.json()).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
      expect(res.stderr).toMatch(expected);
    }
    const [{ n }] = await execSql(ctx.scratch.url, [`select count(*) as n from users`]);
    expect(Number(n)).toBe(2);
  });

  it('refuses bad input: unknown role, short password, bad email, missing option', async () => {
    const base = ['--username', 'ahsoka', '--email', 'ahsoka@togruta.example', '--password', 'snips-123'];
    const cases = [
      [[...base, '--role', 'sith'], /role/],
      [['--username', 'ahsoka', '--email', 'ahsoka@togruta.example', '--password', 'short', '--role', 'padawan'], /password/],
      [['--username', 'ahsoka', '--email', 'not-an-email', '--password', 'snips-123', '--role', 'padawan'], /email/],
      [base, /--role/],
    ] as const;
    for (const [args, message] of cases) {
      const res = await create([...args]);
      expect(res.code, args.join(' ')).not.toBe(0);
      expect(res.stderr).toMatch(message);
    }
    const [{ n }] = await execSql(ctx.scratch.url, [`select count(*) as n from users where username = 'ahsoka'`]);
    expect(Number(n)).toBe(0);
  });
});
