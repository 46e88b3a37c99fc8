import { z } from 'zod';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../db/enums.js';
import type { Tables } from '../../db/client.js';
import { booleanQuery, enumInput, pageOf, paginationQuery, timestamp, webUrl } from '../../http/schemas.js';

export type ExerciseRow = Tables['exercises']['$inferSelect'];

export const exerciseTypeInput = enumInput(EXERCISE_TYPES);
export const difficultyInput = enumInput(DIFFICULTIES);

/**
 * An exercise as the API shows it. `correct_answer` and `explanation` are left out for a learner
 * who has not attempted the exercise yet (see the visibility rule in service.ts).
 */
export const exerciseSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    creator_id: z.number().int().nullable(),
    exercise_type: z.enum(EXERCISE_TYPES),
    difficulty: z.enum(DIFFICULTIES),
    tags: z.string().nullable(),
    age_group: z.string().nullable(),
    context_theme: z.string().nullable(),
    complexity: z.number().int().nullable().describe('1–5, or null when not rated (an imported exercise)'),
    ai_generated: z.boolean(),
    question: z.string(),
    correct_answer: z.string().optional().describe('absent for a learner who has not attempted the exercise'),
    choices: z.array(z.string()).nullable().describe('multiple-choice answers, or null for a free answer'),
    explanation: z.string().nullable().optional().describe('absent for a learner who has not attempted the exercise'),
    hint: z.string().nullable(),
    image_url: z.string().nullable(),
    audio_url: z.string().nullable(),
    is_active: z.boolean(),
    is_archived: z.boolean(),
    is_private: z.boolean().describe("a learner's generated exercise: only that learner and staff see it"),
    view_count: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Exercise' });
export type ExerciseView = z.infer<typeof exerciseSchema>;

export const exercisePage = pageOf(exerciseSchema, 'ExercisePage');

const searchText = z.string().trim().min(1).max(100);

/** Filters shared by the list and the random pick. */
export const exerciseFilters = z.object({
  exercise_type: exerciseTypeInput.optional(),
  difficulty: difficultyInput.optional(),
  search: searchText.optional().describe('part of the title or the question, case-insensitive'),
});
export type ExerciseFilters = z.infer<typeof exerciseFilters>;

export const listExercisesQuery = paginationQuery.extend({
  ...exerciseFilters.shape,
  is_archived: booleanQuery.optional().describe('true: archived exercises only (maitre and above); default false'),
});
export type ListExercisesQuery = z.infer<typeof listExercisesQuery>;

export const labelledValue = z.object({ value: z.string(), label: z.string() });
export const exerciseTypeList = z.array(labelledValue.extend({ value: z.enum(EXERCISE_TYPES) }));
export const difficultyList = z.array(labelledValue.extend({ value: z.enum(DIFFICULTIES), rank: z.number().int().describe('1 = initié … 5 = grand maître') }));

const choicesInput = z.array(z.string().trim().min(1).max(200)).min(2).max(10);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const exerciseFields = {
  title: z.string().trim().min(1).max(200),
  exercise_type: exerciseTypeInput,
  difficulty: difficultyInput,
  question: z.string().trim().min(1).max(5000),
  correct_answer: z.string().trim().min(1).max(500),
  choices: choicesInput.nullable().optional(),
  explanation: optionalText(5000),
  hint: optionalText(2000),
  tags: optionalText(500),
  age_group: optionalText(50),
  context_theme: optionalText(100),
  complexity: z.number().int().min(1).max(5).optional(),
  ai_generated: z.boolean().optional(),
  image_url: webUrl(500).nullable().optional(),
  audio_url: webUrl(500).nullable().optional(),
  is_active: z.boolean().optional(),
};

export const createExerciseBody = z
  .object(exerciseFields)
  .strict()
  .meta({
    example: {
      title: 'Les droïdes de Tatooine',
      exercise_type: 'addition',
      difficulty: 'initie',
      question: 'R2-D2 répare 7 droïdes le matin et 5 l’après-midi. Combien en a-t-il réparé ?',
      correct_answer: '12',
      choices: ['11', '12', '13', '75'],
      explanation: '7 + 5 = 12',
      hint: 'Compte à partir de 7.',
    },
  });
export type CreateExerciseInput = z.infer<typeof createExerciseBody>;

export const updateExerciseBody = z
  .object({ ...exerciseFields, is_archived: z.boolean() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'nothing to update')
  .meta({ example: { hint: 'Compte à partir de 7.', is_archived: false } });
export type UpdateExerciseInput = z.infer<typeof updateExerciseBody>;

export const deleteExerciseQuery = z.object({
  hard: booleanQuery.optional().describe('true: delete for good, with its attempts (archiviste only)'),
});

export const generateExerciseBody = z
  .object({
    exercise_type: exerciseTypeInput,
    difficulty: difficultyInput,
    seed: z
      .union([z.number().int(), z.string().min(1).max(100)])
      .optional()
      .describe('same seed, type and difficulty → same exercise'),
    preview: z.boolean().optional().describe('maitre and above: return the exercise with its answer, without saving it'),
  })
  .strict()
  .meta({ example: { exercise_type: 'division', difficulty: 'chevalier', seed: 42 } });
export type GenerateExerciseInput = z.infer<typeof generateExerciseBody>;

/** A preview: the generated exercise, answer included, never saved (so no id). */
export const generatedExerciseSchema = z
  .object({
    title: z.string(),
    exercise_type: z.enum(EXERCISE_TYPES),
    difficulty: z.enum(DIFFICULTIES),
    question: z.string(),
    correct_answer: z.string(),
    choices: z.array(z.string()),
    explanation: z.string(),
    hint: z.string(),
    tags: z.string(),
    age_group: z.string(),
    context_theme: z.string(),
    complexity: z.number().int(),
    ai_generated: z.boolean(),
  })
  .meta({ id: 'GeneratedExercisePreview' });
