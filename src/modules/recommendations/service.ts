// Recommended next exercises, computed from the learner's attempts each time they are asked for, so
// the same state always gives the same list (ties broken by id). Each served recommendation is a
// row of `recommendations` (the original's table): serving it counts a showing, the learner's
// click counts a click, and their next attempt at the exercise completes it (attempts service).
// Only exercises the learner can see: in service, and public or their own generated ones.
import { and, asc, desc, eq, inArray, notExists, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import { DIFFICULTIES, EXERCISE_TYPES, type Difficulty, type ExerciseType } from '../../db/enums.js';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Store, type Tx } from '../../db/store.js';
import { notFound } from '../../errors.js';
import { percentage } from '../../percentage.js';
import type { Actor } from '../auth/actor.js';
import { inServiceConditions } from '../content/lifecycle.js';
import { REASON_CODES, type ReasonCode, type RecommendationClick, type RecommendationView } from './schemas.js';

/** A type and difficulty counts once the learner has this many attempts at it. */
const MIN_ATTEMPTS = 3;
/** Below this success rate (%), a type and difficulty needs work. */
const WEAK_BELOW = 70;
/** From this success rate (%), the learner is ready for the next difficulty. */
const MASTERED_FROM = 80;
/** At most this many of each reason before the rest is filled with exercises not yet attempted. */
const CAPS: Record<'review' | 'improvement' | 'progression', number> = { review: 2, improvement: 2, progression: 2 };
const PRIORITY: Record<keyof typeof REASON_CODES, number> = { review: 9, improvement: 8, progression: 7, discovery: 5 };

interface Pick {
  exercise: { id: number; title: string; exercise_type: ExerciseType; difficulty: Difficulty };
  reason: keyof typeof REASON_CODES;
  params: Record<string, string | number>;
}

interface PairStats {
  exercise_type: ExerciseType;
  difficulty: Difficulty;
  attempts: number;
  rate: number;
}

const difficultyRank = (d: Difficulty) => DIFFICULTIES.indexOf(d);
const typeRank = (t: ExerciseType) => EXERCISE_TYPES.indexOf(t);

/** In service, and public or the learner's own (the rule of src/modules/exercises/service.ts). */
const visibleTo = (exercises: Tables['exercises'], userId: number): SQL[] => [
  ...inServiceConditions(exercises),
  or(eq(exercises.is_private, false), eq(exercises.creator_id, userId)) as SQL,
];

/** SQL: the exercise's difficulty as its rank (initie first). */
const difficultyOrder = (exercises: Tables['exercises']) =>
  sql`case ${exercises.difficulty} ${sql.join(
    DIFFICULTIES.map((d, i) => sql`when ${d} then ${i}`),
    sql` `,
  )} else ${DIFFICULTIES.length} end`;

/** The learner's success rate per type and difficulty (every attempt they made). */
async function pairStats(tx: Tx, userId: number): Promise<PairStats[]> {
  const { attempts, exercises } = tx.tables;
  const rows = await tx.db
    .select({
      exercise_type: exercises.exercise_type,
      difficulty: exercises.difficulty,
      attempts: sql<number>`count(*)`,
      correct: sql<number>`sum(case when ${attempts.is_correct} then 1 else 0 end)`,
    })
    .from(attempts)
    .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
    .where(eq(attempts.user_id, userId))
    .groupBy(exercises.exercise_type, exercises.difficulty);
  return rows.map((row) => ({
    exercise_type: row.exercise_type,
    difficulty: row.difficulty,
    attempts: Number(row.attempts),
    rate: percentage(Number(row.correct), Number(row.attempts), 0),
  }));
}

const exerciseColumns = (exercises: Tables['exercises']) => ({
  id: exercises.id,
  title: exercises.title,
  exercise_type: exercises.exercise_type,
  difficulty: exercises.difficulty,
});

/** Exercises the learner answered wrongly and never rightly, the most recently tried first. */
async function reviews(tx: Tx, userId: number, limit: number) {
  const { attempts, exercises } = tx.tables;
  const rows = await tx.db
    .select({ ...exerciseColumns(exercises), wrong: sql<number>`count(*)`, last: sql<number>`max(${attempts.id})` })
    .from(attempts)
    .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
    .where(and(eq(attempts.user_id, userId), ...visibleTo(exercises, userId)))
    .groupBy(exercises.id, exercises.title, exercises.exercise_type, exercises.difficulty)
    .having(sql`sum(case when ${attempts.is_correct} then 1 else 0 end) = 0`)
    .orderBy(desc(sql`max(${attempts.id})`))
    .limit(limit);
  return rows.map(({ wrong, last: _last, ...exercise }) => ({ exercise, wrong: Number(wrong) }));
}

