// What every attempt (exercise or challenge) does for the learner, in its transaction: marks the
// day active (streak) and awards the badges it earned.
import type { Tx } from '../../db/store.js';
import { dayIn, daysBetween, type LearnerCalendar } from '../gamification/calendar.js';
import { recordActiveDay } from '../gamification/streak.js';
import { awardEarnedBadges, type AwardedBadge } from './award.js';

export async function afterLearnerActivity(tx: Tx, calendar: LearnerCalendar, userId: number, at: Date): Promise<AwardedBadge[]> {
  const today = dayIn(at, calendar.timeZone);
  const { previousDay } = await recordActiveDay(tx, userId, today);
  const comebackGap = previousDay !== null && previousDay < today ? daysBetween(previousDay, today) : null;
  return awardEarnedBadges(tx, { userId, at, today, timeZone: calendar.timeZone, comebackGap });
}
