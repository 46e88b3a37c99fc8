// Progress reports: the progress rows (written by attempts, see ../attempts/service.ts) of one
// user, with a summary over them.
import { and, eq, sql } from 'drizzle-orm';
import { DIFFICULTIES, EXERCISE_TYPES, type ExerciseType } from '../../db/enums.js';
import { preparedVariants } from '../../db/prepared.js';
import { runPrepared, type Store } from '../../db/store.js';
import { notFound } from '../../errors.js';
import { percentage } from '../../percentage.js';
import type { Actor } from '../auth/actor.js';
import { assertCanSeeUser } from '../auth/access.js';
import type { ProgressReport, ProgressRow } from './schemas.js';

/** Types in the catalogue's order, then difficulties from initié to maître. */
function byTypeAndDifficulty(a: ProgressRow, b: ProgressRow): number {
  return (
    EXERCISE_TYPES.indexOf(a.exercise_type) - EXERCISE_TYPES.indexOf(b.exercise_type) || DIFFICULTIES.indexOf(a.difficulty) - DIFFICULTIES.indexOf(b.difficulty)
  );
}

function summarize(rows: ProgressRow[]): ProgressReport['summary'] {
  const total = rows.reduce((sum, row) => sum + row.total_attempts, 0);
  const correct = rows.reduce((sum, row) => sum + row.correct_attempts, 0);
  const timed = rows.reduce((sum, row) => sum + row.timed_attempts, 0);
  // each row's mean weighted by its number of timed attempts = the mean over all timed attempts
  const timeSum = rows.reduce((sum, row) => sum + (row.average_time ?? 0) * row.timed_attempts, 0);
  const lastActive = rows.reduce<Date | null>((latest, row) => {
    const date = row.last_active_date;
    return date && (!latest || date > latest) ? date : latest;
  }, null);
  return {
    total_attempts: total,
    correct_attempts: correct,
    completion_rate: percentage(correct, total),
    average_time: timed === 0 ? null : timeSum / timed,
    highest_streak: rows.reduce((max, row) => Math.max(max, row.highest_streak), 0),
    last_active_date: lastActive,
  };
}

/** A user's progress rows, of one exercise type when `exercise_type` is given. */
export const progressQuery = preparedVariants('progress_of_user', (db, { progress }, scope: 'all' | 'type') => {
  const ofUser = eq(progress.user_id, sql.placeholder('user_id'));
  return db
    .select()
    .from(progress)
    .where(scope === 'type' ? and(ofUser, eq(progress.exercise_type, sql.placeholder('exercise_type'))) : ofUser);
});

async function reportFor(store: Store, userId: number, exerciseType?: ExerciseType): Promise<ProgressReport> {
  const rows = await runPrepared(store, progressQuery, exerciseType ? 'type' : 'all', { user_id: userId, exercise_type: exerciseType });
  rows.sort(byTypeAndDifficulty);
  return { user_id: userId, items: rows, summary: summarize(rows) };
}

/** The caller's own progress, optionally for one exercise type. */
export function myProgress(store: Store, actor: Actor, exerciseType?: ExerciseType): Promise<ProgressReport> {
  return reportFor(store, actor.id, exerciseType);
}

/** Self or gardien and above; anyone else, or a user that does not exist, is 404. */
export async function userProgress(store: Store, actor: Actor, userId: number): Promise<ProgressReport> {
  assertCanSeeUser(actor, userId);
  const { users } = store.tables;
  const [user] = await store.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User');
  return reportFor(store, userId);
}
