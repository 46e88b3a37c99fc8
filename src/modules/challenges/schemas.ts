// zod schemas of the logic challenges ("Épreuves du Conseil Jedi") and their attempts.
import { z } from 'zod';
import { AGE_GROUPS, CHALLENGE_TYPES, DIFFICULTIES } from '../../db/enums.js';
import { booleanQuery, enumInput, idParams, pageOf, paginationQuery, timestamp, webUrl } from '../../http/schemas.js';
import { awardedBadgeSchema } from '../badges/schemas.js';

/** Attempts a learner gets before the solution is shown, unless `generation_parameters.max_attempts` says otherwise. */
export const DEFAULT_MAX_CHALLENGE_ATTEMPTS = 3;
export const MAX_ATTEMPTS_LIMIT = 20;
export const MAX_HINTS = 10;

// ---------- inputs ----------

const jsonObject = z.record(z.string().max(100), z.unknown());

const generationParameters = z
  .looseObject({
    max_attempts: z
      .number()
      .int()
      .min(1)
      .max(MAX_ATTEMPTS_LIMIT)
      .optional()
      .describe(`attempts a learner gets before the solution is shown (default ${DEFAULT_MAX_CHALLENGE_ATTEMPTS})`),
  })
  .describe('free JSON object; `max_attempts` is read by the attempt rules');

const challengeFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).nullable(),
  challenge_type: enumInput(CHALLENGE_TYPES),
  age_group: enumInput(AGE_GROUPS),
  difficulty: enumInput(DIFFICULTIES),
  content: z.string().max(20_000).nullable(),
  question: z.string().trim().min(1).max(5000),
  solution: z.string().max(5000).nullable(),
  correct_answer: z.string().trim().min(1).max(1000),
  choices: z.array(z.unknown()).min(2).max(26).nullable().describe('the options offered; strings or numbers are checked against correct_answer'),
  solution_explanation: z.string().max(10_000).nullable(),
  visual_data: jsonObject.nullable().describe('any JSON object the frontend draws from'),
  hints: z.array(z.string().trim().min(1).max(1000)).max(MAX_HINTS).nullable().describe('progressive hints, easiest first'),
  is_active: z.boolean(),
  difficulty_rating: z.number().min(1).max(5),
  estimated_time_minutes: z.number().int().min(1).max(600),
  image_url: webUrl(2000).nullable(),
  source_reference: z.string().max(500).nullable(),
  tags: z.string().max(500).nullable(),
  is_template: z.boolean(),
  generation_parameters: generationParameters.nullable(),
};

export const createChallengeBody = z
  .object(challengeFields)
  .partial()
  .required({ title: true, challenge_type: true, age_group: true, difficulty: true, question: true, correct_answer: true })
  .strict()
  .meta({
    example: {
      title: 'La suite des cristaux kyber',
      challenge_type: 'sequence',
      age_group: '10-12',
      difficulty: 'padawan',
      question: 'Quel nombre suit : 2, 4, 8, 16 ?',
      correct_answer: '32',
      solution_explanation: 'Chaque nombre est le double du précédent.',
      hints: ['Compare chaque nombre au précédent.', 'On multiplie toujours par le même nombre.'],
    },
  });
export type CreateChallengeInput = z.infer<typeof createChallengeBody>;