/** Visible exercises of a type and difficulty the learner has not solved: never attempted first, then by id. */
async function unsolvedOf(tx: Tx, userId: number, type: ExerciseType, difficulty: Difficulty, limit: number, exclude: number[]) {
  const { attempts, exercises } = tx.tables;
  const solved = tx.db
    .select({ one: sql`1` })
    .from(attempts)
    .where(and(eq(attempts.user_id, userId), eq(attempts.exercise_id, exercises.id), eq(attempts.is_correct, true)));
  const tried = sql`exists (select 1 from ${attempts} where ${attempts.user_id} = ${userId} and ${attempts.exercise_id} = ${exercises.id})`;
  return tx.db
    .select(exerciseColumns(exercises))
    .from(exercises)
    .where(
      and(
        eq(exercises.exercise_type, type),
        eq(exercises.difficulty, difficulty),
        ...visibleTo(exercises, userId),
        notExists(solved),
        ...(exclude.length ? [notInArray(exercises.id, exclude)] : []),
      ),
    )
    .orderBy(sql`case when ${tried} then 1 else 0 end`, asc(exercises.id))
    .limit(limit);
}

/** Visible exercises never attempted: types the learner never tried first, then easier first, then by id. */
async function notAttempted(tx: Tx, userId: number, triedTypes: ExerciseType[], limit: number, exclude: number[]) {
  const { attempts, exercises } = tx.tables;
  const tried = tx.db
    .select({ one: sql`1` })
    .from(attempts)
    .where(and(eq(attempts.user_id, userId), eq(attempts.exercise_id, exercises.id)));
  // (no constant when none tried: ORDER BY 0 would name a column)
  const typeTried = triedTypes.length ? [sql`case when ${inArray(exercises.exercise_type, triedTypes)} then 1 else 0 end`] : [];
  return tx.db
    .select(exerciseColumns(exercises))
    .from(exercises)
    .where(and(...visibleTo(exercises, userId), notExists(tried), ...(exclude.length ? [notInArray(exercises.id, exclude)] : [])))
    .orderBy(...typeTried, difficultyOrder(exercises), asc(exercises.id))
    .limit(limit);
}

/** What to recommend, in order: reviews, the weakest type and difficulty, the next difficulty up, then discoveries. */
async function choose(tx: Tx, userId: number, limit: number): Promise<Pick[]> {
  const picks: Pick[] = [];
  const taken = () => picks.map((p) => p.exercise.id);
  const room = (cap: number) => Math.min(cap, limit - picks.length);

  for (const { exercise, wrong } of await reviews(tx, userId, room(CAPS.review))) {
    picks.push({ exercise, reason: 'review', params: { exercise_type: exercise.exercise_type, difficulty: exercise.difficulty, wrong_attempts: wrong } });
  }

  const stats = await pairStats(tx, userId);
  const counted = stats.filter((s) => s.attempts >= MIN_ATTEMPTS);
  const byPair = (a: PairStats, b: PairStats) =>
    typeRank(a.exercise_type) - typeRank(b.exercise_type) || difficultyRank(a.difficulty) - difficultyRank(b.difficulty);

  // the weakest type and difficulty: lowest success rate, ties in the enums' order
  const weakest = counted.filter((s) => s.rate < WEAK_BELOW).sort((a, b) => a.rate - b.rate || byPair(a, b))[0];
  if (weakest && room(CAPS.improvement) > 0) {
    for (const exercise of await unsolvedOf(tx, userId, weakest.exercise_type, weakest.difficulty, room(CAPS.improvement), taken())) {
      picks.push({
        exercise,
        reason: 'improvement',
        params: { exercise_type: weakest.exercise_type, difficulty: weakest.difficulty, success_rate: weakest.rate },
      });
    }
  }

  // next rank up: per type, the highest difficulty mastered, when a harder one exists; best rate first
  const mastered = new Map<ExerciseType, PairStats>();
  for (const s of counted.filter((s) => s.rate >= MASTERED_FROM)) {
    const best = mastered.get(s.exercise_type);
    if (!best || difficultyRank(s.difficulty) > difficultyRank(best.difficulty)) mastered.set(s.exercise_type, s);
  }
  const steps = [...mastered.values()].filter((s) => difficultyRank(s.difficulty) < DIFFICULTIES.length - 1).sort((a, b) => b.rate - a.rate || byPair(a, b));
  let progressions = 0;
  for (const step of steps) {
    if (progressions >= CAPS.progression || room(CAPS.progression) <= 0) break;
    const next = DIFFICULTIES[difficultyRank(step.difficulty) + 1];
    const [exercise] = await unsolvedOf(tx, userId, step.exercise_type, next, 1, taken());
    if (!exercise) continue;
    picks.push({
      exercise,
      reason: 'progression',
      params: { exercise_type: step.exercise_type, difficulty: step.difficulty, next_difficulty: next, success_rate: step.rate },
    });
    progressions++;
  }

  if (picks.length < limit) {
    const triedTypes = [...new Set(stats.map((s) => s.exercise_type))];
    for (const exercise of await notAttempted(tx, userId, triedTypes, limit - picks.length, taken())) {
      picks.push({ exercise, reason: 'discovery', params: { exercise_type: exercise.exercise_type, difficulty: exercise.difficulty } });
    }
  }
  return picks;
}

