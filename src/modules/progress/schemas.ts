import { z } from 'zod';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../db/enums.js';
import type { Tables } from '../../db/client.js';
import { enumInput, timestamp } from '../../http/schemas.js';

export type ProgressRow = Tables['progress']['$inferSelect'];

/** One user's progress in one exercise type and difficulty. */
export const progressSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    exercise_type: z.enum(EXERCISE_TYPES),
    difficulty: z.enum(DIFFICULTIES),
    total_attempts: z.number().int(),
    correct_attempts: z.number().int(),
    timed_attempts: z.number().int().describe('attempts that reported a time_spent'),
    average_time: z.number().nullable().describe('mean time_spent in seconds of the timed attempts'),
    completion_rate: z.number().describe('percentage 0–100 of correct attempts'),
    streak: z.number().int().describe('consecutive correct attempts, reset by a wrong one'),
    highest_streak: z.number().int(),
    concept_mastery: z.unknown().nullable(),
    learning_curve: z.unknown().nullable(),
    last_active_date: timestamp.nullable(),
    mastery_level: z.number().int().describe('1–5 from the completion rate: ≥95 → 5, ≥85 → 4, ≥70 → 3, ≥50 → 2'),
    awards: z.unknown().nullable(),
    strengths: z.string().nullable(),
    areas_to_improve: z.string().nullable(),
    recommendations: z.string().nullable(),
    last_updated: timestamp,
  })
  .meta({ id: 'Progress' });
export type ProgressView = z.infer<typeof progressSchema>;

export const progressSummarySchema = z.object({
  total_attempts: z.number().int(),
  correct_attempts: z.number().int(),
  completion_rate: z.number().describe('percentage 0–100 over all the rows'),
  average_time: z.number().nullable().describe('mean time_spent over every timed attempt'),
  highest_streak: z.number().int(),
  last_active_date: timestamp.nullable(),
});

export const progressReportSchema = z
  .object({
    user_id: z.number().int(),
    items: z.array(progressSchema).describe('one row per exercise type and difficulty practised'),
    summary: progressSummarySchema,
  })
  .meta({ id: 'ProgressReport' });
export type ProgressReport = z.infer<typeof progressReportSchema>;

export const exerciseTypeParams = z.object({ exercise_type: enumInput(EXERCISE_TYPES) });
