// The demo exercises of the seed: every type and difficulty at least twice, the same on every
// call, and each correct_answer accepted by the attempt check.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../../src/db/enums.js';
import { demoExercises } from '../../../src/ops/seed/exercises.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser } from '../../helpers/users.js';
import { answer } from '../../modules/exercises/fixtures.js';

describeEachDialect('demo exercises', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
  });
  afterAll(() => ctx?.close());

  it('cover every type and difficulty at least twice, identically each time, and each is answerable', async () => {
    const demos = demoExercises();
    expect(demoExercises()).toEqual(demos);
    expect(new Set(demos.map((d) => d.title)).size).toBe(demos.length);
    for (const type of EXERCISE_TYPES) {
      for (const difficulty of DIFFICULTIES) {
        const kind = demos.filter((d) => d.exercise_type === type && d.difficulty === difficulty);
        expect(kind.length, `${type}/${difficulty}`).toBeGreaterThanOrEqual(2);
        expect(new Set(kind.map((d) => d.question)).size).toBe(kind.length);
      }
    }

    const { exercises } = ctx.database.tables;
    const rows = await ctx.database.transaction((tx) => tx.insert(exercises).values(demos).returning());
    const learner = await createUser(ctx, 'padawan');
    for (const [index, row] of rows.entries()) {
      const result = await answer(ctx, learner, row.id, { user_answer: demos[index].correct_answer });
      expect(result.is_correct, row.title).toBe(true);
    }
  });
});
