// Daily streaks: the attempt that makes a day active starts or extends the learner's streak
// (current, best, last active day, in APP_TIMEZONE); later attempts that day change nothing.
// streakAfter() is the rule in TypeScript (tests, and the import's check); the UPDATE is its SQL.
import { and, eq, sql } from 'drizzle-orm';
import { preparedVariants } from '../../db/prepared.js';
import { runPrepared, type Tx } from '../../db/store.js';
import { dayBefore, daysBetween } from './calendar.js';

export interface StreakState {
  current_streak: number;
  best_streak: number;
  last_activity_date: string | null;
}

/** The streak after activity on `today`: unchanged when `today` was already active (or is before the last active day). */
export function streakAfter(state: StreakState, today: string): StreakState {
  if (state.last_activity_date !== null && daysBetween(state.last_activity_date, today) <= 0) return state;
  const extends_ = state.last_activity_date !== null && daysBetween(state.last_activity_date, today) === 1;
  const current = extends_ ? state.current_streak + 1 : 1;
  return { current_streak: current, best_streak: Math.max(state.best_streak, current), last_activity_date: today };
}

/**
 * Marks `today` active for the learner. The UPDATE computes the streak from the row as it is when
 * it runs, so two first attempts of a day running concurrently extend it once. The `lock_row`
 * variant runs even when the day is already active (changing nothing) for the user's row lock
 * (badges/activity.ts); `new_day` writes only on the day's first attempt. Prepared (placeholders
 * user_id, today, yesterday, now): it runs on every attempt.
 */
export const recordActiveDayQuery = preparedVariants('streak_record_active_day', (db, { users }, variant: 'lock_row' | 'new_day') => {
  const today = sql.placeholder('today');
  const last = users.last_activity_date;
  const isNewDay = sql`(${last} is null or ${last} < ${today})`;
  const next = sql`(case when not ${isNewDay} then ${users.current_streak} when ${last} = ${sql.placeholder('yesterday')} then ${users.current_streak} + 1 else 1 end)`;
  const user = eq(users.id, sql.placeholder('user_id'));
  return db
    .update(users)
    .set({
      current_streak: next,
      best_streak: sql`(case when ${next} > ${users.best_streak} then ${next} else ${users.best_streak} end)`,
      last_activity_date: sql`(case when ${isNewDay} then ${today} else ${last} end)`,
      // as the column's $onUpdate would, but bound per call (prepared, it would keep the time it was
      // built at); drizzle converts a placeholder with the column's mapping, as for insert values
      updated_at: sql.placeholder('now') as unknown as Date,
    })
    .where(variant === 'lock_row' ? user : and(user, isNewDay))
    .returning({ current_streak: users.current_streak, best_streak: users.best_streak, last_activity_date: users.last_activity_date });
});

export async function recordActiveDay(tx: Tx, userId: number, today: string, options: { lockRow: boolean }): Promise<StreakState | undefined> {
  const values = { user_id: userId, today, yesterday: dayBefore(today), now: new Date() };
  const [after] = await runPrepared(tx, recordActiveDayQuery, options.lockRow ? 'lock_row' : 'new_day', values);
  return after;
}
