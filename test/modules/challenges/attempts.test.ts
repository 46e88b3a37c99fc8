// Attempts on logic challenges: the answer check, the solution rule, the attempt allowance,
// progressive hints, statistics, and exact counts under concurrent attempts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { attempt, postChallenge } from './helpers.js';

const ANSWER_FIELDS = ['correct_answer', 'solution', 'solution_explanation'];

describeEachDialect('challenge attempts', (dialect) => {
  let ctx: TestContext;
  let author: TestUser;
  let gardien: TestUser;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    [author, gardien] = await Promise.all([createUser(ctx, 'maitre'), createUser(ctx, 'gardien')]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const learner = () => createUser(ctx, 'padawan');
  const view = async (user: TestUser, id: number) => (await ctx.app.inject({ method: 'GET', url: `/api/challenges/${id}`, headers: user.headers })).json();

  describe('the solution rule', () => {
    it('hides the solution after a wrong answer and shows it once solved; then further attempts are refused', async () => {
      const challenge = await postChallenge(ctx, author);
      const user = await learner();

      const wrong = await attempt(ctx, user, challenge.id, { user_solution: '12', time_spent: 14.5, notes: 'trop vite' });
      expect(wrong.statusCode, wrong.body).toBe(201);
      const wrongBody = wrong.json();
      expect(wrongBody).toMatchObject({
        is_correct: false,
        attempts_left: 2,
        attempt: {
          user_id: user.id,
          challenge_id: challenge.id,
          user_solution: '12',
          is_correct: false,
          attempt_number: 1,
          time_spent: 14.5,
          hints_used: 0,
          notes: 'trop vite',
        },
      });
      for (const field of ANSWER_FIELDS) expect(wrongBody).not.toHaveProperty(field);
      expect(await view(user, challenge.id)).toMatchObject({ attempts_made: 1, attempts_left: 2, solved: false, answers_revealed: false });

      const right = await attempt(ctx, user, challenge.id, { user_solution: ' 10 ' });
      expect(right.statusCode).toBe(201);
      expect(right.json()).toMatchObject({
        is_correct: true,
        attempts_left: 0,
        correct_answer: '10',
        solution: 'On ajoute 2.',
        solution_explanation: '8 + 2 = 10',
        attempt: { attempt_number: 2, is_correct: true },
      });
      const after = await view(user, challenge.id);
      expect(after).toMatchObject({ solved: true, answers_revealed: true, correct_answer: '10', hints: expect.any(Array) });

      const again = await attempt(ctx, user, challenge.id, { user_solution: '10' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('CONFLICT');
    });

    it('shows the solution once every allowed attempt is used, then refuses more', async () => {
      const challenge = await postChallenge(ctx, author);
      const user = await learner();
      for (const [n, answer] of ['1', '2'].entries()) {
        const res = (await attempt(ctx, user, challenge.id, { user_solution: answer })).json();
        expect(res).toMatchObject({ is_correct: false, attempts_left: 2 - n, attempt: { attempt_number: n + 1 } });
        expect(res).not.toHaveProperty('correct_answer');
      }
      const last = (await attempt(ctx, user, challenge.id, { user_solution: '3' })).json();
      expect(last).toMatchObject({ is_correct: false, attempts_left: 0, correct_answer: '10', solution_explanation: '8 + 2 = 10' });
      expect(await view(user, challenge.id)).toMatchObject({ answers_revealed: true, solved: false, attempts_made: 3, correct_answer: '10' });
      expect((await attempt(ctx, user, challenge.id, { user_solution: '10' })).statusCode).toBe(409);

      // another learner is not affected
      const other = await learner();
      expect(await view(other, challenge.id)).not.toHaveProperty('correct_answer');
    });

    it('follows a per-challenge allowance from generation_parameters.max_attempts', async () => {
      const challenge = await postChallenge(ctx, author, { choices: ['10', '12'], generation_parameters: { max_attempts: 1 } });
      const user = await learner();
      expect(await view(user, challenge.id)).toMatchObject({ attempts_allowed: 1, attempts_left: 1 });
      const only = (await attempt(ctx, user, challenge.id, { user_solution: '12' })).json();
      expect(only).toMatchObject({ is_correct: false, attempts_left: 0, correct_answer: '10' });
      expect((await attempt(ctx, user, challenge.id, { user_solution: '10' })).statusCode).toBe(409);
    });

    it('always shows the answers to staff and the author, even after a wrong attempt', async () => {
      const challenge = await postChallenge(ctx, author);
      const res = (await attempt(ctx, gardien, challenge.id, { user_solution: '11' })).json();
      expect(res).toMatchObject({ is_correct: false, attempts_left: 2, correct_answer: '10', solution: 'On ajoute 2.' });
      expect((await attempt(ctx, author, challenge.id, { user_solution: '10' })).json()).toMatchObject({ is_correct: true, correct_answer: '10' });
    });
  });

  describe('the answer check', () => {
    const cases: [expected: string, given: string | number, accepted: boolean][] = [
      ['10', 10, true],
      ['10', '10.', true],
      ['10', '10 droïdes', true],
      ['10', '1 0', false],
      ['3.5', '3,5', true],
      ['3.5', '3.50', true],
      ['3.5', '3,6', false],
      ['3/8', '0,375', true],
      ['3/8', '6/16', true],
      ['3/8', '37,5 %', true],
      ['3/8', '3/9', false],
      ['1000', '1 000', true],
      ['2, 4, 8', '2,4,8', true],
      ['2, 4, 8', '2 4 8', true],
      ['2, 4, 8', '2 ; 4 ; 8', true],
      ['2, 4, 8', '2, 8, 4', false],
      ['2, 4, 8', '248', false],
      ['48, 96', '48 et 96', true],
      ['48, 96', '48.96', false],
      ['Doré', '  DORE ', true],
      ['une serviette', 'Serviette !', true],
      ['une serviette', 'serviettes', false],
      ['R2-D2', 'r2 d2', true],
      ["l'ombre", 'Ombre', true],
      ['Luke Skywalker', 'luke   skywalker', true],
      ['Luke Skywalker', 'Luke', false],
    ];
    it.each(cases)('expects %j: %j is %s', async (expected, given, accepted) => {
      const challenge = await postChallenge(ctx, author, { correct_answer: expected });
      const res = await attempt(ctx, await learner(), challenge.id, { user_solution: given });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().is_correct).toBe(accepted);
    });
  });

  it('answers 400 to bad attempt bodies, 404 to unknown challenges, 401 without a token', async () => {
    const challenge = await postChallenge(ctx, author);
    const user = await learner();
    for (const payload of [
      {},
      { user_solution: '' },
      { user_solution: '   ' },
      { user_solution: ['10'] },
      { user_solution: '10', time_spent: -1 },
      { user_solution: '10', hints_used: 1.5 },
      { user_solution: '10', hints_used: 4 }, // the challenge has 3 hints
      { user_solution: '10', device: 'holopad' },
    ]) {
      const res = await attempt(ctx, user, challenge.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.message).toEqual(expect.any(String));
    }
    expect((await view(user, challenge.id)).attempts_made).toBe(0); // nothing was recorded
    expect((await attempt(ctx, user, 999999, { user_solution: '10' })).statusCode).toBe(404);
    const anonymous = await ctx.app.inject({ method: 'POST', url: `/api/challenges/${challenge.id}/attempts`, payload: { user_solution: '10' } });
    expect(anonymous.statusCode).toBe(401);
  });

  describe('hints', () => {
    it('returns hints 1..level, any level directly, and 404 beyond the last', async () => {
      const challenge = await postChallenge(ctx, author);
      const user = await learner();
      const hint = (level: unknown, id = challenge.id) => ctx.app.inject({ method: 'GET', url: `/api/challenges/${id}/hints/${level}`, headers: user.headers });

      expect((await hint(1)).json()).toEqual({ challenge_id: challenge.id, level: 1, total_hints: 3, hints: ['Regarde les écarts.'], has_more: true });
      expect((await hint(2)).json()).toMatchObject({ hints: ['Regarde les écarts.', 'On ajoute toujours le même nombre.'], has_more: true });
      expect((await hint(3)).json()).toMatchObject({ hints: challenge.hints, has_more: false });
      for (const level of [4, 11, 5000]) {
        const beyond = await hint(level);
        expect(beyond.statusCode).toBe(404);
        expect(beyond.json().error.code).toBe('NOT_FOUND');
      }
      expect((await hint(0)).statusCode).toBe(400);
      expect((await hint('deux')).statusCode).toBe(400);
      expect((await hint(1, 999999)).statusCode).toBe(404);
      expect((await ctx.app.inject({ method: 'GET', url: `/api/challenges/${challenge.id}/hints/1` })).statusCode).toBe(401);

      // the learner's copy of the challenge counts the hints without giving them away
      const seen = await view(user, challenge.id);
      expect(seen.hint_count).toBe(3);
      expect(seen).not.toHaveProperty('hints');

      // the hints used travel with the next attempt
      const res = (await attempt(ctx, user, challenge.id, { user_solution: '10', hints_used: 2 })).json();
      expect(res.attempt.hints_used).toBe(2);
    });

    it('answers 404 for a challenge without hints', async () => {
      const challenge = await postChallenge(ctx, author, { hints: null });
      const user = await learner();
      expect((await ctx.app.inject({ method: 'GET', url: `/api/challenges/${challenge.id}/hints/1`, headers: user.headers })).statusCode).toBe(404);
      expect((await attempt(ctx, user, challenge.id, { user_solution: '10', hints_used: 1 })).statusCode).toBe(400);
    });
  });

  it('reports statistics per challenge and per attempt number, without personal data', async () => {
    const challenge = await postChallenge(ctx, author);
    const [ana, bel, cal] = await Promise.all([learner(), learner(), learner()]);
    const play = async (user: TestUser, answer: string, time_spent?: number) => {
      const res = await attempt(ctx, user, challenge.id, { user_solution: answer, ...(time_spent === undefined ? {} : { time_spent }), hints_used: 1 });
      expect(res.statusCode).toBe(201);
    };
    await play(ana, '12', 30);
    await play(ana, '10', 20);
    await play(bel, '10', 10);
    await play(cal, '1');
    await play(cal, '2', 60);
    await play(cal, '3', 40);

    const res = await ctx.app.inject({ method: 'GET', url: `/api/challenges/${challenge.id}/stats`, headers: ana.headers });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats).toMatchObject({ challenge_id: challenge.id, attempts: 6, correct_attempts: 2, distinct_users: 3, users_solved: 2, average_hints_used: 1 });
    expect(stats.success_rate).toBeCloseTo((2 / 6) * 100, 9);
    expect(stats.average_time).toBeCloseTo((30 + 20 + 10 + 60 + 40) / 5, 9); // the attempt without a time is left out
    expect(stats.by_attempt_number).toEqual([
      { attempt_number: 1, attempts: 3, correct_attempts: 1, success_rate: expect.closeTo(100 / 3, 9) },
      { attempt_number: 2, attempts: 2, correct_attempts: 1, success_rate: 50 },
      { attempt_number: 3, attempts: 1, correct_attempts: 0, success_rate: 0 },
    ]);
    expect(JSON.stringify(stats)).not.toMatch(/user_id|username|"\d+":/);

    // the stored success_rate was kept up to date by each attempt
    expect((await view(author, challenge.id)).success_rate).toBeCloseTo(stats.success_rate, 9);

    const empty = await postChallenge(ctx, author);
    const none = (await ctx.app.inject({ method: 'GET', url: `/api/challenges/${empty.id}/stats`, headers: ana.headers })).json();
    expect(none).toEqual({
      challenge_id: empty.id,
      attempts: 0,
      correct_attempts: 0,
      distinct_users: 0,
      users_solved: 0,
      success_rate: 0,
      average_time: null,
      average_hints_used: null,
      by_attempt_number: [],
    });
    expect((await ctx.app.inject({ method: 'GET', url: '/api/challenges/999999/stats', headers: ana.headers })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/challenges/${challenge.id}/stats` })).statusCode).toBe(401);
  });

  it('keeps counts and success_rate exact under concurrent attempts', async () => {
    const challenge = await postChallenge(ctx, author);
    const users = await Promise.all(Array.from({ length: 16 }, () => learner()));
    // 16 learners at once, 6 of them right
    const results = await Promise.all(users.map((user, i) => attempt(ctx, user, challenge.id, { user_solution: i < 6 ? '10' : '9' })));
    expect(results.map((r) => r.statusCode)).toEqual(users.map(() => 201));

    // one learner firing 6 answers at once: exactly the 3 allowed are recorded, numbered 1..3
    const eager = await learner();
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(ctx, eager, challenge.id, { user_solution: String(20 + i) })));
    const accepted = burst.filter((r) => r.statusCode === 201);
    expect(accepted).toHaveLength(3);
    expect(burst.filter((r) => r.statusCode === 409)).toHaveLength(3);
    expect(accepted.map((r) => r.json().attempt.attempt_number).sort()).toEqual([1, 2, 3]);

    const stats = (await ctx.app.inject({ method: 'GET', url: `/api/challenges/${challenge.id}/stats`, headers: eager.headers })).json();
    expect(stats).toMatchObject({ attempts: 19, correct_attempts: 6, distinct_users: 17 });
    expect((await view(author, challenge.id)).success_rate).toBeCloseTo((6 / 19) * 100, 9);
  });
});
