// Exercises: listing, reading, authoring, archiving and generating.
//
// Who sees what:
// - An archived or inactive exercise does not exist for a learner (padawan): 404 everywhere.
//   Staff (maitre and above) see it, and may list archived ones with `is_archived=true`.
// - A learner never receives `correct_answer` nor `explanation` (it gives the answer away)
//   before having attempted the exercise. Once they have attempted it — right or wrong — they
//   see both: the attempt's answer already returned them, hiding them again would be theatre.
//   Staff always see them.
// - Authorship (edit, archive, see answers as the author) counts only for users who may author
//   content, maitre and above: a learner becomes an exercise's creator only by generating it, and
//   that must neither show them the answer nor let them rewrite it.
import { randomInt } from 'node:crypto';
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AppDb, Database, Tables } from '../../db/client.js';
import { DIFFICULTIES, EXERCISE_TYPES, roleAtLeast, type Difficulty, type ExerciseType } from '../../db/enums.js';
import { containsInsensitive, incrementUpToMax } from '../../db/operators.js';
import { conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import type { Page } from '../../http/schemas.js';
import type { Actor } from '../../plugins/auth.js';
import { canEditContent, seesAnswers } from '../auth/access.js';
import { answerKey, isCorrectAnswer } from './answers.js';
import { generateExercise, type GeneratedExercise } from './generator.js';
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

const isRetired = (exercise: ExerciseRow) => exercise.is_archived || !exercise.is_active;

/** JSON choices as stored; legacy rows may hold numbers. Anything but a list means "no choices". */
function choicesOf(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map((choice) => String(choice)) : null;
}

export function toExerciseView(exercise: ExerciseRow, showAnswers: boolean): ExerciseView {
  const { correct_answer, explanation, choices, ...rest } = exercise;
  const view: ExerciseView = { ...rest, choices: choicesOf(choices) };
  return showAnswers ? { ...view, correct_answer, explanation } : view;
}

/** Ids among `exerciseIds` that this user has attempted at least once. */
async function attemptedAmong(db: AppDb, tables: Tables, userId: number, exerciseIds: number[]): Promise<Set<number>> {
  if (exerciseIds.length === 0) return new Set();
  const { attempts } = tables;
  const rows = await db
    .selectDistinct({ exercise_id: attempts.exercise_id })
    .from(attempts)
    .where(and(eq(attempts.user_id, userId), inArray(attempts.exercise_id, exerciseIds)));
  return new Set(rows.map((row) => row.exercise_id));
}

/** Each row under the visibility rule, with one query for the learner's past attempts. */
async function viewsFor(db: AppDb, tables: Tables, actor: Actor, rows: ExerciseRow[]): Promise<ExerciseView[]> {
  const seesByRole = (row: ExerciseRow) => seesAnswers(actor, authorFor(actor, row));
  const attempted = await attemptedAmong(
    db,
    tables,
    actor.id,
    rows.filter((row) => !seesByRole(row)).map((row) => row.id),
  );
  return rows.map((row) => toExerciseView(row, seesByRole(row) || attempted.has(row.id)));
}

function filterConditions(tables: Tables, filters: ExerciseFilters): SQL[] {
  const { exercises } = tables;
  const conditions: SQL[] = [];
  if (filters.exercise_type) conditions.push(eq(exercises.exercise_type, filters.exercise_type));
  if (filters.difficulty) conditions.push(eq(exercises.difficulty, filters.difficulty));
  if (filters.search) {
    const match = or(containsInsensitive(exercises.title, filters.search), containsInsensitive(exercises.question, filters.search));
    if (match) conditions.push(match);
  }
  return conditions;
}

function inService(tables: Tables): SQL[] {
  const { exercises } = tables;
  return [eq(exercises.is_archived, false), eq(exercises.is_active, true)];
}

export async function listExercises(database: Database, actor: Actor, query: ListExercisesQuery): Promise<Page<ExerciseView>> {
  const { db, tables } = database;
  const { exercises } = tables;
  const archived = query.is_archived ?? false;
  if (archived && !isStaff(actor)) throw forbidden('Only maitre and above may list archived exercises');
  const conditions = filterConditions(tables, query);
  // learners see exercises in service only; staff see active and inactive ones
  conditions.push(...(isStaff(actor) ? [eq(exercises.is_archived, archived)] : inService(tables)));
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(exercises).where(where).orderBy(asc(exercises.id)).limit(query.limit).offset(query.offset),
    db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(exercises).where(where),
  ]);
  return { items: await viewsFor(db, tables, actor, rows), total, limit: query.limit, offset: query.offset };
}

/** One exercise in service (active, not archived) matching the filters, picked at random. */
export async function randomExercise(database: Database, actor: Actor, filters: ExerciseFilters): Promise<ExerciseView> {
  const { db, tables } = database;
  const { exercises } = tables;
  const where = and(...filterConditions(tables, filters), ...inService(tables));
  const [{ total }] = await db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(exercises).where(where);
  if (total === 0) throw notFound('Exercise');
  // count + offset instead of `order by random()`: the pick reads one row, not the whole table
  const [row] = await db.select().from(exercises).where(where).orderBy(asc(exercises.id)).limit(1).offset(randomInt(total));
  if (!row) throw notFound('Exercise'); // deleted between the two reads
  const [view] = await viewsFor(db, tables, actor, [row]);
  return view;
}

