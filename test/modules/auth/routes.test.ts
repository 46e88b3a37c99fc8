import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';

const register = (ctx: TestContext, body: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: body });
const login = (ctx: TestContext, username: string, password: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const refresh = (ctx: TestContext, token: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });

describeEachDialect(
  'auth',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
    });
    afterAll(() => ctx.close());

    describe('register', () => {
      it('creates a padawan and never returns a password hash', async () => {
        const res = await register(ctx, { username: 'Luke', email: 'Luke@Tatooine.example', password: 'use-the-force', full_name: 'Luke Skywalker' });
        expect(res.statusCode).toBe(201);
        const user = res.json();
        expect(user).toMatchObject({ username: 'Luke', email: 'luke@tatooine.example', role: 'padawan', full_name: 'Luke Skywalker', is_active: true });
        expect(user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(res.body).not.toMatch(/hashed_password|\$argon2/);
      });

      it('refuses a taken username or email, whatever the case, with 409', async () => {
        expect((await register(ctx, { username: 'LUKE', email: 'other@example.org', password: 'use-the-force' })).statusCode).toBe(409);
        const sameEmail = await register(ctx, { username: 'luke2', email: 'LUKE@tatooine.example', password: 'use-the-force' });
        expect(sameEmail.statusCode).toBe(409);
        expect(sameEmail.json().error.code).toBe('CONFLICT');
      });

      it.each([
        [{ username: 'ab', email: 'a@b.example', password: 'long enough' }, 'username'],
        [{ username: 'han solo', email: 'a@b.example', password: 'long enough' }, 'username'],
        [{ username: 'han', email: 'not-an-email', password: 'long enough' }, 'email'],
        [{ username: 'han', email: 'han@falcon.example', password: 'short' }, 'password'],
        [{ username: 'han', email: 'han@falcon.example', password: 'long enough', role: 'archiviste' }, ''],
        [{ email: 'han@falcon.example', password: 'long enough' }, 'username'],
      ])('rejects %o with 400 VALIDATION_FAILED', async (body, field) => {
        const res = await register(ctx, body);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
        expect(JSON.stringify(res.json().error.details)).toContain(field);
      });

      it('gives one 201 and 409s to 50 concurrent sign-ups of one username', async () => {
        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, i) => register(ctx, { username: 'Rey', email: `rey${i}@jakku.example`, password: 'scavenger-girl' })),
        );
        const statuses = responses.map((r) => r.statusCode);
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      });
    });

    describe('login, me, refresh, logout', () => {
      beforeAll(async () => {
        expect((await register(ctx, { username: 'leia', email: 'leia@alderaan.example', password: 'help-me-obiwan' })).statusCode).toBe(201);
      });

      it('signs in with the username or the email, in any case', async () => {
        for (const name of ['leia', 'LEIA', 'Leia@Alderaan.example']) {
          const res = await login(ctx, name, 'help-me-obiwan');
          expect(res.statusCode).toBe(200);
          const body = res.json();
          expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900, user: { username: 'leia', role: 'padawan' } });
          expect(body.access_token.split('.')).toHaveLength(3);
          expect(body.refresh_token.length).toBeGreaterThan(30);
          expect(res.body).not.toMatch(/hashed_password|\$argon2/);
        }
      });

      it('answers 401 with one message for a wrong password and for an unknown user', async () => {
        const wrong = await login(ctx, 'leia', 'wrong-password');
        const unknown = await login(ctx, 'palpatine', 'wrong-password');
        expect(wrong.statusCode).toBe(401);
        expect(unknown.statusCode).toBe(401);
        expect(wrong.json()).toEqual(unknown.json());
      });

      it('GET /api/auth/me needs a valid token', async () => {
        const { access_token } = (await login(ctx, 'leia', 'help-me-obiwan')).json();
        const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${access_token}` } });
        expect(me.statusCode).toBe(200);
        expect(me.json().username).toBe('leia');
        expect((await ctx.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
        const forged = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${access_token}x` } });
        expect(forged.statusCode).toBe(401);
        expect(forged.json().error.code).toBe('UNAUTHORIZED');
      });

      it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
        const first = (await login(ctx, 'leia', 'help-me-obiwan')).json();
        const second = await refresh(ctx, first.refresh_token);
        expect(second.statusCode).toBe(200);
        const pair = second.json();
        expect(pair.refresh_token).not.toBe(first.refresh_token);

        const replay = await refresh(ctx, first.refresh_token); // stolen and replayed
        expect(replay.statusCode).toBe(401);
        expect((await refresh(ctx, pair.refresh_token)).statusCode).toBe(401); // the family is gone

        // another sign-in is a separate family and still works
        const other = (await login(ctx, 'leia', 'help-me-obiwan')).json();
        expect((await refresh(ctx, other.refresh_token)).statusCode).toBe(200);
      });

      it('refuses an unknown refresh token', async () => {
        expect((await refresh(ctx, 'not-a-token')).statusCode).toBe(401);
      });

      it('logout revokes the refresh token', async () => {
        const pair = (await login(ctx, 'leia', 'help-me-obiwan')).json();
        const out = await ctx.app.inject({
          method: 'POST',
          url: '/api/auth/logout',
          headers: { authorization: `Bearer ${pair.access_token}` },
          payload: { refresh_token: pair.refresh_token },
        });
        expect(out.statusCode).toBe(204);
        expect((await refresh(ctx, pair.refresh_token)).statusCode).toBe(401);
        const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refresh_token: pair.refresh_token } });
        expect(anonymous.statusCode).toBe(401);
      });
    });
  },
  { pooler: true },
);

describeEachDialect(
  'auth rate limit',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    });
    afterAll(() => ctx.close());

    it('answers 429 in the error shape past AUTH_RATE_LIMIT_PER_MINUTE logins from one IP', async () => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await login(ctx, 'nobody', 'whatever-password');
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(last!.json().error.code).toBe('RATE_LIMITED');
      // other routes keep the general limit
      expect((await ctx.app.inject({ method: 'GET', url: '/api/exercises/types' })).statusCode).not.toBe(429);
    });
  },
  { pooler: true },
);
