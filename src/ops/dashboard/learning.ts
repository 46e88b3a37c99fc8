// The Learning activity page: attempts and badges earned per day, active learners, success rate by
// exercise type and difficulty, and the badges nobody can earn (requirements using no known rule),
// so admins see the product and not only the database.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { storeOf } from '../../db/store.js';
import { unknownRequirementBadges } from '../../domain/badges/unknown-requirements.js';
import { DIFFICULTIES, EXERCISE_TYPES, type Difficulty, type ExerciseType } from '../../db/enums.js';

export const learningPageSchema = z.object({
  days: z.number().int().describe('the period, in days back from now'),
  per_day: z.array(
    z.object({
      day: z.string().describe('UTC date, YYYY-MM-DD; days with neither attempts nor badges earned are absent'),
      attempts: z.number().int(),
      correct: z.number().int(),
      learners: z.number().int().describe('distinct users who attempted an exercise that day'),
      badges: z.number().int().describe('badges earned that day'),
    }),
  ),
  active_learners: z.object({
    last_day: z.number().int().describe('distinct users with an attempt in the last 24 hours'),
    last_week: z.number().int(),
    period: z.number().int(),
  }),
  by_type: z
    .array(
      z.object({
        exercise_type: z.enum(EXERCISE_TYPES),
        difficulty: z.enum(DIFFICULTIES),
        attempts: z.number().int(),
        correct: z.number().int(),
        success_rate: z.number().min(0).max(1).describe('correct / attempts, 0–1'),
      }),
    )
    .describe('in exercise type order, then difficulty rank'),
  unknown_requirement_badges: z
    .array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), is_active: z.boolean(), requirements: z.unknown() }))
    .describe('badges that can never be earned: their requirements use no known rule (fix them with PATCH /api/badges/{id})'),
});
export type LearningPage = z.infer<typeof learningPageSchema>;

export async function learningPage(database: Database, days = 30): Promise<LearningPage> {
  const pg = database.dialect === 'postgres';
  const since = (ms: number) => (pg ? new Date(Date.now() - ms).toISOString() : Date.now() - ms);
  const dayOf = (column: SQL): SQL => (pg ? sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')` : sql`date(${column} / 1000, 'unixepoch')`);
  const start = since(days * 86_400_000);
  const perDay = await database.query<{ day: string; attempts: number; correct: number; learners: number }>(sql`
    select ${dayOf(sql`a.created_at`)} as day, count(*) as attempts, sum(case when a.is_correct then 1 else 0 end) as correct,
           count(distinct a.user_id) as learners
    from attempts a where a.created_at >= ${start}
    group by 1 order by 1`);
  // (idx_user_achievements_earned_at)
  const badgesPerDay = await database.query<{ day: string; badges: number }>(sql`
    select ${dayOf(sql`ua.earned_at`)} as day, count(*) as badges
    from user_achievements ua where ua.earned_at >= ${start}
    group by 1`);
  const byDay = new Map<string, LearningPage['per_day'][number]>();
  for (const r of perDay) byDay.set(r.day, { day: r.day, attempts: Number(r.attempts), correct: Number(r.correct), learners: Number(r.learners), badges: 0 });
  for (const r of badgesPerDay) {
    const entry = byDay.get(r.day) ?? { day: r.day, attempts: 0, correct: 0, learners: 0, badges: 0 };
    entry.badges = Number(r.badges);
    byDay.set(r.day, entry);
  }
  const learners = async (ms: number) =>
    Number((await database.query<{ n: number }>(sql`select count(distinct user_id) as n from attempts where created_at >= ${since(ms)}`))[0].n);
  const byType = await database.query<{ exercise_type: ExerciseType; difficulty: Difficulty; attempts: number; correct: number }>(sql`
    select e.exercise_type, e.difficulty, count(*) as attempts, sum(case when a.is_correct then 1 else 0 end) as correct
    from attempts a join exercises e on e.id = a.exercise_id
    where a.created_at >= ${start}
    group by 1, 2`);
  const rank = (r: { exercise_type: ExerciseType; difficulty: Difficulty }) =>
    EXERCISE_TYPES.indexOf(r.exercise_type) * DIFFICULTIES.length + DIFFICULTIES.indexOf(r.difficulty);
  return {
    days,
    per_day: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    active_learners: { last_day: await learners(86_400_000), last_week: await learners(7 * 86_400_000), period: await learners(days * 86_400_000) },
    by_type: byType
      .sort((a, b) => rank(a) - rank(b))
      .map((r) => ({
        exercise_type: r.exercise_type,
        difficulty: r.difficulty,
        attempts: Number(r.attempts),
        correct: Number(r.correct),
        success_rate: Number(r.attempts) > 0 ? Number(r.correct) / Number(r.attempts) : 0,
      })),
    unknown_requirement_badges: await unknownRequirementBadges(storeOf(database)),
  };
}
