// Mail for real: password reset and e-mail verification through HTTP, each mail read from a real SMTP
// server started here (test/helpers/smtp.ts), on both dialects and through PgBouncer.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext, type TestDialect } from '../../helpers/app.js';
import { closedPort, linkToken, silentServer, startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { parseConfig } from '../../../src/config.js';

const FRONTEND = 'https://app.mathakine.example';

describeEachDialect(
  'mail links: password reset and e-mail verification',
  (dialect: TestDialect) => {
    let smtp: TestSmtpServer;
    let ctx: TestContext;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      ctx = await buildTestApp(dialect, {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Mathakine <jedi@mathakine.example>',
        FRONTEND_URL: FRONTEND,
        MAIL_PER_ACCOUNT_PER_HOUR: '3',
      });
    });
    afterAll(async () => {
      await ctx?.close();
      await smtp?.close();
    });

    const post = (url: string, payload: object, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'POST', url, payload, headers });
    const login = (username: string, password: string) => post('/api/auth/login', { username, password });
    let n = 0;
    async function register(password = 'first-password-1') {
      const username = `learner_${dialect.replace(/\W/g, '_')}_${++n}`;
      const email = `${username}@family.example`;
      const res = await post('/api/auth/register', { username, email, password });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().id as number, username, email, password, user: res.json() };
    }

    it('a learner who forgot the password gets back in from the link in a real mail; every old session ends', async () => {
      const learner = await register();
      expect(learner.user.is_email_verified).toBe(false);
      const before = await login(learner.username, learner.password);
      expect(before.statusCode).toBe(200);
      const { access_token, refresh_token } = before.json();

      const asked = await post('/api/auth/forgot-password', { email: learner.email.toUpperCase() });
      expect(asked.statusCode).toBe(202);
      const mail = await smtp.waitFor(learner.email, { after: 1 }); // the first one is the sign-up's verification
      expect(mail.from).toContain('jedi@mathakine.example');
      expect(mail.subject).toBe('Mathakine – nouveau mot de passe');
      expect(mail.text).toContain(`Bonjour ${learner.username}`);
      expect(mail.text).toContain('30 minutes');
      expect(mail.html).toContain(`${FRONTEND}/reset-password?token=`);
      const token = linkToken(mail, '/reset-password');
      expect(mail.html).toContain(token);

      const reset = await post('/api/auth/reset-password', { token, new_password: 'second-password-2' });
      expect(reset.statusCode, reset.body).toBe(204);
      // the access token and the refresh token of the old session are dead
      expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', headers: { authorization: `Bearer ${access_token}` } })).statusCode).toBe(401);
      expect((await post('/api/auth/refresh', { refresh_token })).statusCode).toBe(401);
      expect((await login(learner.username, learner.password)).statusCode).toBe(401);
      const after = await login(learner.username, 'second-password-2');
      expect(after.statusCode).toBe(200);
      // the link reached the address: it counts as verified; and the hash is argon2id
      expect(after.json().user.is_email_verified).toBe(true);
      const [row] = await ctx.database.db.select().from(ctx.database.tables.users).where(eqId(ctx, learner.id));
      expect(row.hashed_password.startsWith('$argon2id$')).toBe(true);
      // single use
      const again = await post('/api/auth/reset-password', { token, new_password: 'third-password-3' });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.code).toBe('INVALID_TOKEN');
      // only the hash is stored
      const rows = await ctx.database.db.select().from(ctx.database.tables.accountTokens);
      expect(rows.some((r) => r.token_hash === token || r.token_hash.includes(token))).toBe(false);
    });

    it('answers the same status and body for an unknown address, and before any mail is sent', async () => {
      const learner = await register();
      await smtp.waitFor(learner.email); // the verification mail
      const known = await post('/api/auth/forgot-password', { email: learner.email });
      const unknown = await post('/api/auth/forgot-password', { email: `nobody_${n}@family.example` });
      expect(unknown.statusCode).toBe(known.statusCode);
      expect(unknown.body).toBe(known.body);
      expect(unknown.headers['content-length']).toBe(known.headers['content-length']);
      await smtp.waitFor(learner.email, { after: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.to(`nobody_${n}@family.example`)).toHaveLength(0);
      // bad input is a 400 of the one shape
      const bad = await post('/api/auth/forgot-password', { email: 'not an address' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    });

    it('a reset link dies with a password change and when it expires; an account gets at most 3 a hour', async () => {
      const learner = await register();
      await smtp.waitFor(learner.email);
      await post('/api/auth/forgot-password', { email: learner.email });
      const first = linkToken(await smtp.waitFor(learner.email, { after: 1 }), '/reset-password');
      await post('/api/auth/forgot-password', { email: learner.email });
      const second = linkToken(await smtp.waitFor(learner.email, { after: 2 }), '/reset-password');

      // the second one expires
      const { accountTokens } = ctx.database.tables;
      await ctx.database.transaction((tx) =>
        tx
          .update(accountTokens)
          .set({ expires_at: new Date(Date.now() - 1000) })
          .where(eqHash(ctx, second)),
      );
      const expired = await post('/api/auth/reset-password', { token: second, new_password: 'another-password-9' });
      expect(expired.statusCode).toBe(400);

      // the first one dies with a password change made meanwhile
      const session = (await login(learner.username, learner.password)).json();
      const changed = await ctx.app.inject({
        method: 'PUT',
        url: '/api/users/me/password',
        headers: { authorization: `Bearer ${session.access_token}` },
        payload: { current_password: learner.password, new_password: 'changed-password-5' },
      });
      expect(changed.statusCode).toBe(204);
      const dead = await post('/api/auth/reset-password', { token: first, new_password: 'another-password-9' });
      expect(dead.statusCode).toBe(400);
      expect((await login(learner.username, 'changed-password-5')).statusCode).toBe(200);

      // a third mail this hour is sent, a fourth is not (the answer stays the same)
      expect((await post('/api/auth/forgot-password', { email: learner.email })).statusCode).toBe(202);
      await smtp.waitFor(learner.email, { after: 3 });
      expect((await post('/api/auth/forgot-password', { email: learner.email })).statusCode).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
      expect(smtp.to(learner.email).filter((m) => m.subject.includes('mot de passe'))).toHaveLength(3);
    });

    it('verifies the address from the sign-up mail; a change of address needs a new link, and the old one stops working', async () => {
      const learner = await register();
      const mail = await smtp.waitFor(learner.email);
      expect(mail.subject).toBe('Mathakine – confirme ton adresse e-mail');
      expect(mail.text).toContain('48 heures');
      const token = linkToken(mail, '/verify-email');
      const verified = await post('/api/auth/verify-email', { token });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json().is_email_verified).toBe(true);
      // a double click answers the same
      expect((await post('/api/auth/verify-email', { token })).statusCode).toBe(200);

      const session = (await login(learner.username, learner.password)).json();
      const auth = { authorization: `Bearer ${session.access_token}` };
      expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', headers: auth })).json().is_email_verified).toBe(true);
      // already verified
      expect((await post('/api/auth/resend-verification', {}, auth)).statusCode).toBe(409);

      const newAddress = `moved_${learner.username}@family.example`;
      const changed = await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: auth, payload: { email: newAddress } });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().is_email_verified).toBe(false);
      const second = linkToken(await smtp.waitFor(newAddress), '/verify-email');
      // the old address's link proves nothing about the new one
      expect((await post('/api/auth/verify-email', { token })).statusCode).toBe(400);
      // resend: a third link; the second still works
      const resent = await post('/api/auth/resend-verification', {}, auth);
      expect(resent.statusCode, resent.body).toBe(202);
      await smtp.waitFor(newAddress, { after: 1 });
      const ok = await post('/api/auth/verify-email', { token: second });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().email).toBe(newAddress);
      expect((await post('/api/auth/verify-email', { token: 'made-up-token' })).json().error.code).toBe('INVALID_TOKEN');
    });

    it('an SMTP server that refuses: resend answers 503 with Retry-After, forgot-password still answers 202', async () => {
      const learner = await register();
      await smtp.waitFor(learner.email);
      const auth = { authorization: `Bearer ${(await login(learner.username, learner.password)).json().access_token}` };
      smtp.refuseWith = 451;
      try {
        const resent = await post('/api/auth/resend-verification', {}, auth);
        expect(resent.statusCode).toBe(503);
        expect(resent.json().error.code).toBe('MAIL_UNAVAILABLE');
        expect(resent.headers['retry-after']).toBe('60');
        expect((await post('/api/auth/forgot-password', { email: learner.email })).statusCode).toBe(202);
      } finally {
        smtp.refuseWith = null;
      }
      // once the server accepts again, asking again works
      expect((await post('/api/auth/resend-verification', {}, auth)).statusCode).toBe(202);
    });
  },
  { pooler: true },
);

