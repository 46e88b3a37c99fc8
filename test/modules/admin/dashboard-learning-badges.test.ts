// The dashboard's learning page on badges: badges earned per day beside the attempts (a day with
// badges and no attempt is listed; a badge older than the period is not), and the badges nobody
// can earn, the same list as GET /api/badges/unknown-requirements.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answerExercise, badgeCode, postBadge } from '../badges/helpers.js';
import { createExercise } from '../exercises/fixtures.js';

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describeEachDialect('dashboard learning page: badges', (dialect) => {
  let ctx: TestContext;
  let archiviste: TestUser;
  let gardien: TestUser;
  let learner: TestUser;
  let other: TestUser;
  let unknownId: number;
  let unknownCode: string;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    archiviste = await createUser(ctx, 'archiviste');
    gardien = await createUser(ctx, 'gardien');
    learner = await createUser(ctx, 'padawan');
    other = await createUser(ctx, 'padawan');
    const maitre = await createUser(ctx, 'maitre');

    // earned today through an attempt
    const first = await postBadge(ctx, gardien, badgeCode('first'), { attempts_count: 1 });
    const exercise = await createExercise(ctx, maitre);
    expect(await answerExercise(ctx, learner, exercise, true)).toEqual([first.code]);

    // an imported badge with a rule the service does not know, held 3 days ago and 40 days ago
    const { achievements, userAchievements } = ctx.database.tables;
    unknownCode = badgeCode('weird');
    await ctx.database.transaction(async (tx) => {
      const [row] = await tx
        .insert(achievements)
        .values({ code: unknownCode, name: 'Imported', requirements: { jedi_mind_tricks: 3 } })
        .returning({ id: achievements.id });
      unknownId = row.id;
      const old = await tx
        .insert(achievements)
        .values({ code: badgeCode('old'), name: 'Old', requirements: { attempts_count: 500 } })
        .returning({ id: achievements.id });
      await tx.insert(userAchievements).values([
        { user_id: other.id, achievement_id: unknownId, earned_at: new Date(Date.now() - 3 * DAY) },
        { user_id: other.id, achievement_id: old[0].id, earned_at: new Date(Date.now() - 40 * DAY) },
      ]);
    });
  });
  afterAll(() => ctx.close());

  it('lists badges earned per day beside attempts, and the badges nobody can earn', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/dashboard/learning', headers: archiviste.headers });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.per_day).toEqual([
      { day: utcDay(Date.now() - 3 * DAY), attempts: 0, correct: 0, learners: 0, badges: 1 },
      { day: utcDay(Date.now()), attempts: 1, correct: 1, learners: 1, badges: 1 },
    ]);

    const unknown = page.unknown_requirement_badges as { id: number; code: string; requirements: unknown }[];
    expect(unknown.map((b) => b.code)).toEqual([unknownCode]);
    expect(unknown[0].requirements).toEqual({ jedi_mind_tricks: 3 });
    const route = await ctx.app.inject({ method: 'GET', url: '/api/badges/unknown-requirements', headers: gardien.headers });
    expect(route.statusCode).toBe(200);
    expect(route.json().items).toEqual(unknown);
  });
});