export const updateChallengeBody = z
  .object({ ...challengeFields, is_archived: z.boolean() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' })
  .meta({ example: { description: 'Une suite de puissances de deux', is_archived: false } });
export type UpdateChallengeInput = z.infer<typeof updateChallengeBody>;

export const listChallengesQuery = paginationQuery.extend({
  challenge_type: enumInput(CHALLENGE_TYPES).optional(),
  age_group: enumInput(AGE_GROUPS).optional(),
  difficulty: enumInput(DIFFICULTIES).optional(),
  search: z.string().max(100).optional().describe('case-insensitive text in title, description, question or tags'),
});
export type ListChallengesQuery = z.infer<typeof listChallengesQuery>;

export const challengeParams = idParams;
export const hintParams = idParams.extend({ level: z.coerce.number().int().positive().describe('1 for the first hint; beyond the last → 404') });

export const deleteChallengeQuery = z.object({
  hard: booleanQuery.optional().describe('true: delete the row and its attempts for good (archiviste only)'),
});

export const submitAttemptBody = z
  .object({
    user_solution: z.union([z.string().trim().min(1).max(1000), z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).transform(String)]),
    time_spent: z.number().min(0).max(86_400).optional().describe('seconds'),
    hints_used: z.number().int().min(0).max(MAX_HINTS).optional().describe('highest hint level the learner asked for'),
    notes: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ example: { user_solution: '32', time_spent: 40, hints_used: 1 } });
export type SubmitAttemptInput = z.infer<typeof submitAttemptBody>;

// ---------- outputs ----------

export const challengeSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string().nullable(),
    challenge_type: z.enum(CHALLENGE_TYPES),
    age_group: z.enum(AGE_GROUPS),
    difficulty: z.enum(DIFFICULTIES).nullable(),
    content: z.string().nullable(),
    question: z.string().nullable(),
    choices: z.unknown(),
    visual_data: z.unknown(),
    hint_count: z.number().int(),
    is_active: z.boolean(),
    creator_id: z.number().int().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    difficulty_rating: z.number().nullable().describe('1–5, or null when not rated (an imported challenge)'),
    estimated_time_minutes: z.number().int().nullable().describe('minutes, or null when not given (an imported challenge)'),
    success_rate: z
      .number()
      .nullable()
      .describe('percentage (0–100) of all attempts that were correct; null until the first attempt when the original had not computed it'),
    image_url: z.string().nullable(),
    source_reference: z.string().nullable(),
    tags: z.string().nullable(),
    is_template: z.boolean(),
    generation_parameters: z.unknown(),
    is_archived: z.boolean(),
    view_count: z.number().int(),
    attempts_allowed: z.number().int().describe('attempts a learner gets before the solution is shown'),
    attempts_made: z.number().int().describe("the caller's attempts"),
    attempts_left: z.number().int().describe('0 once solved or once the allowance is used up'),
    solved: z.boolean().describe('the caller has solved it'),
    answers_revealed: z.boolean().describe('whether solution, correct_answer, solution_explanation and hints are included'),
    solution: z.string().nullable().optional(),
    correct_answer: z.string().nullable().optional(),
    solution_explanation: z.string().nullable().optional(),
    hints: z.array(z.string()).optional(),
  })
  .meta({ id: 'LogicChallenge' });
export const challengePage = pageOf(challengeSchema, 'LogicChallengePage');
export type ChallengeView = z.infer<typeof challengeSchema>;

export const challengeAttemptSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    challenge_id: z.number().int(),
    user_solution: z.string(),
    is_correct: z.boolean(),
    time_spent: z.number().nullable(),
    hints_used: z.number().int(),
    attempt_number: z.number().int(),
    notes: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'LogicChallengeAttempt' });

export const attemptResultSchema = z.object({
  attempt: challengeAttemptSchema,
  is_correct: z.boolean(),
  attempts_left: z.number().int(),
  solution: z.string().nullable().optional(),
  correct_answer: z.string().nullable().optional(),
  solution_explanation: z.string().nullable().optional(),
  new_badges: z.array(awardedBadgeSchema).describe('badges this attempt earned'),
});
export type AttemptResult = z.infer<typeof attemptResultSchema>;

export const hintsSchema = z.object({
  challenge_id: z.number().int(),
  level: z.number().int(),
  total_hints: z.number().int(),
  hints: z.array(z.string()).describe('hints 1..level, easiest first'),
  has_more: z.boolean(),
});
export type HintsView = z.infer<typeof hintsSchema>;

export const challengeStatsSchema = z.object({
  challenge_id: z.number().int(),
  attempts: z.number().int(),
  correct_attempts: z.number().int(),
  distinct_users: z.number().int(),
  users_solved: z.number().int(),
  success_rate: z.number().describe('percentage (0–100) of attempts that were correct'),
  average_time: z.number().nullable().describe('mean time_spent in seconds of the attempts that gave one'),
  average_hints_used: z.number().nullable(),
  by_attempt_number: z.array(
    z.object({
      attempt_number: z.number().int(),
      attempts: z.number().int(),
      correct_attempts: z.number().int(),
      success_rate: z.number(),
    }),
  ),
});
export type ChallengeStats = z.infer<typeof challengeStatsSchema>;
