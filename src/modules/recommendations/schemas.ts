import { z } from 'zod';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../db/enums.js';
import { timestamp } from '../../http/schemas.js';

/**
 * Why an exercise is recommended: the original's reason codes where it had the same reason
 * (its clients translate them), `reco.exercise.review` for a wrong answer to try again.
 */
export const REASON_CODES = {
  review: 'reco.exercise.review',
  improvement: 'reco.exercise.improvement',
  progression: 'reco.exercise.progression',
  discovery: 'reco.exercise.discovery',
} as const;
export type ReasonCode = (typeof REASON_CODES)[keyof typeof REASON_CODES];

export const MAX_RECOMMENDATIONS = 10;

export const recommendationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).default(5).describe('how many to recommend, 1–10'),
});

export const recommendationSchema = z
  .object({
    id: z.number().int().describe('the recommendation (for POST …/clicked)'),
    exercise: z.object({
      id: z.number().int(),
      title: z.string(),
      exercise_type: z.enum(EXERCISE_TYPES),
      difficulty: z.enum(DIFFICULTIES),
    }),
    reason_code: z
      .enum(Object.values(REASON_CODES) as [ReasonCode, ...ReasonCode[]])
      .describe(
        'review: answered wrongly and never solved; improvement: in the type and difficulty with the lowest success rate; ' +
          'progression: the next difficulty of a type the learner masters; discovery: not yet attempted',
      ),
    reason_params: z.record(z.string(), z.union([z.string(), z.number()])).describe('what the reason is about (type, difficulty, success rate…)'),
    priority: z.number().int().describe('higher first'),
    shown_count: z.number().int(),
    clicked_count: z.number().int(),
  })
  .meta({ id: 'Recommendation' });

export const recommendationListSchema = z.object({ items: z.array(recommendationSchema) }).meta({ id: 'RecommendationList' });

export const recommendationClickSchema = z
  .object({ id: z.number().int(), clicked_count: z.number().int(), last_clicked_at: timestamp })
  .meta({ id: 'RecommendationClick' });

export type RecommendationView = z.infer<typeof recommendationSchema>;
export type RecommendationClick = z.infer<typeof recommendationClickSchema>;
