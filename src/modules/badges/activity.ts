// What every attempt (exercise or challenge) does for the learner, in its transaction: its points,
// the day's streak and the badges it earned. The streak's UPDATE comes first: on PostgreSQL it
// takes the learner's row lock, so the badges are judged seeing every earlier attempt of theirs
// committed (a count reached by concurrent attempts is never missed), and concurrent attempts of
// one learner always lock in one order (user row, then badges) and never deadlock.
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Tx } from '../../db/store.js';
import { dayIn, daysBetween, type LearnerCalendar } from '../gamification/calendar.js';
import { creditPoints, type PointCredit } from '../gamification/ledger.js';
import { recordActiveDay } from '../gamification/streak.js';
import { awardBadges, earnedBadges, type AwardedBadge } from './award.js';

/** Prepared: it runs on every attempt. */
export const lastActiveDayQuery = preparedQuery('activity_last_active_day', (db, { users }) =>
  db
    .select({ last_activity_date: users.last_activity_date })
    .from(users)
    .where(eq(users.id, sql.placeholder('user_id'))),
);

export async function afterLearnerActivity(
  tx: Tx,
  calendar: LearnerCalendar,
  userId: number,
  at: Date,
  points: PointCredit | null = null,
): Promise<AwardedBadge[]> {
  const today = dayIn(at, calendar.timeZone);
  const [before] = await runPrepared(tx, lastActiveDayQuery, { user_id: userId });
  const previousDay = before?.last_activity_date ?? null;
  const streak = await recordActiveDay(tx, userId, today);
  if (points) await creditPoints(tx, points);
  const earned = await earnedBadges(tx, {
    userId,
    at,
    today,
    timeZone: calendar.timeZone,
    comebackGap: previousDay !== null && previousDay < today ? daysBetween(previousDay, today) : null,
    streakDays: streak?.current_streak ?? 0,
  });
  return awardBadges(tx, userId, earned, at);
}
