// Streaks count days in APP_TIMEZONE: an attempt at 00:10 in Paris is the next day there while
// UTC is still on the previous one; the test moves the app's clock across that midnight.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dayBefore, dayIn, daysBetween, startOfDay } from '../../../src/modules/gamification/calendar.js';
import { streakAfter } from '../../../src/modules/gamification/streak.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { TestClock } from '../../helpers/clock.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { createExercise, type ExerciseJson } from '../exercises/fixtures.js';

describe('the learner calendar', () => {
  it('names the day in the zone, not in UTC', () => {
    expect(dayIn(new Date('2026-03-10T23:10:00Z'), 'Europe/Paris')).toBe('2026-03-11');
    expect(dayIn(new Date('2026-03-10T23:10:00Z'), 'UTC')).toBe('2026-03-10');
    expect(dayIn(new Date('2026-03-10T03:00:00Z'), 'America/New_York')).toBe('2026-03-09');
  });

  it('finds local midnight, across a daylight-saving change', () => {
    expect(startOfDay('2026-03-11', 'Europe/Paris').toISOString()).toBe('2026-03-10T23:00:00.000Z');
    expect(startOfDay('2026-07-01', 'Europe/Paris').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    // the night summer time starts in Paris (29 March 2026), midnight is still UTC+1
    expect(startOfDay('2026-03-29', 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDay('2026-03-30', 'Europe/Paris').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('counts days between calendar days', () => {
    expect(daysBetween('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
  });

  it('extends a streak the next day, keeps it the same day, starts over after a gap', () => {
    const start = { current_streak: 4, best_streak: 6, last_activity_date: '2026-03-10' };
    expect(streakAfter(start, '2026-03-10')).toEqual(start);
    expect(streakAfter(start, '2026-03-11')).toEqual({ current_streak: 5, best_streak: 6, last_activity_date: '2026-03-11' });
    expect(streakAfter(start, '2026-03-13')).toEqual({ current_streak: 1, best_streak: 6, last_activity_date: '2026-03-13' });
    expect(streakAfter({ current_streak: 0, best_streak: 0, last_activity_date: null }, '2026-03-13').current_streak).toBe(1);
  });
});

describeEachDialect('a streak across midnight in APP_TIMEZONE', (dialect) => {
  let ctx: TestContext;
  const clock = new TestClock('2026-03-10T22:30:00Z');
  let learner: TestUser;
  let exercise: ExerciseJson;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { APP_TIMEZONE: 'Europe/Paris' }, { clock });
    exercise = await createExercise(ctx, await createUser(ctx, 'maitre'));
  });
  afterAll(() => ctx.close());
  beforeEach(async () => {
    learner = await createUser(ctx, 'padawan');
  });

  async function attemptAt(iso: string) {
    clock.set(iso);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/exercises/${exercise.id}/attempts`,
      headers: learner.headers,
      payload: { user_answer: 'x' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/users/me/badges', headers: learner.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    const { current_streak, best_streak, last_activity_date } = mine.json();
    return { current_streak, best_streak, last_activity_date };
  }

  it('is extended by the first attempt after Paris midnight, though UTC has not changed day', async () => {
    expect(await attemptAt('2026-03-10T22:30:00Z')).toEqual({ current_streak: 1, best_streak: 1, last_activity_date: '2026-03-10' }); // 23:30 in Paris
    expect(await attemptAt('2026-03-10T23:10:00Z')).toEqual({ current_streak: 2, best_streak: 2, last_activity_date: '2026-03-11' }); // 00:10 on the 11th
    expect(await attemptAt('2026-03-11T22:50:00Z')).toEqual({ current_streak: 2, best_streak: 2, last_activity_date: '2026-03-11' }); // 23:50, same day
    expect(await attemptAt('2026-03-12T23:30:00Z')).toEqual({ current_streak: 1, best_streak: 2, last_activity_date: '2026-03-13' }); // the 12th was missed
  });

  it('reads as broken once a whole day passes without activity', async () => {
    await attemptAt('2026-04-01T10:00:00Z');
    await attemptAt('2026-04-02T10:00:00Z');
    clock.set('2026-04-03T21:59:00Z'); // 23:59 on the 3rd in Paris: still alive
    let mine = (await ctx.app.inject({ method: 'GET', url: '/api/users/me/badges', headers: learner.headers })).json();
    expect(mine.current_streak).toBe(2);
    clock.set('2026-04-03T22:01:00Z'); // 00:01 on the 4th: the 3rd was missed
    mine = (await ctx.app.inject({ method: 'GET', url: '/api/users/me/badges', headers: learner.headers })).json();
    expect(mine).toMatchObject({ current_streak: 0, best_streak: 2, last_activity_date: '2026-04-02' });
  });
});
