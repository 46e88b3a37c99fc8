// Attempts: the answer is checked here, never trusted from the client, and the attempt, the
// progress row and the user's points are written in one transaction with SQL expressions, so
// concurrent attempts never lose an update on either dialect.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import type { Difficulty, ExerciseType } from '../../db/enums.js';
import { learnerCatalogueChangedQuery } from '../../db/catalogue-versions.js';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Store, type Tx } from '../../db/store.js';
import { notFound } from '../../errors.js';
import type { Page } from '../../http/schemas.js';
import type { Actor } from '../auth/actor.js';
import { assertCanSeeUser, canSeeUser } from '../auth/access.js';
import { isCorrectAnswer } from '../../domain/answers/exercise-answers.js';
import { exerciseForAttempt } from '../exercises/service.js';
import { afterLearnerActivity, readLearnerActivity } from '../badges/activity.js';
import type { LearnerCalendar } from '../gamification/calendar.js';
import { POINT_SOURCES } from '../gamification/ledger.js';
import type { ProgressRow } from '../progress/schemas.js';
import { completeRecommendations } from '../recommendations/service.js';
import type { AttemptResult, AttemptRow, ListAttemptsQuery, SubmitAttemptInput } from './schemas.js';

/** Points (total_points and experience_points) for the first correct answer to an exercise, by difficulty. */
export const POINTS_BY_DIFFICULTY: Record<Difficulty, number> = { initie: 10, padawan: 20, chevalier: 30, maitre: 50, grand_maitre: 75 };

// kept importable from here (the bench builds the attempt's statements from this module)
export { awardPointsQuery } from '../gamification/ledger.js';
export { EXPERIENCE_PER_LEVEL, JEDI_RANKS } from '../../domain/levels/ranks.js';

/** Mastery level from the completion rate, highest threshold first (percentages). */
export const MASTERY_THRESHOLDS: readonly { level: number; minRate: number }[] = [
  { level: 5, minRate: 95 },
  { level: 4, minRate: 85 },
  { level: 3, minRate: 70 },
  { level: 2, minRate: 50 },
];

interface AttemptOutcome {
  userId: number;
  exerciseType: ExerciseType;
  difficulty: Difficulty;
  isCorrect: boolean;
  timeSpent: number | null;
  at: Date;
}

/**
 * `CASE` giving the mastery level for `correct` out of `total` attempts. Compared as integers
 * (100 × correct ≥ rate × total) so a rate of exactly 95 % is 95, not 94.99999.
 */
function masteryLevelSql(correct: SQL, total: SQL): SQL {
  const branches = MASTERY_THRESHOLDS.map(
    ({ level, minRate }) => sql`when 100 * (${correct}) >= ${sql.raw(String(minRate))} * (${total}) then ${sql.raw(String(level))}`,
  );
  return sql`(case ${sql.join(branches, sql` `)} else 1 end)`;
}

function masteryLevelOf(correct: number, total: number): number {
  return MASTERY_THRESHOLDS.find(({ minRate }) => 100 * correct >= minRate * total)?.level ?? 1;
}

const placeholder = (name: string) => sql.placeholder(name);

/**
 * Inserts or updates the (user, type, difficulty) progress row in one statement. In ON CONFLICT
 * DO UPDATE, `progress.<column>` is the existing row on both dialects, and every expression of the
 * SET reads the row as it was before this update: the counters move atomically, and on PostgreSQL
 * the conflicting row stays locked until the transaction ends.
 *
 * Placeholders: user_id, exercise_type, difficulty, at; `correct` and `timed` are 0 or 1,
 * time_spent the seconds or null, first_rate and first_mastery the new row's rate and level.
 */
