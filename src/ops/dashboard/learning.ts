// The Learning activity page: attempts per day, active learners, success rate by exercise type
// and difficulty, so admins see the product and not only the database.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';

export interface LearningPage {
  days: number;
  per_day: { day: string; attempts: number; correct: number; learners: number }[];
  active_learners: { last_day: number; last_week: number; period: number };
  by_type: { exercise_type: string; difficulty: string; attempts: number; correct: number; success_rate: number }[];
}

export async function learningPage(database: Database, days = 30): Promise<LearningPage> {
  const pg = database.dialect === 'postgres';
  const since = (ms: number) => (pg ? new Date(Date.now() - ms).toISOString() : Date.now() - ms);
  const day: SQL = pg ? sql`to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD')` : sql`date(a.created_at / 1000, 'unixepoch')`;
  const start = since(days * 86_400_000);
  const perDay = await database.query<{ day: string; attempts: number; correct: number; learners: number }>(sql`
    select ${day} as day, count(*) as attempts, sum(case when a.is_correct then 1 else 0 end) as correct,
           count(distinct a.user_id) as learners
    from attempts a where a.created_at >= ${start}
    group by 1 order by 1`);
  const learners = async (ms: number) =>
    Number((await database.query<{ n: number }>(sql`select count(distinct user_id) as n from attempts where created_at >= ${since(ms)}`))[0].n);
  const byType = await database.query<{ exercise_type: string; difficulty: string; attempts: number; correct: number }>(sql`
    select e.exercise_type, e.difficulty, count(*) as attempts, sum(case when a.is_correct then 1 else 0 end) as correct
    from attempts a join exercises e on e.id = a.exercise_id
    where a.created_at >= ${start}
    group by 1, 2 order by 1, 2`);
  return {
    days,
    per_day: perDay.map((r) => ({ day: r.day, attempts: Number(r.attempts), correct: Number(r.correct), learners: Number(r.learners) })),
    active_learners: { last_day: await learners(86_400_000), last_week: await learners(7 * 86_400_000), period: await learners(days * 86_400_000) },
    by_type: byType.map((r) => ({
      exercise_type: r.exercise_type,
      difficulty: r.difficulty,
      attempts: Number(r.attempts),
      correct: Number(r.correct),
      success_rate: Number(r.attempts) > 0 ? Number(r.correct) / Number(r.attempts) : 0,
    })),
  };
}