/**
 * The learner's recommendations, each recorded as shown: the open (not completed) row for the
 * exercise is reused, its reason refreshed, else one is made.
 */
export async function recommendFor(store: Store, now: Date, actor: Actor, limit: number): Promise<RecommendationView[]> {
  return store.transaction(async (tx) => {
    const { recommendations } = tx.tables;
    const picks = await choose(tx, actor.id, limit);
    if (picks.length === 0) return [];
    const open = await tx.db
      .select({ id: recommendations.id, exercise_id: recommendations.exercise_id })
      .from(recommendations)
      .where(
        and(
          eq(recommendations.user_id, actor.id),
          eq(recommendations.is_completed, false),
          inArray(
            recommendations.exercise_id,
            picks.map((p) => p.exercise.id),
          ),
        ),
      )
      .orderBy(asc(recommendations.id));
    const openFor = new Map<number, number>();
    for (const row of open) if (row.exercise_id !== null && !openFor.has(row.exercise_id)) openFor.set(row.exercise_id, row.id);

    const views: RecommendationView[] = [];
    for (const pick of picks) {
      const reason: ReasonCode = REASON_CODES[pick.reason];
      const fields = {
        reason_code: reason,
        reason_params: pick.params,
        priority: PRIORITY[pick.reason],
        exercise_type: pick.exercise.exercise_type,
        difficulty: pick.exercise.difficulty,
        last_shown_at: now,
        updated_at: now,
      };
      const existing = openFor.get(pick.exercise.id);
      const [row] =
        existing === undefined
          ? await tx.db
              .insert(recommendations)
              .values({ ...fields, user_id: actor.id, exercise_id: pick.exercise.id, recommendation_type: 'exercise', shown_count: 1, created_at: now })
              .returning()
          : await tx.db
              .update(recommendations)
              .set({ ...fields, shown_count: sql`${recommendations.shown_count} + 1` })
              .where(eq(recommendations.id, existing))
              .returning();
      views.push({
        id: row.id,
        exercise: pick.exercise,
        reason_code: reason,
        reason_params: pick.params,
        priority: row.priority,
        shown_count: row.shown_count,
        clicked_count: row.clicked_count,
      });
    }
    return views;
  });
}

/** The learner opened a recommendation: one more click (each counts, as in the original). 404 if not theirs. */
export async function recordClick(store: Store, now: Date, actor: Actor, id: number): Promise<RecommendationClick> {
  return store.transaction(async (tx) => {
    const { recommendations } = tx.tables;
    const [row] = await tx.db
      .update(recommendations)
      .set({ clicked_count: sql`${recommendations.clicked_count} + 1`, last_clicked_at: now, updated_at: now })
      .where(and(eq(recommendations.id, id), eq(recommendations.user_id, actor.id)))
      .returning({ id: recommendations.id, clicked_count: recommendations.clicked_count, last_clicked_at: recommendations.last_clicked_at });
    if (!row?.last_clicked_at) throw notFound('Recommendation');
    return { id: row.id, clicked_count: row.clicked_count, last_clicked_at: row.last_clicked_at };
  });
}

/**
 * In the attempt's transaction: the learner's open recommendations of this exercise are done.
 * One UPDATE on the (user_id, is_completed) index; nothing when there is none.
 */
export const completeRecommendationsQuery = preparedQuery('recommendation_complete', (tx, { recommendations }) =>
  tx
    .update(recommendations)
    // `at` arrives as the driver's value (an update's placeholder skips the column's conversion)
    .set({ is_completed: true, completed_at: sql`${sql.placeholder('at')}`, updated_at: sql`${sql.placeholder('at')}` })
    .where(
      and(
        eq(recommendations.user_id, sql.placeholder('user_id')),
        eq(recommendations.is_completed, false),
        eq(recommendations.exercise_id, sql.placeholder('exercise_id')),
      ),
    ),
);

export async function completeRecommendations(tx: Tx, userId: number, exerciseId: number, at: Date): Promise<void> {
  const stamp = tx.tables.recommendations.completed_at.mapToDriverValue(at);
  await runPrepared(tx, completeRecommendationsQuery, { user_id: userId, exercise_id: exerciseId, at: stamp });
}
