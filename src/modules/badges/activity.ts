// What every attempt (exercise or challenge) does for the learner, in its transaction: its points,
// the day's streak and the badges it earned. When some badge may be earned, the streak's UPDATE
// runs whatever the day and comes first: on PostgreSQL it takes the learner's row lock, so the
// badges are judged seeing every earlier attempt of theirs committed (a count reached by
// concurrent attempts is never missed), and concurrent attempts of one learner lock in one order
// (user row, then badges) and never deadlock. With no badge left to earn, only the first attempt
// of a day writes the streak, and attempts of one learner do not queue on their row.
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Tx } from '../../db/store.js';
import { dayIn, daysBetween, type LearnerCalendar } from '../gamification/calendar.js';
import { creditPoints, type PointCredit } from '../gamification/ledger.js';
import { recordActiveDay } from '../gamification/streak.js';
import { awardBadges, badgeCandidates, earnedBadges, type AwardedBadge, type BadgeCandidate } from './award.js';

/** What the activity step reads before the attempt takes any lock (kept out of the locked part). */
export interface ActivityContext {
  previousDay: string | null;
  candidates: BadgeCandidate[];
}

/** The learner's last active day (prepared: it runs on every attempt). */
export const lastActiveDayQuery = preparedQuery('activity_last_active_day', (db, { users }) =>
  db
    .select({ last_activity_date: users.last_activity_date })
    .from(users)
    .where(eq(users.id, sql.placeholder('user_id'))),
);

/** Run first in the attempt's transaction, before its locking writes. */
export async function readLearnerActivity(tx: Tx, userId: number): Promise<ActivityContext> {
  const [before] = await runPrepared(tx, lastActiveDayQuery, { user_id: userId });
  return { previousDay: before?.last_activity_date ?? null, candidates: await badgeCandidates(tx, userId) };
}

export async function afterLearnerActivity(
  tx: Tx,
  calendar: LearnerCalendar,
  userId: number,
  at: Date,
  { previousDay, candidates }: ActivityContext,
  points: PointCredit | null = null,
): Promise<AwardedBadge[]> {
  const today = dayIn(at, calendar.timeZone);
  const lockRow = candidates.length > 0;
  // the day already active and no badge to judge: nothing to write (one statement less per attempt)
  const streak = lockRow || previousDay !== today ? await recordActiveDay(tx, userId, today, { lockRow }) : undefined;
  if (points) await creditPoints(tx, points);
  if (candidates.length === 0) return [];
  const earned = await earnedBadges(tx, candidates, {
    userId,
    at,
    today,
    timeZone: calendar.timeZone,
    comebackGap: previousDay !== null && previousDay < today ? daysBetween(previousDay, today) : null,
    streakDays: streak?.current_streak ?? 0,
  });
  return awardBadges(tx, userId, earned, at);
}
