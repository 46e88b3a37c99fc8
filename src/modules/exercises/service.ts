// Exercises: listing, reading, authoring, archiving and generating. A learner never sees an archived
// or inactive exercise (404), nor `correct_answer`/`explanation` before attempting it; staff always
// do. Authorship counts from maitre up: a learner who generated an exercise may not see or edit more.
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, gte, or, sql, type SQL } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import { DIFFICULTIES, EXERCISE_TYPES, roleAtLeast, type Difficulty, type ExerciseType } from '../../db/enums.js';
import { containsPattern, INT32_MAX, matchesPattern, qualified } from '../../db/operators.js';
import { catalogueVersionOf } from '../../db/catalogue-versions.js';
import { preparedQuery, preparedVariants } from '../../db/prepared.js';
import { runPrepared, type Reads, type Store, type Tx } from '../../db/store.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import { idFromPath, type Page } from '../../http/schemas.js';
import type { Actor } from '../auth/actor.js';
import { readWithAccountCheck, type AccountCheck } from '../auth/current-actor.js';
import { seesAnswers } from '../auth/access.js';
import { archivedChange, assertMayDeleteForGood, assertMayEdit, inService, inServiceConditions } from '../content/lifecycle.js';
import { answerKey, isCorrectAnswer } from '../../domain/answers/exercise-answers.js';
import { generateExercise, type GeneratedExercise } from '../../domain/generator/index.js';
import type {
  CreateExerciseInput,
  ExerciseFilters,
  ExerciseRow,
  ExerciseView,
  GenerateExerciseInput,
  ListExercisesQuery,
  UpdateExerciseInput,
} from './schemas.js';

const isStaff = (actor: Actor) => roleAtLeast(actor.role, 'maitre');

/** The creator, when their authorship counts (see the header). */
const authorFor = (actor: Actor, exercise: ExerciseRow) => (isStaff(actor) ? exercise.creator_id : null);

/** JSON choices as stored; legacy rows may hold numbers. Anything but a list means "no choices". */
function choicesOf(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map((choice) => String(choice)) : null;
}

/**
 * The exercise as the API shows it. The row, fresh from its query, is reshaped in place: copying
 * its 22 fields for every item of a list was 8 % of a list request (bench profile). Hidden answers
 * become undefined, which JSON leaves out.
 */
export function toExerciseView(exercise: ExerciseRow, showAnswers: boolean): ExerciseView {
  const view = exercise as unknown as ExerciseView;
  view.choices = choicesOf(exercise.choices);
  if (!showAnswers) {
    view.correct_answer = undefined;
    view.explanation = undefined;
  }
  return view;
}

/**
 * The shape of a listing, which makes it one prepared statement: who lists (a learner sees
 * exercises in service only; staff see active and inactive ones, the archived ones when asked)
 * and which filters are present (their values are placeholders).
 */
type ListShape = { audience: 'learner' | 'staff' | 'staff_archived'; type: boolean; difficulty: boolean; search: boolean };
export const listShapeKey = (shape: ListShape) => `${shape.audience}:${shape.type ? 't' : ''}${shape.difficulty ? 'd' : ''}${shape.search ? 'q' : ''}`;
function shapeOf(key: string): ListShape {
  const [audience, filters] = key.split(':');
  return { audience: audience as ListShape['audience'], type: filters.includes('t'), difficulty: filters.includes('d'), search: filters.includes('q') };
}

/** The catalogue, plus the learner's own generated exercises (placeholder `user_id`); other learners' are private. */
const visibleToLearner = (exercises: Tables['exercises']) => or(eq(exercises.is_private, false), eq(exercises.creator_id, sql.placeholder('user_id'))) as SQL;

/** A private exercise exists only for its learner and staff. */
const privateToOthers = (actor: Actor, row: ExerciseRow) => row.is_private && row.creator_id !== actor.id && !isStaff(actor);

