import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { httpClient } from '../../helpers/http.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answer, createExercise, type ExerciseJson, type ProgressJson } from '../exercises/fixtures.js';

describeEachDialect('progress', (dialect) => {
  let ctx: TestContext;
  let maitre: TestUser;
  let gardien: TestUser;
  let exercise: ExerciseJson; // addition / initie, answer '5'

  const { get } = httpClient(() => ctx);
  /** Answers `exercise` right (true) or wrong (false) in order; returns the last progress row. */
  async function play(user: TestUser, verdicts: boolean[], target = exercise, times: (number | undefined | null)[] = []): Promise<ProgressJson> {
    let progress: ProgressJson | undefined;
    for (const [i, right] of verdicts.entries()) {
      const result = await answer(ctx, user, target.id, { user_answer: right ? target.correct_answer! : 'faux', time_spent: times[i] });
      expect(result.is_correct).toBe(right);
      progress = result.progress;
    }
    if (!progress) throw new Error('no attempt played');
    return progress;
  }
  /** `right` correct answers then wrong ones, `total` in all. */
  const rightThenWrong = (total: number, right: number) => [...Array<boolean>(right).fill(true), ...Array<boolean>(total - right).fill(false)];

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    maitre = await createUser(ctx, 'maitre');
    gardien = await createUser(ctx, 'gardien');
    exercise = await createExercise(ctx, maitre, { exercise_type: 'addition', difficulty: 'initie', correct_answer: '5' });
  });
  afterAll(() => ctx.close());

  describe('progress maths', () => {
    it('counts a streak, resets it on a wrong answer, keeps the highest', async () => {
      const learner = await createUser(ctx, 'padawan');
      const steps: [boolean, number, number][] = [
        // verdict, streak after, highest after
        [true, 1, 1],
        [true, 2, 2],
        [true, 3, 3],
        [false, 0, 3],
        [true, 1, 3],
        [true, 2, 3],
        [true, 3, 3],
        [true, 4, 4],
        [false, 0, 4],
      ];
      for (const [right, streak, highest] of steps) {
        const progress = await play(learner, [right]);
        expect({ streak: progress.streak, highest: progress.highest_streak }).toEqual({ streak, highest });
      }
      const row = (await get('/api/progress', learner)).json().items[0];
      expect(row).toMatchObject({ total_attempts: 9, correct_attempts: 7, streak: 0, highest_streak: 4 });
      expect(row.completion_rate).toBeCloseTo((7 / 9) * 100, 9);
    });

    it('averages time over the attempts that gave one', async () => {
      const learner = await createUser(ctx, 'padawan');
      let progress = await play(learner, [true, false], exercise, [undefined, null]);
      expect(progress).toMatchObject({ timed_attempts: 0, average_time: null });
      progress = await play(learner, [true, false, true, true], exercise, [10, undefined, 20.5, 45]);
      expect(progress.timed_attempts).toBe(3);
      expect(progress.average_time).toBeCloseTo((10 + 20.5 + 45) / 3, 9);
      expect(progress.total_attempts).toBe(6);
      progress = await play(learner, [false], exercise, [0]);
      expect(progress.timed_attempts).toBe(4);
      expect(progress.average_time).toBeCloseTo((10 + 20.5 + 45 + 0) / 4, 9);
    });

    // completion rate → mastery level: ≥95 → 5, ≥85 → 4, ≥70 → 3, ≥50 → 2, else 1
    it.each([
      [20, 20, 5],
      [20, 19, 5], // 95 %
      [17, 16, 4], // 94.1 %
      [20, 17, 4], // 85 %
      [20, 16, 3], // 80 %
      [20, 14, 3], // 70 %
      [20, 13, 2], // 65 %
      [20, 10, 2], // 50 %
      [20, 9, 1], // 45 %
      [1, 0, 1],
    ])('%i attempts, %i right → mastery level %i', async (total, right, level) => {
      const learner = await createUser(ctx, 'padawan');
      const progress = await play(learner, rightThenWrong(total, right));
      expect(progress).toMatchObject({ total_attempts: total, correct_attempts: right, mastery_level: level });
      expect(progress.completion_rate).toBeCloseTo((100 * right) / total, 9);
    });
  });

  describe('GET /api/progress', () => {
    let learner: TestUser;
    let other: TestUser;

    beforeAll(async () => {
      learner = await createUser(ctx, 'padawan');
      other = await createUser(ctx, 'padawan');
      const additionPadawan = await createExercise(ctx, maitre, { exercise_type: 'addition', difficulty: 'padawan', correct_answer: '50' });
      const division = await createExercise(ctx, maitre, { exercise_type: 'division', difficulty: 'initie', correct_answer: '3' });
      // created in an order different from the one the report sorts in
      await play(learner, [true, false], division, [30, undefined]);
      await play(learner, [true, true, true], additionPadawan, [10, 20, undefined]);
      await play(learner, [false, true], exercise, [undefined, 6]);
      await play(other, [true], exercise);
    });

    it('shows my rows per type and difficulty, with a summary', async () => {
      const res = await get('/api/progress', learner);
      expect(res.statusCode).toBe(200);
      const report = res.json();
      expect(report.user_id).toBe(learner.id);
      expect(report.items.map((p: ProgressJson) => `${p.exercise_type}/${p.difficulty}`)).toEqual(['addition/initie', 'addition/padawan', 'division/initie']);
      expect(report.items.every((p: ProgressJson) => p.completion_rate >= 0 && p.completion_rate <= 100)).toBe(true);
      expect(report.summary).toMatchObject({ total_attempts: 7, correct_attempts: 5, highest_streak: 3 });
      expect(report.summary.completion_rate).toBeCloseTo((5 / 7) * 100, 9);
      expect(report.summary.average_time).toBeCloseTo((30 + 10 + 20 + 6) / 4, 9);
      expect(new Date(report.summary.last_active_date).toISOString()).toBe(report.summary.last_active_date);
    });

    it('is empty, with a zero summary, before any attempt', async () => {
      const newcomer = await createUser(ctx, 'padawan');
      const report = (await get('/api/progress', newcomer)).json();
      expect(report).toEqual({
        user_id: newcomer.id,
        items: [],
        summary: { total_attempts: 0, correct_attempts: 0, completion_rate: 0, average_time: null, highest_streak: 0, last_active_date: null },
      });
    });

    it('GET /api/progress/:exercise_type keeps the rows of that type', async () => {
      const additions = (await get('/api/progress/ADDITION', learner)).json();
      expect(additions.items.map((p: ProgressJson) => p.difficulty)).toEqual(['initie', 'padawan']);
      expect(additions.summary).toMatchObject({ total_attempts: 5, correct_attempts: 4 });
      expect((await get('/api/progress/fractions', learner)).json().items).toEqual([]);
      expect((await get('/api/progress/algebre', learner)).statusCode).toBe(400);
    });

    it('GET /api/users/:id/progress: self or gardien and above, else 404', async () => {
      const own = await get(`/api/users/${learner.id}/progress`, learner);
      expect(own.statusCode).toBe(200);
      expect(own.json()).toEqual((await get('/api/progress', learner)).json());
      expect((await get(`/api/users/${learner.id}/progress`, other)).statusCode).toBe(404);
      expect((await get(`/api/users/${learner.id}/progress`, maitre)).statusCode).toBe(404);
      const byGardien = await get(`/api/users/${learner.id}/progress`, gardien);
      expect(byGardien.statusCode).toBe(200);
      expect(byGardien.json().summary.total_attempts).toBe(7);
      expect((await get('/api/users/999999/progress', gardien)).statusCode).toBe(404);
      expect((await get('/api/users/abc/progress', gardien)).statusCode).toBe(400);
    });

    it('needs a signed-in user', async () => {
      for (const url of ['/api/progress', '/api/progress/addition', `/api/users/${learner.id}/progress`]) {
        expect((await get(url)).statusCode, url).toBe(401);
      }
    });
  });
});