export const recordProgressQuery = preparedQuery('attempt_record_progress', (tx, { progress }) => {
  const correct = placeholder('correct');
  const timed = placeholder('timed');
  const newTotal = sql`${progress.total_attempts} + 1`;
  const newCorrect = sql`${progress.correct_attempts} + ${correct}`;
  return tx
    .insert(progress)
    .values({
      user_id: placeholder('user_id'),
      exercise_type: placeholder('exercise_type'),
      difficulty: placeholder('difficulty'),
      total_attempts: 1,
      correct_attempts: correct,
      completion_rate: placeholder('first_rate'),
      mastery_level: placeholder('first_mastery'),
      streak: correct,
      highest_streak: correct,
      timed_attempts: timed,
      average_time: placeholder('time_spent'),
      last_active_date: placeholder('at'),
      last_updated: placeholder('at'),
    })
    .onConflictDoUpdate({
      target: [progress.user_id, progress.exercise_type, progress.difficulty],
      set: {
        total_attempts: newTotal,
        correct_attempts: newCorrect,
        completion_rate: sql`100.0 * (${newCorrect}) / (${newTotal})`,
        mastery_level: masteryLevelSql(newCorrect, newTotal),
        streak: sql`case when ${correct} = 1 then ${progress.streak} + 1 else 0 end`,
        highest_streak: sql`case when ${correct} = 1 and ${progress.streak} + 1 > ${progress.highest_streak} then ${progress.streak} + 1 else ${progress.highest_streak} end`,
        // a running mean over the attempts that reported a time; untimed attempts leave it alone
        timed_attempts: sql`${progress.timed_attempts} + ${timed}`,
        average_time: sql`case when ${timed} = 1 then (coalesce(${progress.average_time}, 0) * ${progress.timed_attempts} + ${placeholder('time_spent')}) / (${progress.timed_attempts} + 1) else ${progress.average_time} end`,
        // the inserted values (`excluded`): the same time, converted by the column once
        last_active_date: sql`excluded.${sql.identifier(progress.last_active_date.name)}`,
        last_updated: sql`excluded.${sql.identifier(progress.last_updated.name)}`,
      },
    })
    .returning();
});

async function recordProgress(tx: Tx, outcome: AttemptOutcome): Promise<ProgressRow> {
  const correct = outcome.isCorrect ? 1 : 0;
  const [row] = await runPrepared(tx, recordProgressQuery, {
    user_id: outcome.userId,
    exercise_type: outcome.exerciseType,
    difficulty: outcome.difficulty,
    correct,
    timed: outcome.timeSpent === null ? 0 : 1,
    time_spent: outcome.timeSpent,
    first_rate: 100 * correct,
    first_mastery: masteryLevelOf(correct, 1),
    at: outcome.at,
  });
  return row;
}

/** Whether the user attempted this exercise before: every attempt's answer shows the correct answer. */
export const answerShownQuery = preparedQuery('attempt_answer_shown', (tx, { attempts }) =>
  tx
    .select({ id: attempts.id })
    .from(attempts)
    .where(and(eq(attempts.user_id, placeholder('user_id')), eq(attempts.exercise_id, placeholder('exercise_id'))))
    .limit(1),
);

/** The attempt, numbered after the user's earlier attempts at the exercise. */
export const insertAttemptQuery = preparedQuery('attempt_insert', (tx, { attempts }) =>
  tx
    .insert(attempts)
    .values({
      user_id: placeholder('user_id'),
      exercise_id: placeholder('exercise_id'),
      user_answer: placeholder('user_answer'),
      is_correct: placeholder('is_correct'),
      time_spent: placeholder('time_spent'),
      hints_used: placeholder('hints_used'),
      device_info: placeholder('device_info'),
      attempt_number: sql`(select count(*) + 1 from ${attempts} where ${attempts.user_id} = ${placeholder('user_id')} and ${attempts.exercise_id} = ${placeholder('exercise_id')})`,
      created_at: placeholder('at'),
    })
    .returning(),
);

