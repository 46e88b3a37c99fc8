// The rolling boards read whole UTC days from point_days and the ledger's rows of the period's first,
// partial day: the window must stay exactly the last 7 × 24 h (30 × 24 h). Points credited just
// before and just after a start that falls mid-day, at its day's first and last minute and on the
// next midnight; the board must equal a brute-force sum over the raw ledger, ranks, ties and the
// caller's own row included.
import { gte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { TestClock } from '../../helpers/clock.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { createExercise, type ExerciseJson } from '../exercises/fixtures.js';

const NOW = '2026-05-10T15:00:00.000Z';
// the week starts on 2026-05-03 at 15:00 UTC, the month on 2026-04-10 at 15:00 UTC
const WEEK_START = '2026-05-03T15:00:00.000Z';
const MONTH_START = '2026-04-10T15:00:00.000Z';

/** Minutes from an ISO instant, as ISO. */
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describeEachDialect('leaderboards: the rolling window at a mid-day start', (dialect) => {
  let ctx: TestContext;
  const clock = new TestClock(NOW);
  const exercises: ExerciseJson[] = [];
  const learners: TestUser[] = [];
  const solved = new Map<number, number>();

  // a correct first attempt at the learner's next initie exercise, dated `iso`: 10 points
  async function creditAt(learner: TestUser, iso: string) {
    clock.set(iso);
    const index = solved.get(learner.id) ?? 0;
    solved.set(learner.id, index + 1);
    const exercise = exercises[index];
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/exercises/${exercise.id}/attempts`,
      headers: learner.headers,
      payload: { user_answer: exercise.correct_answer },
    });
    expect(res.statusCode, res.body).toBe(201);
  }

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, {}, { clock });
    const maitre = await createUser(ctx, 'maitre');
    for (let i = 0; i < 6; i++) exercises.push(await createExercise(ctx, maitre));
    for (const name of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) learners.push(await createUser(ctx, 'padawan', `${name}_${dialect}_${process.pid}`));
    const [alpha, bravo, charlie, delta, echo] = learners;
    // around the week's start: one minute before (out), exactly at it and one minute after (in)
    await creditAt(alpha, at(WEEK_START, -1));
    await creditAt(alpha, at(WEEK_START, 1));
    await creditAt(alpha, '2026-05-05T12:00:00.000Z');
    await creditAt(bravo, WEEK_START);
    // the first day's first minute (out) and last minute (in), the next midnight (a whole day: in)
    await creditAt(bravo, '2026-05-03T00:00:00.000Z');
    await creditAt(bravo, '2026-05-03T23:59:59.999Z');
    await creditAt(bravo, '2026-05-04T00:00:00.000Z');
    // only before the week's start on its first day, and the day before: in the month, not the week
    await creditAt(charlie, at(WEEK_START, -60));
    await creditAt(charlie, '2026-05-02T20:00:00.000Z');
    // the same around the month's start; delta ties with alpha in the week
    await creditAt(delta, at(MONTH_START, -1));
    await creditAt(delta, at(MONTH_START, 1));
    await creditAt(delta, '2026-05-06T08:00:00.000Z');
    await creditAt(delta, '2026-05-10T14:59:00.000Z');
    await creditAt(echo, '2026-04-10T00:00:00.000Z');
    await creditAt(echo, at(MONTH_START, 0));
    clock.set(NOW);
  });
  afterAll(() => ctx.close());

  /** The board computed from the raw ledger rows since `since`, ranked as the route ranks. */
  async function bruteForce(since: string) {
    const { pointEvents } = ctx.database.tables;
    const sums = await ctx.database.db
      .select({ user_id: pointEvents.user_id, points: sql<number>`sum(${pointEvents.points_delta})` })
      .from(pointEvents)
      .where(gte(pointEvents.created_at, new Date(since)))
      .groupBy(pointEvents.user_id);
    const rows = learners
      .map((learner) => ({ id: learner.id, username: learner.username, points: Number(sums.find((s) => s.user_id === learner.id)?.points ?? 0) }))
      .filter((row) => row.points > 0)
      .sort((a, b) => b.points - a.points || (a.username < b.username ? -1 : 1));
    return rows.map((row) => ({ ...row, rank: 1 + rows.filter((other) => other.points > row.points).length }));
  }

  for (const [period, since] of [
    ['week', WEEK_START],
    ['month', MONTH_START],
  ] as const) {
    it(`the ${period} equals the raw ledger summed since ${since}`, async () => {
      const expected = await bruteForce(since);
      for (const learner of learners) {
        const res = await ctx.app.inject({ method: 'GET', url: `/api/leaderboard?period=${period}&limit=50`, headers: learner.headers });
        expect(res.statusCode, res.body).toBe(200);
        const board = res.json();
        expect(board.entries).toEqual(expected.map((row) => ({ rank: row.rank, username: row.username, points: row.points, is_me: row.id === learner.id })));
        const mine = expected.find((row) => row.id === learner.id);
        expect(board.me).toEqual(mine ? { rank: mine.rank, username: mine.username, points: mine.points } : null);
      }
    });
  }

  it('the boundary rows land where the window says', async () => {
    const week = Object.fromEntries((await bruteForce(WEEK_START)).map((row) => [row.username.split('_')[0], row.points]));
    // alpha: after the start and on 05-05; bravo: at the start, 23:59, next midnight; delta: 05-06 and 05-10
    expect(week).toEqual({ alpha: 20, bravo: 30, delta: 20 });
    const month = Object.fromEntries((await bruteForce(MONTH_START)).map((row) => [row.username.split('_')[0], row.points]));
    expect(month).toEqual({ alpha: 30, bravo: 40, charlie: 20, delta: 30, echo: 10 });
    // a top 2 of the week: the tie (alpha, delta) at rank 2 is cut by username
    const top = (await ctx.app.inject({ method: 'GET', url: '/api/leaderboard?period=week&limit=2', headers: learners[4].headers })).json();
    expect(top.entries.map((e: { rank: number; username: string }) => [e.rank, e.username.split('_')[0]])).toEqual([
      [1, 'bravo'],
      [2, 'alpha'],
    ]);
    expect(top.me).toBeNull();
  });
});
