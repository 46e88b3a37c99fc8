// 200 attempts by one learner at once: each badge is awarded once, its points credited once, and
// total_points equals the sum of the ledger and of point_days, on both dialects and through PgBouncer.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { postChallenge } from '../challenges/helpers.js';
import { createExercise, type ExerciseJson } from '../exercises/fixtures.js';
import { badgeCode, pointsAndLedger, postBadge } from './helpers.js';

const ATTEMPTS = 200;

describeEachDialect(
  '200 concurrent attempts and badges',
  (dialect) => {
    let ctx: TestContext;
    let learner: TestUser;
    let gardien: TestUser;
    const exercises: ExerciseJson[] = [];
    const challengeIds: number[] = [];

    beforeAll(async () => {
      // one learner's attempts run one after another once they reach their row: 200 at once wait
      // longer for a pooled connection than the 5 s default allows on a busy test machine
      ctx = await buildTestApp(dialect, { PG_CONNECTION_TIMEOUT_MS: '60000' });
      learner = await createUser(ctx, 'padawan');
      gardien = await createUser(ctx, 'gardien');
      const maitre = await createUser(ctx, 'maitre');
      // several exercises (first correct answers earn points) and types, so attempts run in parallel
      for (const [i, type] of (['addition', 'multiplication', 'division', 'soustraction'] as const).entries()) {
        for (let n = 0; n < 5; n++) exercises.push(await createExercise(ctx, maitre, { exercise_type: type, correct_answer: String(10 * i + n) }));
      }
      for (let n = 0; n < 10; n++) challengeIds.push((await postChallenge(ctx, maitre)).id);
    });
    afterAll(() => ctx.close());

    it('award each badge once and keep the ledger equal to total_points', async () => {
      const badges = [
        await postBadge(ctx, gardien, badgeCode('c_first'), { attempts_count: 1 }, { points_reward: 5 }),
        await postBadge(ctx, gardien, badgeCode('c_fifty'), { attempts_count: 50 }, { points_reward: 50 }),
        await postBadge(ctx, gardien, badgeCode('c_all'), { attempts_count: ATTEMPTS - 10 }, { points_reward: 100 }),
        await postBadge(ctx, gardien, badgeCode('c_logic'), { logic_attempts_count: 3 }, { points_reward: 30 }),
        await postBadge(ctx, gardien, badgeCode('c_types'), { min_per_type: 2 }, { points_reward: 40 }),
        await postBadge(ctx, gardien, badgeCode('c_never'), { attempts_count: 10_000 }, { points_reward: 1000 }),
      ];

      const requests = Array.from({ length: ATTEMPTS }, (_, i) => {
        if (i % 20 === 7) {
          const challengeId = challengeIds[(i / 20) | 0];
          return ctx.app.inject({ method: 'POST', url: `/api/challenges/${challengeId}/attempts`, headers: learner.headers, payload: { user_solution: '10' } });
        }
        const exercise = exercises[i % exercises.length];
        const answer = i % 3 === 0 ? 'faux' : exercise.correct_answer;
        return ctx.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/attempts`, headers: learner.headers, payload: { user_answer: answer } });
      });
      const responses = await Promise.all(requests);
      expect(responses.filter((r) => r.statusCode !== 201).map((r) => `${r.statusCode} ${r.body}`)).toEqual([]);

      // each badge reported by exactly one attempt, except the one nobody reaches
      const reported = responses.flatMap((r) => (r.json().new_badges as { code: string }[]).map((b) => b.code));
      for (const badge of badges.slice(0, -1))
        expect(
          reported.filter((code) => code === badge.code),
          badge.code,
        ).toHaveLength(1);
      expect(reported).not.toContain(badges.at(-1)?.code);

      const { userAchievements, pointEvents } = ctx.database.tables;
      const held = await ctx.database.db.select().from(userAchievements).where(eq(userAchievements.user_id, learner.id));
      expect(held.map((row) => row.achievement_id).sort((a, b) => a - b)).toEqual(badges.slice(0, -1).map((b) => b.id));
      const [badgeCredits] = await ctx.database.db
        .select({ rows: sql<number>`count(*)`, sum: sql<number>`coalesce(sum(${pointEvents.points_delta}), 0)` })
        .from(pointEvents)
        .where(and(eq(pointEvents.user_id, learner.id), eq(pointEvents.source_type, 'badge_awarded')));
      expect(Number(badgeCredits.rows)).toBe(badges.length - 1);
      expect(Number(badgeCredits.sum)).toBe(badges.slice(0, -1).reduce((sum, b) => sum + b.points_reward, 0));

      // the learner's points per UTC day (one upsert per ledger row, 200 at once) sum to the ledger too
      const { total_points, ledger, days } = await pointsAndLedger(ctx, learner.id);
      expect(ledger).toBe(total_points);
      expect(days).toBe(total_points);
      // the rest: 10 points (initie) per exercise whose first recorded attempt was right
      const [exerciseCredits] = await ctx.database.db
        .select({ rows: sql<number>`count(*)`, sum: sql<number>`coalesce(sum(${pointEvents.points_delta}), 0)` })
        .from(pointEvents)
        .where(and(eq(pointEvents.user_id, learner.id), eq(pointEvents.source_type, 'exercise_completed')));
      expect(Number(exerciseCredits.sum)).toBe(10 * Number(exerciseCredits.rows));
      expect(Number(exerciseCredits.rows)).toBeGreaterThan(0);
      expect(total_points).toBe(Number(badgeCredits.sum) + Number(exerciseCredits.sum));
    });
  },
  { pooler: true },
);
