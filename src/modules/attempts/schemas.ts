import { z } from 'zod';
import type { Tables } from '../../db/client.js';
import { booleanQuery, entityId, pageOf, paginationQuery, timestamp } from '../../http/schemas.js';
import { awardedBadgeSchema } from '../badges/schemas.js';
import { progressSchema } from '../progress/schemas.js';

export type AttemptRow = Tables['attempts']['$inferSelect'];

export const attemptSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    exercise_id: z.number().int(),
    user_answer: z.string(),
    is_correct: z.boolean(),
    time_spent: z.number().nullable().describe('seconds'),
    attempt_number: z.number().int().describe("1 for this user's first attempt at this exercise"),
    hints_used: z.number().int(),
    device_info: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Attempt' });

export const submitAttemptBody = z
  .object({
    // a number is accepted too (`12`): it is the same answer as "12"
    user_answer: z
      .union([z.string(), z.number()])
      .transform((answer) => String(answer).trim())
      .pipe(z.string().min(1, 'must not be blank').max(500)),
    time_spent: z.number().min(0).max(86_400).nullable().optional().describe('seconds'),
    hints_used: z.number().int().min(0).max(100).optional(),
    device_info: z.string().trim().max(255).nullable().optional(),
  })
  .strict()
  .meta({ example: { user_answer: '42', time_spent: 12.5, hints_used: 0, device_info: 'tablet' } });
export type SubmitAttemptInput = z.infer<typeof submitAttemptBody>;

export const attemptResultSchema = z
  .object({
    attempt: attemptSchema,
    is_correct: z.boolean(),
    correct_answer: z.string(),
    explanation: z.string().nullable(),
    progress: progressSchema.describe('the progress row of this type and difficulty, after this attempt'),
    points_earned: z.number().int().describe('per difficulty on a correct answer: initié 10, padawan 20, chevalier 30, maître 50'),
    new_badges: z.array(awardedBadgeSchema).describe('badges this attempt earned (their points are added to total_points, not to points_earned)'),
  })
  .meta({ id: 'AttemptResult' });
export type AttemptResult = z.infer<typeof attemptResultSchema>;

const positiveId = entityId;

export const listAttemptsQuery = paginationQuery.extend({
  user_id: positiveId.optional().describe("gardien and above: another user's attempts"),
  exercise_id: positiveId.optional(),
  is_correct: booleanQuery.optional(),
});
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuery>;

export const attemptPage = pageOf(attemptSchema, 'AttemptPage');
