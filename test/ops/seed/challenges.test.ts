// The demo challenges of the seed: varied, valid under the API's own rules, hidden answers for
// learners, and each correct_answer accepted by the attempt check.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { demoChallenges } from '../../../src/ops/seed/challenges.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { attempt } from '../../modules/challenges/helpers.js';

describeEachDialect('demo challenges', (dialect) => {
  let ctx: TestContext;
  let maitre: TestUser;
  let ids: number[];

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    maitre = await createUser(ctx, 'maitre');
    const { logicChallenges } = ctx.database.tables;
    // inserted as the seed does: plain values through the data layer
    const rows = await ctx.database.transaction((tx) => tx.insert(logicChallenges).values(demoChallenges()).returning());
    ids = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('are at least 14, of at least 7 types, across age groups and difficulties, each with 2–3 hints', async () => {
    const demos = demoChallenges();
    expect(ids).toHaveLength(demos.length);
    expect(demos.length).toBeGreaterThanOrEqual(14);
    expect(new Set(demos.map((c) => c.challenge_type)).size).toBeGreaterThanOrEqual(7);
    expect(new Set(demos.map((c) => c.age_group)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(demos.map((c) => c.difficulty))).toEqual(new Set(['initie', 'padawan', 'chevalier', 'maitre']));
    expect(new Set(demos.map((c) => c.title)).size).toBe(demos.length); // the seed recognises them by title
    for (const c of demos) {
      expect(c.question, c.title).toBeTruthy();
      expect(c.correct_answer, c.title).toBeTruthy();
      expect(c.solution_explanation, c.title).toBeTruthy();
      expect(Array.isArray(c.hints) && c.hints.length >= 2 && c.hints.length <= 3, c.title).toBe(true);
    }
  });

  it('each one is valid for POST /api/challenges (choices contain the answer, strict fields)', async () => {
    const demos = demoChallenges();
    for (const demo of demos) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/challenges',
        headers: maitre.headers,
        payload: { ...demo, title: `${demo.title} (copie)` },
      });
      expect(res.statusCode, `${demo.title}: ${res.body}`).toBe(201);
    }
    const { logicChallenges } = ctx.database.tables;
    const copies = await ctx.database.db
      .select({ id: logicChallenges.id })
      .from(logicChallenges)
      .where(inArray(logicChallenges.creator_id, [maitre.id]));
    expect(copies).toHaveLength(demos.length);
  });

  it("accepts each one's correct_answer through the API, and rejects a wrong one", async () => {
    const demos = demoChallenges();
    for (const [i, id] of ids.entries()) {
      const { title, hints, correct_answer } = demos[i];
      const learner = await createUser(ctx, 'padawan');
      const before = (await ctx.app.inject({ method: 'GET', url: `/api/challenges/${id}`, headers: learner.headers })).json();
      expect(before, title).not.toHaveProperty('correct_answer');
      expect(before.hint_count, title).toBe(Array.isArray(hints) ? hints.length : -1);

      const wrong = await attempt(ctx, learner, id, { user_solution: 'Je ne sais pas' });
      expect(wrong.json().is_correct, title).toBe(false);
      const right = await attempt(ctx, await createUser(ctx, 'padawan'), id, { user_solution: correct_answer });
      expect(right.statusCode, title).toBe(201);
      expect(right.json(), title).toMatchObject({ is_correct: true, correct_answer });
    }
  });
});
