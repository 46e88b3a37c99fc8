// The points ledger: every point a learner gets is a point_events row written in the transaction
// that adds it to users.total_points, so total_points always equals the sum of the ledger; the same
// transaction adds the points to the learner's UTC day in point_days (what the rolling leaderboards
// read), so point_days always sums to the ledger per learner and day.
import { eq, sql } from 'drizzle-orm';
import { increment } from '../../db/operators.js';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Tx } from '../../db/store.js';
import { EXPERIENCE_PER_LEVEL, JEDI_RANKS } from '../../domain/levels/ranks.js';

/** point_events.source_type: the original's stable values, and `import` for an import's opening balance. */
export const POINT_SOURCES = {
  exercise: 'exercise_completed',
  challenge: 'logic_challenge_completed',
  badge: 'badge_awarded',
  dailyChallenge: 'daily_challenge_completed',
  import: 'import',
} as const;
export type PointSource = (typeof POINT_SOURCES)[keyof typeof POINT_SOURCES];

const placeholder = (name: string) => sql.placeholder(name);

/**
 * Adds `points` to points and experience; level and rank are recomputed from the new experience in
 * the same UPDATE, which returns the new balance (the ledger row's balance_after).
 */
export const awardPointsQuery = preparedQuery('attempt_award_points', (tx, { users }) => {
  // cast: better-sqlite3 binds every JS number as a REAL, and `experience / 100` must divide integers
  const points = sql`cast(${placeholder('points')} as integer)`;
  const experience = sql`(${users.experience_points} + ${points})`;
  const rankBranches = JEDI_RANKS.filter(({ minExperience }) => minExperience > 0).map(
    ({ rank, minExperience }) => sql`when ${experience} >= ${sql.raw(String(minExperience))} then ${rank}`,
  );
  return tx
    .update(users)
    .set({
      total_points: increment(users.total_points, points),
      experience_points: increment(users.experience_points, points),
      current_level: sql`${experience} / ${sql.raw(String(EXPERIENCE_PER_LEVEL))} + 1`,
      jedi_rank: sql`case ${sql.join(rankBranches, sql` `)} else ${JEDI_RANKS.at(-1)?.rank ?? 'youngling'} end`,
    })
    .where(eq(users.id, placeholder('user_id')))
    .returning({ total_points: users.total_points });
});

export const insertPointEventQuery = preparedQuery('ledger_insert', (tx, { pointEvents }) =>
  tx.insert(pointEvents).values({
    user_id: placeholder('user_id'),
    source_type: placeholder('source_type'),
    source_id: placeholder('source_id'),
    points_delta: placeholder('points'),
    balance_after: placeholder('balance_after'),
    details: placeholder('details'),
    created_at: placeholder('at'),
  }),
);

/** A day of point_days: whole days since 1970-01-01 UTC (the SQL of the import and migration computes the same). */
export const DAY_MS = 86_400_000;
export const utcDay = (at: Date): number => Math.floor(at.getTime() / DAY_MS);

/** Adds the ledger row's points to its learner's UTC day (both dialects: ON CONFLICT … DO UPDATE). */
export const addPointDayQuery = preparedQuery('ledger_add_day', (tx, { pointDays }) =>
  tx
    .insert(pointDays)
    .values({ user_id: placeholder('user_id'), day: placeholder('day'), points: placeholder('points') })
    .onConflictDoUpdate({ target: [pointDays.user_id, pointDays.day], set: { points: sql`${pointDays.points} + excluded.points` } }),
);

export interface PointCredit {
  userId: number;
  points: number;
  source: PointSource;
  /** what earned them: the exercise, challenge or achievement id */
  sourceId: number | null;
  details?: Record<string, unknown> | null;
  at: Date;
}

/** Credits positive `points` to the learner and writes its ledger row, in the caller's transaction; returns the new balance. */
export async function creditPoints(tx: Tx, credit: PointCredit): Promise<number> {
  const [row] = await runPrepared(tx, awardPointsQuery, { user_id: credit.userId, points: credit.points });
  await runPrepared(tx, insertPointEventQuery, {
    user_id: credit.userId,
    source_type: credit.source,
    source_id: credit.sourceId,
    points: credit.points,
    balance_after: row.total_points,
    details: credit.details ?? null,
    at: credit.at,
  });
  await runPrepared(tx, addPointDayQuery, { user_id: credit.userId, day: utcDay(credit.at), points: credit.points });
  return row.total_points;
}
