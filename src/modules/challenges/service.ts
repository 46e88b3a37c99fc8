// Logic challenges: catalogue, authoring, attempts checked on the server, progressive hints, statistics.
// A learner sees the solution, the answer and every hint once solved or out of attempts (then further
// attempts are 409, so success_rate stays true); staff and the author always see them.
import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import { containsInsensitive, INT32_MAX } from '../../db/operators.js';
import { learnerCatalogueChangedQuery } from '../../db/catalogue-versions.js';
import { runPrepared, type Reads, type Store, type Tx } from '../../db/store.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Page } from '../../http/schemas.js';
import { percentage } from '../../percentage.js';
import type { Actor } from '../auth/actor.js';
import { canEditContent, seesAnswers } from '../auth/access.js';
import { afterLearnerActivity, readLearnerActivity } from '../badges/activity.js';
import { archivedChange, assertMayDeleteForGood, assertMayEdit, inService, inServiceConditions } from '../content/lifecycle.js';
import type { LearnerCalendar } from '../gamification/calendar.js';
import { answersMatch } from './answers.js';
import {
  DEFAULT_MAX_CHALLENGE_ATTEMPTS,
  type AttemptResult,
  type ChallengeStats,
  type ChallengeView,
  type CreateChallengeInput,
  type HintsView,
  type ListChallengesQuery,
  type SubmitAttemptInput,
  type UpdateChallengeInput,
} from './schemas.js';

export type LogicChallenge = Tables['logicChallenges']['$inferSelect'];

const WHAT = 'Challenge';

/** What the caller has done on a challenge so far. */
interface ViewerRecord {
  attempts_made: number;
  solved: boolean;
}
const NO_ATTEMPTS: ViewerRecord = { attempts_made: 0, solved: false };

/** The attempt allowance: `generation_parameters.max_attempts` when it is a sensible integer. */
export function attemptsAllowed(challenge: Pick<LogicChallenge, 'generation_parameters'>): number {
  const parameters = challenge.generation_parameters;
  if (typeof parameters === 'object' && parameters !== null && 'max_attempts' in parameters) {
    const value = parameters.max_attempts;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  }
  return DEFAULT_MAX_CHALLENGE_ATTEMPTS;
}

/** The stored hints as a list of strings (legacy rows may hold anything in that JSON column). */
function hintList(hints: unknown): string[] {
  if (typeof hints === 'string') return hints.trim() === '' ? [] : [hints];
  if (!Array.isArray(hints)) return [];
  return hints.filter((hint): hint is string => typeof hint === 'string' && hint.trim() !== '');
}

/** Archived or inactive challenges exist only for their author and archivistes; for others, 404. */
function assertVisible(actor: Actor, challenge: LogicChallenge | undefined): asserts challenge is LogicChallenge {
  if (!challenge || (!inService(challenge) && !canEditContent(actor, challenge.creator_id))) throw notFound(WHAT);
}

function answersRevealed(actor: Actor, challenge: LogicChallenge, record: ViewerRecord): boolean {
  return seesAnswers(actor, challenge.creator_id) || record.solved || record.attempts_made >= attemptsAllowed(challenge);
}

function attemptsLeft(challenge: LogicChallenge, record: ViewerRecord): number {
  return record.solved ? 0 : Math.max(0, attemptsAllowed(challenge) - record.attempts_made);
}

export function presentChallenge(actor: Actor, challenge: LogicChallenge, record: ViewerRecord = NO_ATTEMPTS): ChallengeView {
  const { solution, correct_answer, solution_explanation, hints, ...shown } = challenge;
  const allHints = hintList(hints);
  const revealed = answersRevealed(actor, challenge, record);
  return {
    ...shown,
    hint_count: allHints.length,
    attempts_allowed: attemptsAllowed(challenge),
    attempts_made: record.attempts_made,
    attempts_left: attemptsLeft(challenge, record),
    solved: record.solved,
    answers_revealed: revealed,
    ...(revealed ? { solution, correct_answer, solution_explanation, hints: allHints } : {}),
  };
}

/** The caller's attempts and whether they solved it, for each of `challengeIds`. */
async function viewerRecords(on: Reads, userId: number, challengeIds: number[]): Promise<Map<number, ViewerRecord>> {
  const records = new Map<number, ViewerRecord>();
  if (challengeIds.length === 0) return records;
  const a = on.tables.logicChallengeAttempts;
  const rows = await on.db
    .select({ challenge_id: a.challenge_id, attempts: count(), solved: sql<number>`max(case when ${a.is_correct} then 1 else 0 end)`.mapWith(Number) })
    .from(a)
    .where(and(eq(a.user_id, userId), inArray(a.challenge_id, challengeIds)))
    .groupBy(a.challenge_id);
  for (const row of rows) records.set(row.challenge_id, { attempts_made: row.attempts, solved: row.solved === 1 });
  return records;
}

