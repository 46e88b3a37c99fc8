// Revocation takes effect on the next request, with the access token still in hand: demotion,
// deactivation, deletion, password change. Two apps on one database stand for two instances.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { parseConfig } from '../../src/config.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';
import { createExercise } from '../modules/exercises/fixtures.js';

describeEachDialect(
  'revocation',
  (dialect) => {
    let ctx: TestContext;
    let other: App; // a second instance on the same database
    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      other = await buildApp({ config: ctx.config, database: openConfiguredDatabase(ctx.config) });
      await other.ready();
    });
    afterAll(async () => {
      await other.close();
      await ctx.close();
    });

    const signIn = async (username: string) => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(200);
      return { authorization: `Bearer ${res.json().access_token}` };
    };
    const me = (app: App, headers: { authorization: string }) => app.inject({ method: 'GET', url: '/api/auth/me', headers });

    it('an access token is refused once expired, though it was accepted (and remembered as verified) a moment before', async () => {
      const user = await createUser(ctx, 'padawan');
      const { authorization } = await signIn(user.username);
      const { exp: _exp, iat: _iat, ...claims } = ctx.app.jwt.decode<Record<string, unknown>>(authorization.slice(7))!;
      const shortLived = ctx.app.jwt.sign(claims, { expiresIn: '1s' });
      const exp = ctx.app.jwt.decode<{ exp: number }>(shortLived)!.exp;
      expect((await me(ctx.app, { authorization: `Bearer ${shortLived}` })).statusCode).toBe(200);
      expect((await me(ctx.app, { authorization: `Bearer ${shortLived}` })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
      const late = await me(ctx.app, { authorization: `Bearer ${shortLived}` });
      expect(late.statusCode).toBe(401);
      expect(late.json().error.code).toBe('UNAUTHORIZED');
    });

    it('a demoted archiviste loses the role at once and cannot restore it', async () => {
      const boss = await createUser(ctx, 'archiviste');
      const victim = await createUser(ctx, 'archiviste');
      const headers = await signIn(victim.username);
      expect((await other.inject({ method: 'GET', url: '/api/users', headers })).statusCode).toBe(200);
      const demote = await ctx.app.inject({ method: 'PATCH', url: `/api/users/${victim.id}`, headers: boss.headers, payload: { role: 'padawan' } });
      expect(demote.statusCode).toBe(200);
      for (const app of [ctx.app, other]) {
        expect((await app.inject({ method: 'GET', url: '/api/users', headers })).statusCode).toBe(403);
        const restore = await app.inject({ method: 'PATCH', url: `/api/users/${victim.id}`, headers, payload: { role: 'archiviste', is_active: true } });
        expect(restore.statusCode).toBe(403);
        expect((await me(app, headers)).json().role).toBe('padawan');
      }
    });

    it('a deactivated learner is refused on the next request, on every instance', async () => {
      const boss = await createUser(ctx, 'archiviste');
      const learner = await createUser(ctx, 'padawan');
      const headers = await signIn(learner.username);
      expect((await me(other, headers)).statusCode).toBe(200);
      await ctx.app.inject({ method: 'PATCH', url: `/api/users/${learner.id}`, headers: boss.headers, payload: { is_active: false } });
      for (const app of [ctx.app, other]) {
        const res = await me(app, headers);
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHORIZED');
      }
      // reactivation does not bring the old token back
      await ctx.app.inject({ method: 'PATCH', url: `/api/users/${learner.id}`, headers: boss.headers, payload: { is_active: true } });
      expect((await me(other, headers)).statusCode).toBe(401);
      expect((await me(other, await signIn(learner.username))).statusCode).toBe(200);
    });

    it('a deleted account is refused on the next request', async () => {
      const learner = await createUser(ctx, 'padawan');
      const headers = await signIn(learner.username);
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/users/${learner.id}`, headers })).statusCode).toBe(204);
      expect((await me(other, headers)).statusCode).toBe(401);
    });

    // The account check may read the route's row in its own statement (GET /api/exercises/:id): it
    // must not let a token through once its account or session changed, whoever wrote the change.
    it('a change written by another connection (the CLI, an operator) counts at once, though the token was just accepted', async () => {
      const author = await createUser(ctx, 'maitre');
      const exercise = await createExercise(ctx, author);
      const outside = openConfiguredDatabase(ctx.config); // its own connections, as another process has
      try {
        const { users, sessions } = outside.tables;
        const byId = (headers: { authorization: string }) => ctx.app.inject({ method: 'GET', url: `/api/exercises/${exercise.id}`, headers });

        const deactivated = await createUser(ctx, 'padawan');
        const first = await signIn(deactivated.username);
        for (let i = 0; i < 3; i++) expect((await byId(first)).statusCode).toBe(200);
        expect((await me(ctx.app, first)).statusCode).toBe(200);
        await outside.transaction((tx) => tx.update(users).set({ is_active: false }).where(eq(users.id, deactivated.id)));
        for (const res of [await byId(first), await me(ctx.app, first)]) {
          expect(res.statusCode).toBe(401);
          expect(res.json().error.code).toBe('UNAUTHORIZED');
        }

        const signedOut = await createUser(ctx, 'padawan');
        const second = await signIn(signedOut.username);
        expect((await byId(second)).statusCode).toBe(200);
        await outside.transaction((tx) => tx.update(sessions).set({ ended_at: new Date() }).where(eq(sessions.user_id, signedOut.id)));
        expect((await byId(second)).statusCode).toBe(401);

        const demoted = await createUser(ctx, 'archiviste');
        const third = await signIn(demoted.username);
        expect((await me(ctx.app, third)).json().role).toBe('archiviste');
        await outside.transaction((tx) => tx.update(users).set({ role: 'padawan' }).where(eq(users.id, demoted.id)));
        expect((await me(ctx.app, third)).json().role).toBe('padawan');
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users', headers: third })).statusCode).toBe(403);
      } finally {
        await outside.close();
      }
    });

    it('GET /api/exercises/:id (read with the account check) says 401 to a revoked token before 404, and lets staff read what learners cannot', async () => {
      const author = await createUser(ctx, 'maitre');
      const learner = await createUser(ctx, 'padawan');
      const exercise = await createExercise(ctx, author);
      const headers = await signIn(learner.username);
      const byId = (id: number | string, as: { authorization: string }) => ctx.app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers: as });
      expect((await byId(exercise.id, headers)).json()).toMatchObject({ id: exercise.id, title: exercise.title });
      expect((await byId(exercise.id, headers)).json().correct_answer).toBeUndefined();
      expect((await byId(2_000_000_000, headers)).statusCode).toBe(404);
      expect((await byId('abc', headers)).statusCode).toBe(400);
      // retired: gone for the learner, still there for staff (who read it their own way)
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/exercises/${exercise.id}`, headers: author.headers })).statusCode).toBe(204);
      expect((await byId(exercise.id, headers)).statusCode).toBe(404);
      const asStaff = await byId(exercise.id, await signIn(author.username));
      expect(asStaff.statusCode).toBe(200);
      expect(asStaff.json()).toMatchObject({ id: exercise.id, is_archived: true, correct_answer: exercise.correct_answer });
      // revoked (signed out everywhere): 401 for an exercise that exists and for one that does not
      const { sessions } = ctx.database.tables;
      await ctx.database.transaction((tx) => tx.update(sessions).set({ ended_at: new Date() }).where(eq(sessions.user_id, learner.id)));
      for (const id of [exercise.id, 2_000_000_000]) expect((await byId(id, headers)).statusCode).toBe(401);
    });

    it('a password change voids every access token issued before it', async () => {
      const learner = await createUser(ctx, 'padawan');
      const stolen = await signIn(learner.username);
      const mine = await signIn(learner.username);
      const change = await ctx.app.inject({
        method: 'PUT',
        url: '/api/users/me/password',
        headers: mine,
        payload: { current_password: TEST_PASSWORD, new_password: 'a brand new password' },
      });
      expect(change.statusCode).toBe(204);
      expect((await me(other, stolen)).statusCode).toBe(401);
      expect((await me(ctx.app, mine)).statusCode).toBe(401);
      const fresh = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: learner.username, password: 'a brand new password' } });
      expect((await me(other, { authorization: `Bearer ${fresh.json().access_token}` })).statusCode).toBe(200);
    });

    it('a refresh token issued before a password change or deactivation dies with it, even one its revocation missed', async () => {
      // A sign-in that read the account just before a change and stored its token just after it:
      // the change's revocation did not see that token. Made here by raising token_version alone.
      const user = await createUser(ctx, 'padawan');
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(200);
      const refresh = (token: string) => other.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
      const next = await refresh(res.json().refresh_token);
      expect(next.statusCode).toBe(200);
      const { users } = ctx.database.tables;
      await ctx.database.transaction((tx) =>
        tx
          .update(users)
          .set({ token_version: sql`${users.token_version} + 1` })
          .where(eq(users.id, user.id)),
      );
      expect((await refresh(next.json().refresh_token)).statusCode).toBe(401);
      // a sign-in after the change opens a family that refreshes
      const again = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
      expect((await refresh(again.json().refresh_token)).statusCode).toBe(200);
    });

    it('caps JWT_ACCESS_TTL_SECONDS at one hour', () => {
      const base = { DATABASE_URL: 'sqlite::memory:' };
      expect(parseConfig({ ...base, JWT_ACCESS_TTL_SECONDS: '3600' }).JWT_ACCESS_TTL_SECONDS).toBe(3600);
      expect(() => parseConfig({ ...base, JWT_ACCESS_TTL_SECONDS: '86400' })).toThrow(/JWT_ACCESS_TTL_SECONDS/);
    });
  },
  { pooler: true },
);
