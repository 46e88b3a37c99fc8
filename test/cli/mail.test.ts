// Without SMTP_URL (development), mails go to the log and the file outbox; `mathakine mail last`
// shows them, and the link it shows works.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { runCli } from './run-cli.js';

describeEachDialect('mathakine mail last', (dialect) => {
  let ctx: TestContext;
  let cwd: string;
  const outbox = () => path.join(cwd, 'outbox');
  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-mail-'));
    ctx = await buildTestApp(dialect, { MAIL_OUTBOX_DIR: path.join(cwd, 'outbox'), FRONTEND_URL: 'http://localhost:5173' });
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });
  const waitForFiles = async (count: number) => {
    for (let i = 0; i < 200 && (!fs.existsSync(outbox()) || fs.readdirSync(outbox()).length < count); i++) await new Promise((r) => setTimeout(r, 25));
    expect(fs.readdirSync(outbox())).toHaveLength(count);
  };

  it('shows the last mails of the outbox, and the reset link it shows lets the learner back in', async () => {
    const empty = await runCli(['mail', 'last'], { cwd, env: { MAIL_OUTBOX_DIR: outbox() } });
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/^no mail in /);

    const registered = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'leia', email: 'leia@alderaan.example', password: 'first-password-1' },
    });
    expect(registered.statusCode).toBe(201);
    await waitForFiles(1);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: 'leia@alderaan.example' } })).statusCode).toBe(202);
    await waitForFiles(2);
    // readable by its owner only: the files hold live links
    expect(fs.statSync(path.join(outbox(), fs.readdirSync(outbox())[0])).mode & 0o077).toBe(0);

    const last = await runCli(['mail', 'last', '--to', 'LEIA@alderaan.example', '-n', '5', '--json'], { cwd, env: { MAIL_OUTBOX_DIR: outbox() } });
    expect(last.code, last.stderr).toBe(0);
    const mails = last.json<{ to: string; subject: string; text: string }[]>();
    expect(mails.map((m) => m.subject)).toEqual(['Mathakine – nouveau mot de passe', 'Mathakine – confirme ton adresse e-mail']);
    const human = await runCli(['mail', 'last'], { cwd, env: { MAIL_OUTBOX_DIR: outbox() } });
    expect(human.stdout).toContain('Subject: Mathakine – nouveau mot de passe');
    expect(human.stdout).toContain('http://localhost:5173/reset-password?token=');

    const token = /reset-password\?token=([\w-]+)/.exec(mails[0].text)![1];
    const reset = await ctx.app.inject({ method: 'POST', url: '/api/auth/reset-password', payload: { token, new_password: 'second-password-2' } });
    expect(reset.statusCode, reset.body).toBe(204);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leia', password: 'second-password-2' } });
    expect(login.statusCode).toBe(200);

    const bad = await runCli(['mail', 'last', '-n', '0'], { cwd, env: { MAIL_OUTBOX_DIR: outbox() } });
    expect(bad.code).not.toBe(0);
  }, 120_000); // four runs of the CLI, each starting tsx
});
