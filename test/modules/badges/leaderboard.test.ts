// Leaderboards from the ledger: rolling week and month, all time; usernames only; staff, inactive
// accounts and learners who opted out are neither shown nor ranked; the caller's own rank.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { TestClock } from '../../helpers/clock.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { createExercise, type ExerciseJson } from '../exercises/fixtures.js';

describeEachDialect('leaderboards', (dialect) => {
  let ctx: TestContext;
  const clock = new TestClock('2026-05-01T10:00:00Z');
  let maitre: TestUser;
  const exercises: ExerciseJson[] = [];
  let anakin: TestUser;
  let leia: TestUser;
  let han: TestUser;
  let hidden: TestUser;

  // a correct first attempt at an initie exercise: 10 points, dated by the clock
  async function solve(learner: TestUser, count: number) {
    for (let i = 0; i < count; i++) {
      const exercise = exercises.find((e) => !solved.get(learner.id)?.has(e.id))!;
      solved.set(learner.id, new Set([...(solved.get(learner.id) ?? []), exercise.id]));
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/exercises/${exercise.id}/attempts`,
        headers: learner.headers,
        payload: { user_answer: exercise.correct_answer },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  }
  const solved = new Map<number, Set<number>>();
  const board = async (user: TestUser, query: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/leaderboard?${query}`, headers: user.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, {}, { clock });
    maitre = await createUser(ctx, 'maitre');
    for (let i = 0; i < 6; i++) exercises.push(await createExercise(ctx, maitre));
    [anakin, leia, han, hidden] = await Promise.all(['anakin', 'leia', 'han', 'hidden'].map((name) => createUser(ctx, 'padawan', `${name}_${dialect}`)));
    // 40 days ago: anakin 5 exercises; this week: leia 3, han 2, hidden 4, the maitre 6
    clock.set('2026-03-22T10:00:00Z');
    await solve(anakin, 5);
    clock.set('2026-04-28T10:00:00Z');
    await solve(leia, 3);
    await solve(han, 2);
    await solve(hidden, 4);
    await solve(maitre, 6);
    clock.set('2026-05-01T10:00:00Z');
    const optOut = await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: hidden.headers, payload: { leaderboard_visible: false } });
    expect(optOut.statusCode, optOut.body).toBe(200);
    expect(optOut.json().leaderboard_visible).toBe(false);
  });
  afterAll(() => ctx.close());

  it('ranks the week from the ledger, usernames only, without staff or those who opted out', async () => {
    const week = await board(han, 'period=week');
    expect(week.entries).toEqual([
      { rank: 1, username: leia.username, points: 30, is_me: false },
      { rank: 2, username: han.username, points: 20, is_me: true },
    ]);
    expect(week.me).toEqual({ rank: 2, username: han.username, points: 20 });
    expect(Object.keys(week.entries[0]).sort()).toEqual(['is_me', 'points', 'rank', 'username']);
  });

  it('all time counts total_points (anakin first); the month leaves out what is older than 30 days', async () => {
    const all = await board(leia, 'period=all&limit=2');
    expect(all.entries.map((e: { username: string }) => e.username)).toEqual([anakin.username, leia.username]);
    expect(all.me).toEqual({ rank: 2, username: leia.username, points: 30 });
    const month = await board(leia, 'period=month');
    expect(month.entries.map((e: { username: string }) => e.username)).toEqual([leia.username, han.username]);
  });

  it('an opted-out learner is not ranked, even on their own request; a learner with no points in the period neither', async () => {
    expect((await board(hidden, 'period=week')).me).toBeNull();
    expect((await board(anakin, 'period=week')).me).toBeNull();
    expect((await board(maitre, 'period=all')).me).toBeNull();
    expect((await ctx.app.inject({ method: 'GET', url: '/api/leaderboard?period=year', headers: han.headers })).statusCode).toBe(400);
  });
});