async function viewerRecord(on: Reads, userId: number, challengeId: number): Promise<ViewerRecord> {
  return (await viewerRecords(on, userId, [challengeId])).get(challengeId) ?? NO_ATTEMPTS;
}

async function findChallenge(on: Reads, id: number): Promise<LogicChallenge | undefined> {
  const t = on.tables.logicChallenges;
  const [row] = await on.db.select().from(t).where(eq(t.id, id));
  return row;
}

/** Choices that are plain strings or numbers must contain the correct answer. */
function assertAnswerAmongChoices(correctAnswer: string | null | undefined, choices: unknown): void {
  if (!correctAnswer || !Array.isArray(choices)) return;
  const plain = choices.filter((choice) => typeof choice === 'string' || typeof choice === 'number');
  if (plain.length !== choices.length) return; // richer choice objects: the frontend knows their shape
  if (!plain.some((choice) => answersMatch(correctAnswer, String(choice)))) {
    throw badRequest('correct_answer must be one of the choices', [{ in: 'body', path: 'correct_answer', message: 'not among choices' }]);
  }
}

// ---------- catalogue ----------

export async function listChallenges(store: Store, actor: Actor, query: ListChallengesQuery): Promise<Page<ChallengeView>> {
  const t = store.tables.logicChallenges;
  const search = query.search?.trim();
  const where = and(
    ...inServiceConditions(t),
    query.challenge_type ? eq(t.challenge_type, query.challenge_type) : undefined,
    query.age_group ? eq(t.age_group, query.age_group) : undefined,
    query.difficulty ? eq(t.difficulty, query.difficulty) : undefined,
    search
      ? or(
          containsInsensitive(t.title, search),
          containsInsensitive(t.description, search),
          containsInsensitive(t.question, search),
          containsInsensitive(t.tags, search),
        )
      : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    store.db.select().from(t).where(where).orderBy(asc(t.id)).limit(query.limit).offset(query.offset),
    store.db.select({ total: count() }).from(t).where(where),
  ]);
  const records = await viewerRecords(
    store,
    actor.id,
    rows.map((row) => row.id),
  );
  return {
    items: rows.map((row) => presentChallenge(actor, row, records.get(row.id))),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

/** One challenge; each successful read counts one view, off the request path (src/db/view-counts.ts), shown at once. */
export async function viewChallenge(store: Store, actor: Actor, id: number): Promise<ChallengeView> {
  const challenge = await findChallenge(store, id);
  assertVisible(actor, challenge); // a 404 is not a view
  challenge.view_count = Math.min(INT32_MAX, challenge.view_count + store.countView('logicChallenges', id));
  return presentChallenge(actor, challenge, await viewerRecord(store, actor.id, id));
}

export async function createChallenge(store: Store, actor: Actor, input: CreateChallengeInput): Promise<ChallengeView> {
  assertAnswerAmongChoices(input.correct_answer, input.choices);
  const t = store.tables.logicChallenges;
  const [row] = await store.transaction((tx) =>
    tx.db
      .insert(t)
      .values({ ...input, creator_id: actor.id })
      .returning(),
  );
  return presentChallenge(actor, row);
}

/** Loads a challenge the actor may change: invisible → 404, visible but not theirs → 403. */
async function loadForEdit(tx: Tx, actor: Actor, id: number): Promise<LogicChallenge> {
  const challenge = await findChallenge(tx, id);
  assertVisible(actor, challenge);
  assertMayEdit(actor, challenge.creator_id, 'challenge');
  return challenge;
}

export async function updateChallenge(store: Store, actor: Actor, id: number, input: UpdateChallengeInput): Promise<ChallengeView> {
  const t = store.tables.logicChallenges;
  const updated = await store.transaction(async (tx) => {
    const current = await loadForEdit(tx, actor, id);
    assertAnswerAmongChoices(input.correct_answer ?? current.correct_answer, input.choices === undefined ? current.choices : input.choices);
    const [row] = await tx.db.update(t).set(input).where(eq(t.id, id)).returning();
    return row;
  });
  return presentChallenge(actor, updated, await viewerRecord(store, actor.id, id));
}

/** Archives the challenge (it leaves the catalogue, its attempts stay); `hard` deletes it and its attempts. */
export async function deleteChallenge(store: Store, actor: Actor, id: number, hard: boolean): Promise<void> {
  const t = store.tables.logicChallenges;
  await store.transaction(async (tx) => {
    await loadForEdit(tx, actor, id);
    if (hard) {
      assertMayDeleteForGood(actor, 'challenge');
      await tx.db.delete(t).where(eq(t.id, id));
    } else {
      await tx.db.update(t).set(archivedChange).where(eq(t.id, id));
    }
  });
}

// ---------- attempts ----------

export async function submitAttempt(store: Store, calendar: LearnerCalendar, actor: Actor, id: number, input: SubmitAttemptInput): Promise<AttemptResult> {
  const t = store.tables.logicChallenges;
  const a = store.tables.logicChallengeAttempts;
  return store.transaction(async (tx) => {
    const activity = await readLearnerActivity(tx, actor.id);
    // An UPDATE that changes nothing: on PostgreSQL it takes the row lock, so attempts on this
    // challenge run one after another and the allowance and attempt_number are counted exactly
    // (SQLite already runs one write transaction at a time).
    const [challenge] = await tx.db
      .update(t)
      .set({ updated_at: sql`${t.updated_at}` })
      .where(eq(t.id, id))
      .returning();
    assertVisible(actor, challenge);
    if (!inService(challenge)) throw conflict('This challenge is archived or inactive: it takes no attempts');
    if (!challenge.correct_answer) throw conflict('This challenge has no answer to check against');

    const before = await viewerRecord(tx, actor.id, id);
    if (before.solved) throw conflict('You have already solved this challenge');
    if (before.attempts_made >= attemptsAllowed(challenge)) {
      throw conflict(`No attempts left: this challenge allows ${attemptsAllowed(challenge)}`);
    }
    const hintCount = hintList(challenge.hints).length;
    if ((input.hints_used ?? 0) > hintCount) {
      throw badRequest(`hints_used cannot exceed the ${hintCount} hint(s) of this challenge`, [
        { in: 'body', path: 'hints_used', message: `at most ${hintCount}` },
      ]);
    }

    const isCorrect = answersMatch(challenge.correct_answer, input.user_solution);
    const at = calendar.clock.now();
    const [attempt] = await tx.db
      .insert(a)
      .values({
        user_id: actor.id,
        challenge_id: id,
        user_solution: input.user_solution,
        is_correct: isCorrect,
        time_spent: input.time_spent ?? null,
        hints_used: input.hints_used ?? 0,
        attempt_number: before.attempts_made + 1,
        notes: input.notes ?? null,
        created_at: at,
      })
      .returning();

    // attempts left, and at the end the solution: what the learner's catalogue shows changed (their ETags)
    await runPrepared(tx, learnerCatalogueChangedQuery, { user_id: actor.id });

    // Recomputed from the attempts in the same transaction: exact, whatever ran concurrently.
    await tx.db
      .update(t)
      .set({
        success_rate: sql`(select coalesce(100.0 * sum(case when ${a.is_correct} then 1 else 0 end) / count(*), 0) from ${a} where ${a.challenge_id} = ${id})`,
        updated_at: sql`${t.updated_at}`,
      })
      .where(eq(t.id, id));
    const newBadges = await afterLearnerActivity(tx, calendar, actor.id, at, activity);

    const after: ViewerRecord = { attempts_made: attempt.attempt_number, solved: isCorrect };
    const revealed = answersRevealed(actor, challenge, after);
    return {
      attempt,
      is_correct: isCorrect,
      attempts_left: attemptsLeft(challenge, after),
      ...(revealed ? { solution: challenge.solution, correct_answer: challenge.correct_answer, solution_explanation: challenge.solution_explanation } : {}),
      new_badges: newBadges,
    };
  });
}

// ---------- hints and statistics ----------

/** Hints 1..level. Stateless: asking for level 3 directly returns the first three. */
export async function challengeHints(store: Store, actor: Actor, id: number, level: number): Promise<HintsView> {
  const challenge = await findChallenge(store, id);
  assertVisible(actor, challenge);
  const hints = hintList(challenge.hints);
  if (level > hints.length) throw notFound(`Hint ${level}`);
  return { challenge_id: id, level, total_hints: hints.length, hints: hints.slice(0, level), has_more: level < hints.length };
}

export async function challengeStats(store: Store, actor: Actor, id: number): Promise<ChallengeStats> {
  const { db } = store;
  const a = store.tables.logicChallengeAttempts;
  assertVisible(actor, await findChallenge(store, id));
  const correct = sql<number>`coalesce(sum(case when ${a.is_correct} then 1 else 0 end), 0)`.mapWith(Number);
  const [[totals], byAttemptNumber] = await Promise.all([
    db
      .select({
        attempts: count(),
        correct_attempts: correct,
        distinct_users: sql<number>`count(distinct ${a.user_id})`.mapWith(Number),
        users_solved: sql<number>`count(distinct case when ${a.is_correct} then ${a.user_id} end)`.mapWith(Number),
        average_time: sql<number | null>`avg(${a.time_spent})`.mapWith(Number),
        average_hints_used: sql<number | null>`avg(${a.hints_used})`.mapWith(Number),
      })
      .from(a)
      .where(eq(a.challenge_id, id)),
    db
      .select({ attempt_number: a.attempt_number, attempts: count(), correct_attempts: correct })
      .from(a)
      .where(eq(a.challenge_id, id))
      .groupBy(a.attempt_number)
      .orderBy(asc(a.attempt_number)),
  ]);
  return {
    challenge_id: id,
    ...totals,
    success_rate: percentage(totals.correct_attempts, totals.attempts),
    by_attempt_number: byAttemptNumber.map((row) => ({ ...row, success_rate: percentage(row.correct_attempts, row.attempts) })),
  };
}
