import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { httpClient } from '../../helpers/http.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answer, createExercise, postAttempt, type ExerciseJson } from '../exercises/fixtures.js';

interface AttemptJson {
  id: number;
  user_id: number;
  exercise_id: number;
  is_correct: boolean;
  attempt_number: number;
  created_at: string;
}

describeEachDialect(
  'attempts',
  (dialect) => {
    let ctx: TestContext;
    let padawan: TestUser;
    let maitre: TestUser;
    let gardien: TestUser;

    const { get } = httpClient(() => ctx);
    const me = async (user: TestUser) => (await get('/api/users/me', user)).json();

    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      padawan = await createUser(ctx, 'padawan');
      maitre = await createUser(ctx, 'maitre');
      gardien = await createUser(ctx, 'gardien');
    });
    afterAll(() => ctx.close());

    describe('POST /api/exercises/:id/attempts', () => {
      it('answers 201 with the attempt, the verdict, the answer, its explanation and the progress', async () => {
        const exercise = await createExercise(ctx, maitre, {
          exercise_type: 'multiplication',
          difficulty: 'padawan',
          correct_answer: '42',
          explanation: '6 × 7 = 42',
        });
        const learner = await createUser(ctx, 'padawan');
        const res = await postAttempt(ctx, learner, exercise.id, { user_answer: ' 42 ', time_spent: 12.5, hints_used: 1, device_info: 'tablette' });
        expect(res.statusCode).toBe(201);
        const body = res.json();
        expect(body).toMatchObject({
          is_correct: true,
          correct_answer: '42',
          explanation: '6 × 7 = 42',
          points_earned: 20,
          attempt: {
            user_id: learner.id,
            exercise_id: exercise.id,
            user_answer: '42',
            is_correct: true,
            time_spent: 12.5,
            hints_used: 1,
            device_info: 'tablette',
            attempt_number: 1,
          },
          progress: {
            user_id: learner.id,
            exercise_type: 'multiplication',
            difficulty: 'padawan',
            total_attempts: 1,
            correct_attempts: 1,
            completion_rate: 100,
            streak: 1,
            highest_streak: 1,
            mastery_level: 5,
            average_time: 12.5,
          },
        });
        expect(new Date(body.attempt.created_at).toISOString()).toBe(body.attempt.created_at);

        const wrong = (await postAttempt(ctx, learner, exercise.id, { user_answer: '48' })).json();
        expect(wrong).toMatchObject({ is_correct: false, correct_answer: '42', explanation: '6 × 7 = 42', points_earned: 0 });
        expect(wrong.attempt).toMatchObject({ attempt_number: 2, time_spent: null, hints_used: 0, device_info: null });
      });

      describe('normalizes the answer before comparing', () => {
        const cases: [string, Record<string, unknown>, (string | number)[], string[]][] = [
          ['decimal comma', { exercise_type: 'divers', correct_answer: '3.5' }, ['3,5', ' 3.50 ', '3,500', '+3.5'], ['3.6', '35', '3', '3.5.0']],
          ['numeric equality', { exercise_type: 'addition', correct_answer: '4' }, ['4.0', '4,00', '04', 4, ' 4'], ['4.01', '8/2', 'quatre', '']],
          ['French thousands', { exercise_type: 'addition', correct_answer: '12345' }, ['12 345', '12345,0'], ['12 34 5', '1 2345']],
          ['decimal comma in the answer key', { exercise_type: 'geometrie', correct_answer: '78,5' }, ['78.5', '78,50'], ['78', '785']],
          ['negative numbers', { exercise_type: 'soustraction', correct_answer: '-12' }, ['-12', '−12', '-12.0'], ['12']],
          ['equivalent fractions', { exercise_type: 'fractions', correct_answer: '1/2' }, ['2/4', ' 1 / 2 ', '0,5', '0.50', '3/6'], ['2/3', '1/3', '2', '1/0']],
          ['whole-number fraction answers', { exercise_type: 'fractions', correct_answer: '2' }, ['4/2', '2', '2.0'], ['1/2']],
          ['fraction answer of another type', { exercise_type: 'divers', correct_answer: '3/4' }, ['6/8', '0,75'], ['4/3']],
          [
            'case, spaces and accents',
            { exercise_type: 'texte', correct_answer: 'Triangle équilatéral' },
            ['  triangle   EQUILATERAL ', 'Triangle Équilatéral'],
            ['triangle isocèle'],
          ],
        ];
        it.each(cases)('%s', async (_name, fields, accepted, rejected) => {
          const exercise = await createExercise(ctx, maitre, fields);
          for (const given of accepted) {
            const res = await postAttempt(ctx, padawan, exercise.id, { user_answer: given });
            expect(res.statusCode, `${given}`).toBe(201);
            expect(res.json().is_correct, `"${given}" should be accepted for "${fields.correct_answer}"`).toBe(true);
          }
          for (const given of rejected) {
            const res = await postAttempt(ctx, padawan, exercise.id, { user_answer: given });
            if (given.trim() === '') {
              expect(res.statusCode).toBe(400);
              continue;
            }
            expect(res.json().is_correct, `"${given}" should be rejected for "${fields.correct_answer}"`).toBe(false);
          }
        });

        it('a choice sent as its text', async () => {
          const exercise = await createExercise(ctx, maitre, { exercise_type: 'divers', correct_answer: 'Hoth', choices: ['Tatooine', 'Hoth', 'Endor'] });
          expect((await answer(ctx, padawan, exercise.id, { user_answer: 'hoth' })).is_correct).toBe(true);
          expect((await answer(ctx, padawan, exercise.id, { user_answer: 'Endor' })).is_correct).toBe(false);
        });
      });

      it('numbers attempts per user and exercise', async () => {
        const exercise = await createExercise(ctx, maitre);
        const [first, second] = [await createUser(ctx, 'padawan'), await createUser(ctx, 'padawan')];
        const numbers = [];
        for (let i = 0; i < 3; i++) numbers.push((await answer(ctx, first, exercise.id, { user_answer: 'x' })).attempt.attempt_number);
        expect(numbers).toEqual([1, 2, 3]);
        expect((await answer(ctx, second, exercise.id, { user_answer: 'x' })).attempt.attempt_number).toBe(1);
        const another = await createExercise(ctx, maitre);
        expect((await answer(ctx, first, another.id, { user_answer: 'x' })).attempt.attempt_number).toBe(1);
      });

      it('awards points by difficulty to a correct first attempt only, with level and rank', async () => {
        const learner = await createUser(ctx, 'padawan');
        const start = await me(learner);
        expect(start).toMatchObject({ total_points: 0, experience_points: 0, current_level: 1, jedi_rank: 'youngling' });
        const expected = { initie: 10, padawan: 20, chevalier: 30, maitre: 50, grand_maitre: 75 };
        let total = 0;
        for (const [difficulty, points] of Object.entries(expected)) {
          const exercise = await createExercise(ctx, maitre, { difficulty, correct_answer: '5' });
          expect((await answer(ctx, learner, exercise.id, { user_answer: '5' })).points_earned).toBe(points);
          // a wrong first attempt shows the answer: sending it next earns nothing
          const other = await createExercise(ctx, maitre, { difficulty, correct_answer: '7' });
          const wrong = await answer(ctx, learner, other.id, { user_answer: '6' });
          expect(wrong.points_earned).toBe(0);
          expect((await answer(ctx, learner, other.id, { user_answer: wrong.correct_answer })).points_earned).toBe(0);
          // solving it again is practice, not points
          expect((await answer(ctx, learner, exercise.id, { user_answer: '5' })).points_earned).toBe(0);
          total += points;
          expect(await me(learner)).toMatchObject({ total_points: total, experience_points: total });
        }
        // 110 experience: level 1 + 110 ÷ 100 = 2, past the padawan threshold (100)
        expect(await me(learner)).toMatchObject({ current_level: 2, jedi_rank: 'padawan' });
      });

      it('reveals the answer of an attempted exercise to the learner afterwards', async () => {
        const exercise = await createExercise(ctx, maitre, { correct_answer: '9' });
        const learner = await createUser(ctx, 'padawan');
        expect((await get(`/api/exercises/${exercise.id}`, learner)).json()).not.toHaveProperty('correct_answer');
        await answer(ctx, learner, exercise.id, { user_answer: '1' });
        expect((await get(`/api/exercises/${exercise.id}`, learner)).json().correct_answer).toBe('9');
        expect((await get(`/api/exercises/${exercise.id}`, padawan)).json()).not.toHaveProperty('correct_answer');
      });

      it('rejects bad input with 400, anonymous callers with 401, missing exercises with 404', async () => {
        const exercise = await createExercise(ctx, maitre);
        for (const body of [
          {},
          { user_answer: '   ' },
          { user_answer: '1', extra: true },
          { user_answer: '1', time_spent: -1 },
          { user_answer: '1', time_spent: 'long' },
          { user_answer: '1', hints_used: -1 },
          { user_answer: '1', hints_used: 1.5 },
          { user_answer: 'x'.repeat(501) },
          { user_answer: ['1'] },
        ]) {
          const res = await ctx.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/attempts`, headers: padawan.headers, payload: body });
          expect(res.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
        }
        expect((await ctx.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/attempts`, payload: { user_answer: '1' } })).statusCode).toBe(401);
        expect((await postAttempt(ctx, padawan, 999999, { user_answer: '1' })).statusCode).toBe(404);
        expect(
          (await ctx.app.inject({ method: 'POST', url: '/api/exercises/abc/attempts', headers: padawan.headers, payload: { user_answer: '1' } })).statusCode,
        ).toBe(400);
      });

      it('refuses attempts at a retired exercise: 404 for a learner, 409 for staff', async () => {
        const archived = await createExercise(ctx, maitre);
        await ctx.app.inject({ method: 'DELETE', url: `/api/exercises/${archived.id}`, headers: maitre.headers });
        const inactive = await createExercise(ctx, maitre, { is_active: false });
        for (const exercise of [archived, inactive]) {
          expect((await postAttempt(ctx, padawan, exercise.id, { user_answer: '1' })).statusCode).toBe(404);
          const staff = await postAttempt(ctx, maitre, exercise.id, { user_answer: '1' });
          expect(staff.statusCode).toBe(409);
          expect(staff.json().error.code).toBe('CONFLICT');
        }
      });
    });

    describe('GET /api/attempts', () => {
      let learner: TestUser;
      let other: TestUser;
      let exercises: ExerciseJson[];
      let mine: AttemptJson[];

      beforeAll(async () => {
        learner = await createUser(ctx, 'padawan');
        other = await createUser(ctx, 'padawan');
        exercises = [await createExercise(ctx, maitre, { correct_answer: '1' }), await createExercise(ctx, maitre, { correct_answer: '2' })];
        mine = [];
        for (const [exercise, given] of [
          [0, '1'],
          [0, '0'],
          [1, '2'],
          [1, '2'],
          [0, '1'],
        ] as const) {
          mine.push((await answer(ctx, learner, exercises[exercise].id, { user_answer: given })).attempt);
        }
        await answer(ctx, other, exercises[0].id, { user_answer: '1' });
      });
      const list = (query: string, user: TestUser) => get(`/api/attempts${query}`, user);
      const attemptIds = (page: { items: AttemptJson[] }) => page.items.map((a) => a.id);

      it('lists my own attempts, newest first, with an exact total', async () => {
        const res = await list('', learner);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ total: 5, limit: 20, offset: 0 });
        expect(attemptIds(res.json())).toEqual(mine.map((a) => a.id).reverse());
      });

      it('filters by exercise and correctness, and paginates', async () => {
        expect(attemptIds((await list(`?exercise_id=${exercises[1].id}`, learner)).json())).toEqual([mine[3].id, mine[2].id]);
        const correct = (await list('?is_correct=true', learner)).json();
        expect(correct.total).toBe(4);
        expect(correct.items.every((a: AttemptJson) => a.is_correct)).toBe(true);
        expect(attemptIds((await list('?is_correct=false', learner)).json())).toEqual([mine[1].id]);
        const page = (await list('?limit=2&offset=1', learner)).json();
        expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
        expect(attemptIds(page)).toEqual([mine[3].id, mine[2].id]);
      });

      it("shows another user's attempts to gardien and above only", async () => {
        expect((await list(`?user_id=${other.id}`, learner)).statusCode).toBe(404);
        expect((await list(`?user_id=${learner.id}`, learner)).json().total).toBe(5);
        const seen = (await list(`?user_id=${learner.id}`, gardien)).json();
        expect(seen.total).toBe(5);
        expect(seen.items.every((a: AttemptJson) => a.user_id === learner.id)).toBe(true);
        expect((await list('', gardien)).json().total).toBe(0); // without user_id: the gardien's own
      });

      it('answers 400 for bad queries and 401 anonymous', async () => {
        for (const query of ['?limit=0', '?limit=101', '?is_correct=maybe', '?exercise_id=abc', '?user_id=-3']) {
          expect((await list(query, learner)).statusCode, query).toBe(400);
        }
        expect((await get('/api/attempts')).statusCode).toBe(401);
      });

      it('GET /api/attempts/:id: mine, or any for gardien; 404 otherwise', async () => {
        const res = await get(`/api/attempts/${mine[0].id}`, learner);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual(mine[0]);
        expect((await get(`/api/attempts/${mine[0].id}`, other)).statusCode).toBe(404);
        expect((await get(`/api/attempts/${mine[0].id}`, maitre)).statusCode).toBe(404);
        expect((await get(`/api/attempts/${mine[0].id}`, gardien)).statusCode).toBe(200);
        expect((await get('/api/attempts/999999', learner)).statusCode).toBe(404);
        expect((await get('/api/attempts/abc', learner)).statusCode).toBe(400);
        expect((await get(`/api/attempts/${mine[0].id}`)).statusCode).toBe(401);
      });
    });
  },
  { pooler: true },
);