/** Reads an exercise and counts the view, in one atomic statement. */
export async function getExercise(database: Database, actor: Actor, id: number): Promise<ExerciseView> {
  const { exercises } = database.tables;
  const visible = isStaff(actor) ? eq(exercises.id, id) : and(eq(exercises.id, id), ...inService(database.tables));
  const [row] = await database.transaction((tx) =>
    tx
      .update(exercises)
      // updated_at set to itself: a view is not an edit (the column's $onUpdate would bump it)
      .set({ view_count: incrementUpToMax(exercises.view_count), updated_at: sql`${exercises.updated_at}` })
      .where(visible)
      .returning(),
  );
  if (!row) throw notFound('Exercise');
  const [view] = await viewsFor(database.db, database.tables, actor, [row]);
  return view;
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

export async function createExercise(database: Database, actor: Actor, input: CreateExerciseInput): Promise<ExerciseView> {
  assertChoicesFit(input.exercise_type, input.correct_answer, input.choices);
  const { exercises } = database.tables;
  const [row] = await database.transaction((tx) =>
    tx
      .insert(exercises)
      .values({ ...input, creator_id: actor.id })
      .returning(),
  );
  return toExerciseView(row, true);
}

/** Loads an exercise for a change: 404 when the actor cannot see it, 403 when they may not edit it. */
async function exerciseToEdit(tx: AppDb, tables: Tables, actor: Actor, id: number): Promise<ExerciseRow> {
  const { exercises } = tables;
  const [row] = await tx.select().from(exercises).where(eq(exercises.id, id));
  if (!row || (isRetired(row) && !isStaff(actor))) throw notFound('Exercise');
  if (!canEditContent(actor, authorFor(actor, row))) throw forbidden('Only the author or an archiviste may change this exercise');
  return row;
}

export async function updateExercise(database: Database, actor: Actor, id: number, input: UpdateExerciseInput): Promise<ExerciseView> {
  const { exercises } = database.tables;
  const row = await database.transaction(async (tx) => {
    const current = await exerciseToEdit(tx, database.tables, actor, id);
    assertChoicesFit(
      input.exercise_type ?? current.exercise_type,
      input.correct_answer ?? current.correct_answer,
      input.choices !== undefined ? input.choices : choicesOf(current.choices),
    );
    const [updated] = await tx.update(exercises).set(input).where(eq(exercises.id, id)).returning();
    return updated;
  });
  return toExerciseView(row, true);
}

/** Archives (author or archiviste), or with `hard` deletes for good with its attempts (archiviste). */
export async function deleteExercise(database: Database, actor: Actor, id: number, hard: boolean): Promise<void> {
  const { exercises } = database.tables;
  await database.transaction(async (tx) => {
    if (hard) {
      if (actor.role !== 'archiviste') throw forbidden('Only an archiviste may delete an exercise for good');
      const deleted = await tx.delete(exercises).where(eq(exercises.id, id)).returning({ id: exercises.id });
      if (deleted.length === 0) throw notFound('Exercise');
      return;
    }
    await exerciseToEdit(tx, database.tables, actor, id);
    await tx.update(exercises).set({ is_archived: true }).where(eq(exercises.id, id));
  });
}

export type GenerateResult = { saved: true; exercise: ExerciseView } | { saved: false; exercise: GeneratedExercise };

/** Generates an exercise; saves it (creator = caller) unless `preview`, which is for staff. */
export async function generate(database: Database, actor: Actor, input: GenerateExerciseInput): Promise<GenerateResult> {
  if (input.preview && !isStaff(actor)) throw forbidden('Only maitre and above may preview a generated exercise');
  const generated = generateExercise(input);
  if (input.preview) return { saved: false, exercise: generated };
  const { exercises } = database.tables;
  const [row] = await database.transaction((tx) =>
    tx
      .insert(exercises)
      .values({ ...generated, creator_id: actor.id })
      .returning(),
  );
  // a fresh exercise has no attempts: only the role decides
  return { saved: true, exercise: toExerciseView(row, seesAnswers(actor, authorFor(actor, row))) };
}

/**
 * The exercise an attempt is about, read inside the attempt's transaction. A retired (archived
 * or inactive) exercise is 404 for a learner, who cannot see it, and 409 for staff, who can.
 */
export async function exerciseForAttempt(tx: AppDb, tables: Tables, actor: Actor, id: number): Promise<ExerciseRow> {
  const { exercises } = tables;
  const [row] = await tx.select().from(exercises).where(eq(exercises.id, id));
  if (!row || (isRetired(row) && !isStaff(actor))) throw notFound('Exercise');
  if (isRetired(row)) throw conflict('This exercise is archived or inactive: it does not accept attempts');
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
const DIFFICULTY_LABELS: Record<Difficulty, string> = { initie: 'Initié', padawan: 'Padawan', chevalier: 'Chevalier', maitre: 'Maître' };

export const exerciseTypes = () => EXERCISE_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }));
export const difficulties = () => DIFFICULTIES.map((value, index) => ({ value, label: DIFFICULTY_LABELS[value], rank: index + 1 }));