/** The listing's filters alone (type, difficulty, search), for anyone. */
function filterConditions(tables: Tables, shape: ListShape): SQL[] {
  const { exercises } = tables;
  const conditions: SQL[] = [];
  if (shape.type) conditions.push(eq(exercises.exercise_type, sql.placeholder('exercise_type')));
  if (shape.difficulty) conditions.push(eq(exercises.difficulty, sql.placeholder('difficulty')));
  if (shape.search) {
    const pattern = sql.placeholder('pattern');
    conditions.push(sql`(${matchesPattern(exercises.title, pattern)} or ${matchesPattern(exercises.question, pattern)})`);
  }
  return conditions;
}

function listConditions(tables: Tables, shape: ListShape): SQL | undefined {
  const { exercises } = tables;
  const conditions = filterConditions(tables, shape);
  if (shape.audience === 'learner') conditions.push(...inServiceConditions(exercises), visibleToLearner(exercises));
  else conditions.push(eq(exercises.is_archived, shape.audience === 'staff_archived'));
  return and(...conditions);
}

/** The exercise's columns and, for a learner, whether they attempted it (placeholder `user_id`); staff see every answer. */
function columnsWithAttempted({ exercises, attempts }: Tables, audience: 'learner' | 'staff') {
  const attempted =
    audience === 'learner'
      ? sql<boolean>`exists (select 1 from ${attempts} where ${qualified(attempts, attempts.user_id)} = ${sql.placeholder('user_id')} and ${qualified(attempts, attempts.exercise_id)} = ${qualified(exercises, exercises.id)})`
      : sql<boolean>`false`;
  return { ...getTableColumns(exercises), attempted: attempted.mapWith(Boolean).as('attempted') };
}

/**
 * One page. Learners get, in the same query, whether they attempted each exercise (it decides
 * whether they see its answer).
 */
