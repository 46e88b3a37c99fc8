import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { httpClient } from '../../helpers/http.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../../helpers/users.js';

describeEachDialect('users', (dialect) => {
  let ctx: TestContext;
  let padawan: TestUser;
  let other: TestUser;
  let gardien: TestUser;
  let archiviste: TestUser;
  const { get } = httpClient(() => ctx);

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    padawan = await createUser(ctx, 'padawan');
    other = await createUser(ctx, 'padawan');
    gardien = await createUser(ctx, 'gardien');
    archiviste = await createUser(ctx, 'archiviste');
  });
  afterAll(() => ctx.close());

  describe('GET /api/users', () => {
    it('is for gardien and above', async () => {
      expect((await get('/api/users')).statusCode).toBe(401);
      expect((await get('/api/users', padawan)).statusCode).toBe(403);
      const res = await get('/api/users?limit=2', gardien);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page).toMatchObject({ limit: 2, offset: 0, total: 4 });
      expect(page.items).toHaveLength(2);
      expect(res.body).not.toMatch(/hashed_password|\$argon2/);
    });

    it('filters by role (any case) and searches', async () => {
      const byRole = (await get('/api/users?role=GARDIEN', archiviste)).json();
      expect(byRole.items.map((u: { id: number }) => u.id)).toEqual([gardien.id]);
      const search = (await get(`/api/users?search=${encodeURIComponent(other.username.toUpperCase())}`, archiviste)).json();
      expect(search.total).toBe(1);
      expect(search.items[0].id).toBe(other.id);
    });

    it.each(['limit=0', 'limit=101', 'offset=-1', 'role=sith', 'is_active=perhaps'])('rejects ?%s with 400', async (query) => {
      const res = await get(`/api/users?${query}`, gardien);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('me', () => {
    it('reads and updates my profile', async () => {
      expect((await get('/api/users/me', padawan)).json().id).toBe(padawan.id);
      const res = await ctx.app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: padawan.headers,
        payload: { full_name: 'Ahsoka Tano', preferred_difficulty: 'Chevalier', accessibility_settings: { dyslexia_font: true } },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ full_name: 'Ahsoka Tano', preferred_difficulty: 'chevalier', accessibility_settings: { dyslexia_font: true } });
    });

    it('refuses unknown fields, a role change, and an empty update', async () => {
      for (const payload of [{ role: 'archiviste' }, { shoe_size: 42 }, {}]) {
        const res = await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: padawan.headers, payload });
        expect(res.statusCode).toBe(400);
      }
    });

    it('refuses a username that is taken (409)', async () => {
      const res = await ctx.app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: padawan.headers,
        payload: { username: other.username.toUpperCase() },
      });
      expect(res.statusCode).toBe(409);
    });

    it('changes the password with the current one, and ends every session', async () => {
      const user = await createUser(ctx, 'padawan');
      const session = (await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } })).json();
      const put = (payload: object) => ctx.app.inject({ method: 'PUT', url: '/api/users/me/password', headers: user.headers, payload });
      expect((await put({ current_password: 'wrong one!', new_password: 'a new long password' })).statusCode).toBe(400);
      expect((await put({ current_password: TEST_PASSWORD, new_password: 'short' })).statusCode).toBe(400);
      expect((await put({ current_password: TEST_PASSWORD, new_password: 'a new long password' })).statusCode).toBe(204);
      const oldLogin = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
      expect(oldLogin.statusCode).toBe(401);
      const newLogin = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'a new long password' } });
      expect(newLogin.statusCode).toBe(200);
      const oldRefresh = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: session.refresh_token } });
      expect(oldRefresh.statusCode).toBe(401);
    });
  });

  describe('GET /api/users/:id', () => {
    it('shows yourself, hides others from a learner (404), shows anyone to a gardien', async () => {
      expect((await get(`/api/users/${padawan.id}`, padawan)).statusCode).toBe(200);
      expect((await get(`/api/users/${other.id}`, padawan)).statusCode).toBe(404);
      expect((await get(`/api/users/${other.id}`, gardien)).json().id).toBe(other.id);
      expect((await get('/api/users/999999', gardien)).statusCode).toBe(404);
      expect((await get('/api/users/abc', gardien)).statusCode).toBe(400);
    });
  });

  describe('PATCH /api/users/:id', () => {
    it('lets an archiviste change a role and deactivate an account (which ends its sessions)', async () => {
      const user = await createUser(ctx, 'padawan');
      const session = (await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } })).json();
      const patch = (by: TestUser, payload: object) => ctx.app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: by.headers, payload });
      expect((await patch(gardien, { role: 'maitre' })).statusCode).toBe(403);
      const promoted = await patch(archiviste, { role: 'Maitre' });
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json().role).toBe('maitre');
      expect((await patch(archiviste, { role: 'empereur' })).statusCode).toBe(400);
      expect((await patch(archiviste, { is_active: false })).json().is_active).toBe(false);
      const refreshed = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: session.refresh_token } });
      expect(refreshed.statusCode).toBe(401);
      const relogin = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
      expect(relogin.statusCode).toBe(401);
      expect((await ctx.app.inject({ method: 'PATCH', url: '/api/users/999999', headers: archiviste.headers, payload: { is_active: true } })).statusCode).toBe(
        404,
      );
    });
  });

  describe('DELETE /api/users/:id', () => {
    async function userWithHistory() {
      const user = await createUser(ctx, 'maitre');
      const t = ctx.database.tables;
      await ctx.database.transaction(async (tx) => {
        const [exercise] = await tx
          .insert(t.exercises)
          .values({ title: 'Cristaux', creator_id: user.id, exercise_type: 'addition', difficulty: 'initie', question: '2 + 2 ?', correct_answer: '4' })
          .returning();
        await tx.insert(t.attempts).values({ user_id: user.id, exercise_id: exercise.id, user_answer: '4', is_correct: true });
        await tx.insert(t.progress).values({ user_id: user.id, exercise_type: 'addition', difficulty: 'initie', total_attempts: 1, correct_attempts: 1 });
        await tx.insert(t.refreshTokens).values({ user_id: user.id, family_id: 'f', token_hash: `h${user.id}`, expires_at: new Date(Date.now() + 1e6) });
      });
      return user;
    }

    it('lets a user delete themself, cascading attempts, progress and sessions, keeping authored exercises', async () => {
      const user = await userWithHistory();
      const t = ctx.database.tables;
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/users/${user.id}`, headers: user.headers })).statusCode).toBe(204);
      const db = ctx.database.db;
      expect(await db.select().from(t.users).where(eq(t.users.id, user.id))).toEqual([]);
      expect(await db.select().from(t.attempts).where(eq(t.attempts.user_id, user.id))).toEqual([]);
      expect(await db.select().from(t.progress).where(eq(t.progress.user_id, user.id))).toEqual([]);
      expect(await db.select().from(t.refreshTokens).where(eq(t.refreshTokens.user_id, user.id))).toEqual([]);
      const kept = await db.select().from(t.exercises).where(eq(t.exercises.title, 'Cristaux'));
      expect(kept.map((e) => e.creator_id)).toContain(null);
    });

    it('lets only an archiviste delete someone else', async () => {
      const user = await createUser(ctx, 'padawan');
      const del = (by: TestUser) => ctx.app.inject({ method: 'DELETE', url: `/api/users/${user.id}`, headers: by.headers });
      expect((await del(other)).statusCode).toBe(404);
      expect((await del(gardien)).statusCode).toBe(403);
      expect((await del(archiviste)).statusCode).toBe(204);
      expect((await del(archiviste)).statusCode).toBe(404);
    });
  });

  describe('GET /api/users/:id/stats', () => {
    it('sums attempts per type and difficulty with recent activity', async () => {
      const user = await createUser(ctx, 'padawan');
      const t = ctx.database.tables;
      await ctx.database.transaction(async (tx) => {
        const [add, div] = await tx
          .insert(t.exercises)
          .values([
            { title: 'A', exercise_type: 'addition', difficulty: 'initie', question: '1+1', correct_answer: '2' },
            { title: 'D', exercise_type: 'division', difficulty: 'chevalier', question: '8/2', correct_answer: '4' },
          ])
          .returning();
        await tx.insert(t.attempts).values([
          { user_id: user.id, exercise_id: add.id, user_answer: '2', is_correct: true, time_spent: 10 },
          { user_id: user.id, exercise_id: add.id, user_answer: '3', is_correct: false, time_spent: 20 },
          { user_id: user.id, exercise_id: div.id, user_answer: '4', is_correct: true },
        ]);
      });
      expect((await get(`/api/users/${user.id}/stats`, other)).statusCode).toBe(404);
      const res = await get(`/api/users/${user.id}/stats`, user);
      expect(res.statusCode).toBe(200);
      const stats = res.json();
      expect(stats).toMatchObject({ user_id: user.id, total_attempts: 3, correct_attempts: 2, success_rate: 66.7, average_time: 15 });
      expect(stats.by_type_and_difficulty).toEqual([
        { exercise_type: 'addition', difficulty: 'initie', attempts: 2, correct: 1, success_rate: 50, average_time: 15 },
        { exercise_type: 'division', difficulty: 'chevalier', attempts: 1, correct: 1, success_rate: 100, average_time: null },
      ]);
      expect(stats.recent_activity).toHaveLength(3);
      expect(stats.daily_activity).toEqual([{ day: new Date().toISOString().slice(0, 10), attempts: 3, correct: 2 }]);
      expect(stats.challenges).toEqual({ attempts: 0, solved: 0 });
    });
  });
});
