// 200 attempts by one learner fired at once: every counter must come out exact on both dialects
// (no lost update), and the streaks must describe the attempts in the order they were recorded.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { createExercise, type ExerciseJson, type ProgressJson } from '../exercises/fixtures.js';

const ATTEMPTS = 200;

interface AttemptJson {
  id: number;
  exercise_id: number;
  is_correct: boolean;
  attempt_number: number;
  time_spent: number | null;
}

/** Streak at the end and longest run of correct answers, in order. */
function streaks(verdicts: boolean[]): { last: number; longest: number } {
  let last = 0;
  let longest = 0;
  for (const correct of verdicts) {
    last = correct ? last + 1 : 0;
    longest = Math.max(longest, last);
  }
  return { last, longest };
}

describeEachDialect(
  '200 concurrent attempts',
  (dialect) => {
    let ctx: TestContext;
    let learner: TestUser;
    let multiplication: ExerciseJson; // chevalier: 30 points
    let division: ExerciseJson; // initie: 10 points

    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      learner = await createUser(ctx, 'padawan');
      const maitre = await createUser(ctx, 'maitre');
      multiplication = await createExercise(ctx, maitre, { exercise_type: 'multiplication', difficulty: 'chevalier', correct_answer: '144' });
      division = await createExercise(ctx, maitre, { exercise_type: 'division', difficulty: 'initie', correct_answer: '7' });
    });
    afterAll(() => ctx.close());

    it('leave exact counters, attempt numbers and points', async () => {
      // three in four go to the multiplication; two in three answers are right; three in five are timed
      const plan = Array.from({ length: ATTEMPTS }, (_, i) => {
        const exercise = i % 4 === 3 ? division : multiplication;
        const right = i % 3 !== 0;
        const answer = exercise === multiplication ? (right ? '144' : '143') : right ? '7,0' : '8';
        return { exercise, right, body: { user_answer: answer, time_spent: i % 5 < 3 ? (i % 7) + 0.5 : undefined } };
      });

      const responses = await Promise.all(
        plan.map(({ exercise, body }) =>
          ctx.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/attempts`, headers: learner.headers, payload: body }),
        ),
      );
      const failures = responses.filter((r) => r.statusCode !== 201).map((r) => `${r.statusCode} ${r.body}`);
      expect(failures).toEqual([]);
      responses.forEach((res, i) => expect(res.json().is_correct).toBe(plan[i].right));

      for (const exercise of [multiplication, division]) {
        const mine = plan.filter((p) => p.exercise === exercise);
        const expectedCorrect = mine.filter((p) => p.right).length;
        const times = mine.map((p) => p.body.time_spent).filter((t): t is number => t !== undefined);

        const listed = await ctx.app.inject({ method: 'GET', url: `/api/attempts?exercise_id=${exercise.id}&limit=100`, headers: learner.headers });
        const page = listed.json();
        const all: AttemptJson[] = [...page.items];
        for (let offset = 100; offset < page.total; offset += 100) {
          all.push(
            ...(
              await ctx.app.inject({ method: 'GET', url: `/api/attempts?exercise_id=${exercise.id}&limit=100&offset=${offset}`, headers: learner.headers })
            ).json().items,
          );
        }
        expect(page.total).toBe(mine.length);
        expect(all).toHaveLength(mine.length);
        // every attempt got its own number: 1..n, none repeated, none skipped
        expect(all.map((a) => a.attempt_number).sort((a, b) => a - b)).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));

        const progress = (await ctx.app.inject({ method: 'GET', url: `/api/progress/${exercise.exercise_type}`, headers: learner.headers })).json();
        expect(progress.items).toHaveLength(1);
        const row: ProgressJson = progress.items[0];
        expect(row).toMatchObject({ total_attempts: mine.length, correct_attempts: expectedCorrect, timed_attempts: times.length });
        expect(row.completion_rate).toBeCloseTo((100 * expectedCorrect) / mine.length, 9);
        expect(row.average_time).toBeCloseTo(times.reduce((a, b) => a + b, 0) / times.length, 9);

        // the streaks follow the attempts in the order they were numbered (= committed)
        const inOrder = [...all].sort((a, b) => a.attempt_number - b.attempt_number).map((a) => a.is_correct);
        const { last, longest } = streaks(inOrder);
        expect(row.streak).toBe(last);
        expect(row.highest_streak).toBe(longest);
      }

      // only a correct FIRST attempt at each exercise earns its points (any attempt shows the
      // answer), however the requests raced
      let points = 0;
      for (const [exercise, worth] of [
        [multiplication, 30],
        [division, 10],
      ] as const) {
        const rewarded = responses.filter((r, i) => plan[i].exercise === exercise && r.json().points_earned > 0);
        const first = responses.find((r, i) => plan[i].exercise === exercise && r.json().attempt.attempt_number === 1)!;
        const firstWasRight = first.json().is_correct === true;
        expect(rewarded.map((r) => [r.json().points_earned, r.json().attempt.attempt_number])).toEqual(firstWasRight ? [[worth, 1]] : []);
        if (firstWasRight) points += worth;
      }
      const me = (await ctx.app.inject({ method: 'GET', url: '/api/users/me', headers: learner.headers })).json();
      expect(me).toMatchObject({ total_points: points, experience_points: points, current_level: 1 + Math.floor(points / 100) });
      const summary = (await ctx.app.inject({ method: 'GET', url: '/api/progress', headers: learner.headers })).json().summary;
      expect(summary).toMatchObject({ total_attempts: ATTEMPTS, correct_attempts: plan.filter((p) => p.right).length });
    });
  },
  { pooler: true },
);