export const pageQuery = preparedVariants('exercise_page', (db, tables, key: string) => {
  const { exercises } = tables;
  const shape = shapeOf(key);
  return db
    .select(columnsWithAttempted(tables, shape.audience === 'learner' ? 'learner' : 'staff'))
    .from(exercises)
    .where(listConditions(tables, shape))
    .orderBy(asc(exercises.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'));
});

export const countQuery = preparedVariants('exercise_count', (db, tables, key: string) =>
  db
    .select({ total: sql<number>`count(*)`.mapWith(Number).as('total') })
    .from(tables.exercises)
    .where(listConditions(tables, shapeOf(key))),
);

/**
 * A learner's total is the catalogue's public part, the same for every learner, plus their own
 * private exercises. The public part is counted once per version of the catalogue (a full scan:
 * 10 ms at 20,000 exercises on SQLite) and kept with the version it was counted at; every list
 * then reads the version and the learner's own part (an index lookup on creator_id) in one
 * statement, so the version and the count it validates come from the same snapshot.
 */
const publicPart = (tables: Tables, key: string) =>
  and(...filterConditions(tables, shapeOf(key)), ...inServiceConditions(tables.exercises), eq(tables.exercises.is_private, false));

export const publicCountQuery = preparedVariants('exercise_public_count', (db, tables, key: string) =>
  db
    .select({ version: catalogueVersionOf(tables, 'exercises'), total: sql<number>`count(*)`.mapWith(Number).as('total') })
    .from(tables.exercises)
    .where(publicPart(tables, key)),
);

export const ownCountQuery = preparedVariants('exercise_own_count', (db, tables, key: string) => {
  const { exercises } = tables;
  return db
    .select({ version: catalogueVersionOf(tables, 'exercises'), own: sql<number>`count(*)`.mapWith(Number).as('own') })
    .from(exercises)
    .where(
      and(
        ...filterConditions(tables, shapeOf(key)),
        ...inServiceConditions(exercises),
        eq(exercises.is_private, true),
        eq(exercises.creator_id, sql.placeholder('user_id')),
      ),
    );
});

/** Public counts by builder (each database, each replica) and listing: the last version counted. */
const publicCounts = new WeakMap<object, Map<string, { version: number; total: number }>>();
const PUBLIC_COUNTS_KEPT = 1_000;

async function learnerTotal(store: Store, key: string, filters: ReturnType<typeof filterValues>, userId: number): Promise<number> {
  const [{ version, own }] = await runPrepared(store, ownCountQuery, key, { ...filters, user_id: userId });
  let counts = publicCounts.get(store.db);
  if (!counts) publicCounts.set(store.db, (counts = new Map()));
  const memo = `${key}|${filters.exercise_type ?? ''}|${filters.difficulty ?? ''}|${filters.pattern ?? ''}`;
  const known = counts.get(memo);
  if (known?.version === version) return known.total + own;
  const [counted] = await runPrepared(store, publicCountQuery, key, filters);
  if (counts.size >= PUBLIC_COUNTS_KEPT) counts.clear();
  counts.set(memo, counted);
  // counted may be of a newer version than `own`: then the next list counts again
  return counted.total + own;
}

/** The listing's placeholders for these filters. */
function filterValues(filters: ExerciseFilters) {
  return {
    exercise_type: filters.exercise_type,
    difficulty: filters.difficulty,
    pattern: filters.search ? containsPattern(filters.search) : undefined,
  };
}

function shapeFor(audience: ListShape['audience'], filters: ExerciseFilters): string {
  return listShapeKey({ audience, type: filters.exercise_type !== undefined, difficulty: filters.difficulty !== undefined, search: !!filters.search });
}

export async function listExercises(store: Store, actor: Actor, query: ListExercisesQuery): Promise<Page<ExerciseView>> {
  const archived = query.is_archived ?? false;
  const staff = isStaff(actor);
  if (archived && !staff) throw forbidden('Only maitre and above may list archived exercises');
  const key = shapeFor(!staff ? 'learner' : archived ? 'staff_archived' : 'staff', query);
  const filters = filterValues(query);
  const [rows, total] = await Promise.all([
    runPrepared(store, pageQuery, key, { ...filters, user_id: actor.id, limit: query.limit, offset: query.offset }),
    staff ? runPrepared(store, countQuery, key, filters).then(([{ total }]) => total) : learnerTotal(store, key, filters, actor.id),
  ]);
  // `attempted` stays on the row: responses carry only the fields their schema declares
  const items = rows.map((row) => toExerciseView(row, row.attempted || seesAnswers(actor, authorFor(actor, row))));
  return { items, total, limit: query.limit, offset: query.offset };
}

/** One exercise in service (active, not archived) matching the filters, picked at random, for anyone. */
export async function randomExercise(store: Store, actor: Actor, filters: ExerciseFilters): Promise<ExerciseView> {
  const key = shapeFor('learner', filters);
  const values = filterValues(filters);
  const [{ total }] = await runPrepared(store, countQuery, key, { ...values, user_id: actor.id });
  if (total === 0) throw notFound('Exercise');
  // count + offset instead of `order by random()`: the pick reads one row, not the whole table
  const [row] = await runPrepared(store, pageQuery, key, { ...values, user_id: actor.id, limit: 1, offset: randomInt(total) });
  if (!row) throw notFound('Exercise'); // deleted between the two reads
  return toExerciseView(row, row.attempted || seesAnswers(actor, authorFor(actor, row)));
}

/** One exercise and whether the learner attempted it, in one read; staff also read retired ones. */
export const exerciseViewQuery = preparedVariants('exercise_view', (db, tables, who: 'staff' | 'learner') => {
  const { exercises } = tables;
  const byId = eq(exercises.id, sql.placeholder('id'));
  return db
    .select(columnsWithAttempted(tables, who))
    .from(exercises)
    .where(who === 'staff' ? byId : and(byId, ...inServiceConditions(exercises), visibleToLearner(exercises)));
});

type ExerciseViewRow = Awaited<ReturnType<typeof exerciseViewQuery>>[number];

/** The learner's read of GET /api/exercises/:id, in the account check's statement (one round trip). */
export const exerciseViewWithAccountCheck = readWithAccountCheck<ExerciseViewRow>(
  'exercise_view_with_account',
  (tables) => {
    const { exercises } = tables;
    return {
      table: exercises,
      on: and(eq(exercises.id, sql.placeholder('id')), ...inServiceConditions(exercises), visibleToLearner(exercises)) as SQL,
      columns: columnsWithAttempted(tables, 'learner'),
    };
  },
  (params) => {
    const id = idFromPath(params.id);
    return id === null ? null : { id };
  },
);

/**
 * A pure read: the view is counted off the request path (src/db/view-counts.ts), and shown at once.
 * `readWithAccount`: the learner's row as the account check read it, if it did (staff read their own way).
 */
export async function getExercise(store: Store, actor: Actor, id: number, readWithAccount?: AccountCheck['read'] | null): Promise<ExerciseView> {
  const read = readWithAccount && readWithAccount.values.id === id && !isStaff(actor) ? readWithAccount : null;
  const row = read
    ? (read.row as ExerciseViewRow | null)
    : (await runPrepared(store, exerciseViewQuery, isStaff(actor) ? 'staff' : 'learner', { id, user_id: actor.id }))[0];
  if (!row) throw notFound('Exercise');
  row.view_count = Math.min(INT32_MAX, row.view_count + store.countView('exercises', id));
  return toExerciseView(row, row.attempted || seesAnswers(actor, authorFor(actor, row)));
}

/** Authors must give choices that contain their answer, once each (422 otherwise). */
function assertChoicesFit(type: ExerciseType, correctAnswer: string, choices: string[] | null | undefined): void {
  if (!choices) return;
  const keys = choices.map((choice) => answerKey(type, choice));
  if (new Set(keys).size !== keys.length) {
    throw unprocessable('Two choices are the same answer', [{ path: 'choices', message: 'must be distinct answers' }]);
  }
  if (!choices.some((choice) => isCorrectAnswer(type, correctAnswer, choice))) {
    throw unprocessable('The choices must contain the correct answer', [{ path: 'choices', message: 'must contain correct_answer' }]);
  }
}

export async function createExercise(store: Store, actor: Actor, input: CreateExerciseInput): Promise<ExerciseView> {
  assertChoicesFit(input.exercise_type, input.correct_answer, input.choices);
  const { exercises } = store.tables;
  const [row] = await store.transaction((tx) =>
    tx.db
      .insert(exercises)
      .values({ ...input, creator_id: actor.id })
      .returning(),
  );
  return toExerciseView(row, true);
}

/** Loads an exercise for a change: 404 when the actor cannot see it, 403 when they may not edit it. */
async function exerciseToEdit(tx: Tx, actor: Actor, id: number): Promise<ExerciseRow> {
  const { exercises } = tx.tables;
  const [row] = await tx.db.select().from(exercises).where(eq(exercises.id, id));
  if (!row || (!inService(row) && !isStaff(actor))) throw notFound('Exercise');
  assertMayEdit(actor, authorFor(actor, row), 'exercise');
  return row;
}

export async function updateExercise(store: Store, actor: Actor, id: number, input: UpdateExerciseInput): Promise<ExerciseView> {
  const { exercises } = store.tables;
  const row = await store.transaction(async (tx) => {
    const current = await exerciseToEdit(tx, actor, id);
    assertChoicesFit(
      input.exercise_type ?? current.exercise_type,
      input.correct_answer ?? current.correct_answer,
      input.choices !== undefined ? input.choices : choicesOf(current.choices),
    );
    const [updated] = await tx.db.update(exercises).set(input).where(eq(exercises.id, id)).returning();
    return updated;
  });
  return toExerciseView(row, true);
}

/** Archives (author or archiviste), or with `hard` deletes for good with its attempts (archiviste). */
export async function deleteExercise(store: Store, actor: Actor, id: number, hard: boolean): Promise<void> {
  const { exercises } = store.tables;
  await store.transaction(async (tx) => {
    if (hard) {
      assertMayDeleteForGood(actor, 'exercise');
      const deleted = await tx.db.delete(exercises).where(eq(exercises.id, id)).returning({ id: exercises.id });
      if (deleted.length === 0) throw notFound('Exercise');
      return;
    }
    await exerciseToEdit(tx, actor, id);
    await tx.db.update(exercises).set(archivedChange).where(eq(exercises.id, id));
  });
}

export type GenerateResult = { saved: true; exercise: ExerciseView } | { saved: false; exercise: GeneratedExercise };

const GENERATE_WINDOW_MS = 3_600_000;

/**
 * Generates an exercise; saves it (creator = caller) unless `preview`, which is for staff. A
 * learner's is private (theirs and staff's, never the catalogue) and counts against
 * `perHour` saves in a rolling hour, counted in the database so every instance agrees; staff
 * generate for the catalogue, without a budget.
 */
export async function generate(store: Store, actor: Actor, input: GenerateExerciseInput, perHour: number): Promise<GenerateResult> {
  if (input.preview && !isStaff(actor)) throw forbidden('Only maitre and above may preview a generated exercise');
  const generated = generateExercise(input);
  if (input.preview) return { saved: false, exercise: generated };
  const { exercises } = store.tables;
  const learner = !isStaff(actor);
  const [row] = await store.transaction(async (tx) => {
    if (learner) await assertGenerationBudget(tx, actor, perHour);
    return tx.db
      .insert(exercises)
      .values({ ...generated, creator_id: actor.id, is_private: learner })
      .returning();
  });
  // a fresh exercise has no attempts: only the role decides
  return { saved: true, exercise: toExerciseView(row, seesAnswers(actor, authorFor(actor, row))) };
}

/** 429 with Retry-After once the learner saved `perHour` generated exercises in the last hour. */
async function assertGenerationBudget(tx: Tx, actor: Actor, perHour: number): Promise<void> {
  const { exercises } = tx.tables;
  const since = new Date(Date.now() - GENERATE_WINDOW_MS);
  const recent = await tx.db
    .select({ created_at: exercises.created_at })
    .from(exercises)
    .where(and(eq(exercises.creator_id, actor.id), eq(exercises.is_private, true), gte(exercises.created_at, since)))
    .orderBy(desc(exercises.created_at))
    .limit(perHour);
  if (recent.length < perHour) return;
  // the window frees a place when the oldest of the last `perHour` leaves it
  const seconds = Math.max(1, Math.ceil((recent[perHour - 1].created_at.getTime() + GENERATE_WINDOW_MS - Date.now()) / 1000));
  throw new AppError(429, 'RATE_LIMITED', `At most ${perHour} generated exercises an hour: retry in ${seconds} seconds`, undefined, {
    'retry-after': String(seconds),
  });
}

export const exerciseByIdQuery = preparedQuery('exercise_by_id', (db, { exercises }) =>
  db
    .select()
    .from(exercises)
    .where(eq(exercises.id, sql.placeholder('id'))),
);

/**
 * The exercise an attempt is about, read inside the attempt's transaction. A retired (archived
 * or inactive) exercise is 404 for a learner, who cannot see it, and 409 for staff, who can.
 */
export async function exerciseForAttempt(tx: Tx, actor: Actor, id: number): Promise<ExerciseRow> {
  const [row] = await runPrepared(tx, exerciseByIdQuery, { id });
  if (!row || (!inService(row) && !isStaff(actor)) || privateToOthers(actor, row)) throw notFound('Exercise');
  if (!inService(row)) throw conflict('This exercise is archived or inactive: it does not accept attempts');
  return row;
}

// French labels for the frontend's menus.
const TYPE_LABELS: Record<ExerciseType, string> = {
  addition: 'Addition',
  soustraction: 'Soustraction',
  multiplication: 'Multiplication',
  division: 'Division',
  fractions: 'Fractions',
  geometrie: 'Géométrie',
  texte: 'Problèmes',
  mixte: 'Calcul mixte',
  divers: 'Divers',
};
const DIFFICULTY_LABELS: Record<Difficulty, string> = {
  initie: 'Initié',
  padawan: 'Padawan',
  chevalier: 'Chevalier',
  maitre: 'Maître',
  grand_maitre: 'Grand Maître',
};

export const exerciseTypes = () => EXERCISE_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }));
export const difficulties = () => DIFFICULTIES.map((value, index) => ({ value, label: DIFFICULTY_LABELS[value], rank: index + 1 }));