export async function submitAttempt(
  store: Store,
  calendar: LearnerCalendar,
  actor: Actor,
  exerciseId: number,
  input: SubmitAttemptInput,
): Promise<AttemptResult> {
  return store.transaction(async (tx) => {
    const exercise = await exerciseForAttempt(tx, actor, exerciseId);
    const isCorrect = isCorrectAnswer(exercise.exercise_type, exercise.correct_answer, input.user_answer);
    const at = calendar.clock.now();
    const timeSpent = input.time_spent ?? null;
    const which = { user_id: actor.id, exercise_id: exercise.id };
    const activity = await readLearnerActivity(tx, actor.id);

    // Progress first: on PostgreSQL its row lock queues this user's concurrent attempts in this
    // type and difficulty, so the attempt_number count below already sees the earlier ones.
    const progressRow = await recordProgress(tx, {
      userId: actor.id,
      exerciseType: exercise.exercise_type,
      difficulty: exercise.difficulty,
      isCorrect,
      timeSpent,
      at,
    });
    // Points reward solving an exercise without having seen its answer: only a correct FIRST
    // attempt earns them (any attempt's reply shows correct_answer, so a later one would be free
    // points). This read comes after the progress upsert, whose row lock has queued this user's
    // concurrent attempts.
    const answerShown = isCorrect && (await runPrepared(tx, answerShownQuery, which)).length > 0;
    const points = isCorrect && !answerShown ? POINTS_BY_DIFFICULTY[exercise.difficulty] : 0;
    const [attempt] = await runPrepared(tx, insertAttemptQuery, {
      ...which,
      user_answer: input.user_answer,
      is_correct: isCorrect,
      time_spent: timeSpent,
      hints_used: input.hints_used ?? 0,
      device_info: input.device_info ?? null,
      at,
    });
    // a recommendation of this exercise is done once attempted (the original's is_completed)
    await completeRecommendations(tx, actor.id, exercise.id, at);
    // the first attempt reveals the answer in the learner's catalogue: their catalogue ETags change
    if (attempt.attempt_number === 1) await runPrepared(tx, learnerCatalogueChangedQuery, { user_id: actor.id });

    const credit = points > 0 ? { userId: actor.id, points, source: POINT_SOURCES.exercise, sourceId: exercise.id, at } : null;
    const newBadges = await afterLearnerActivity(tx, calendar, actor.id, at, activity, credit);

    return {
      attempt,
      is_correct: isCorrect,
      correct_answer: exercise.correct_answer,
      explanation: exercise.explanation,
      progress: progressRow,
      points_earned: points,
      new_badges: newBadges,
    };
  });
}

/** The caller's attempts, or (gardien and above) another user's; newest first. */
export async function listAttempts(store: Store, actor: Actor, query: ListAttemptsQuery): Promise<Page<AttemptRow>> {
  const userId = query.user_id ?? actor.id;
  assertCanSeeUser(actor, userId);
  const { attempts } = store.tables;
  const conditions: SQL[] = [eq(attempts.user_id, userId)];
  if (query.exercise_id !== undefined) conditions.push(eq(attempts.exercise_id, query.exercise_id));
  if (query.is_correct !== undefined) conditions.push(eq(attempts.is_correct, query.is_correct));
  const where = and(...conditions);
  const [items, [{ total }]] = await Promise.all([
    store.db.select().from(attempts).where(where).orderBy(desc(attempts.created_at), desc(attempts.id)).limit(query.limit).offset(query.offset),
    store.db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(attempts)
      .where(where),
  ]);
  return { items, total, limit: query.limit, offset: query.offset };
}

/** One attempt: its author's, or any for gardien and above; 404 otherwise. */
export async function getAttempt(store: Store, actor: Actor, id: number): Promise<AttemptRow> {
  const { attempts } = store.tables;
  const [row] = await store.db.select().from(attempts).where(eq(attempts.id, id));
  if (!row || !canSeeUser(actor, row.user_id)) throw notFound('Attempt');
  return row;
}