describeEachDialect('mail links: an SMTP server that is down or hangs', (dialect) => {
  it('a refused connection and a silent server are 503 MAIL_UNAVAILABLE (retryable), within the timeout', async () => {
    const silent = await silentServer();
    for (const url of [await closedPort(), silent.url]) {
      const ctx = await buildTestApp(dialect, { SMTP_URL: url, SMTP_TIMEOUT_MS: '300', MAIL_RATE_LIMIT_PER_HOUR: '1000' });
      try {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { username: 'offline', email: 'offline@family.example', password: 'offline-password' },
        });
        expect(res.statusCode).toBe(201);
        const session = (
          await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'offline', password: 'offline-password' } })
        ).json();
        const started = Date.now();
        const forgot = await ctx.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: 'offline@family.example' } });
        expect(forgot.statusCode).toBe(202);
        expect(Date.now() - started).toBeLessThan(250); // answered before the mail (which waits for the timeout)
        const resent = await ctx.app.inject({
          method: 'POST',
          url: '/api/auth/resend-verification',
          headers: { authorization: `Bearer ${session.access_token}` },
        });
        expect(resent.statusCode, resent.body).toBe(503);
        expect(resent.json().error).toMatchObject({ code: 'MAIL_UNAVAILABLE' });
        expect(resent.headers['retry-after']).toBe('60');
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await ctx.close();
      }
    }
    await silent.close();
  });

  it('per client address: forgot-password answers 429 past MAIL_RATE_LIMIT_PER_HOUR', async () => {
    const ctx = await buildTestApp(dialect, { MAIL_RATE_LIMIT_PER_HOUR: '2' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push((await ctx.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: `x${i}@family.example` } })).statusCode);
      }
      expect(codes).toEqual([202, 202, 429]);
    } finally {
      await ctx.close();
    }
  });

  it('production without SMTP_URL: the mail routes say mail is off (503 MAIL_DISABLED)', async () => {
    const ctx = await buildTestApp(dialect, { NODE_ENV: 'production', LOG_LEVEL: 'silent' });
    try {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: 'someone@family.example' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('MAIL_DISABLED');
      expect(ctx.app.mailer.mode).toBe('off');
    } finally {
      await ctx.close();
    }
  });
});

describe('mail settings', () => {
  const base = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://user:pass@smtp.example.org:587' };
  it('production with SMTP_URL needs a real MAIL_FROM and FRONTEND_URL', () => {
    expect(() => parseConfig(base)).toThrow(/MAIL_FROM[\s\S]*FRONTEND_URL|FRONTEND_URL[\s\S]*MAIL_FROM/);
    expect(() => parseConfig({ ...base, MAIL_FROM: 'Mathakine <no-reply@mathakine.fr>', FRONTEND_URL: 'https://mathakine.fr' })).not.toThrow();
    expect(() => parseConfig({ SMTP_URL: 'http://smtp.example.org' })).toThrow(/SMTP_URL/);
  });
});

const eqId = (ctx: TestContext, id: number) => eq(ctx.database.tables.users.id, id);
const eqHash = (ctx: TestContext, token: string) => eq(ctx.database.tables.accountTokens.token_hash, createHash('sha256').update(token).digest('hex'));
