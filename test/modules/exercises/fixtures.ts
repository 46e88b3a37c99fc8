// Exercises and attempts made through the API, for the exercises, attempts and progress tests.
import { expect } from 'vitest';
import type { TestContext } from '../../helpers/app.js';
import type { TestUser } from '../../helpers/users.js';

let counter = 0;

export interface ExerciseJson {
  id: number;
  title: string;
  creator_id: number | null;
  exercise_type: string;
  difficulty: string;
  question: string;
  correct_answer?: string;
  explanation?: string | null;
  choices: string[] | null;
  is_active: boolean;
  is_archived: boolean;
  view_count: number;
  tags: string | null;
  updated_at: string;
}

/** POST /api/exercises as `author` (maitre or above); fails the test unless 201. */
export async function createExercise(ctx: TestContext, author: TestUser, fields: Record<string, unknown> = {}): Promise<ExerciseJson> {
  counter++;
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/exercises',
    headers: author.headers,
    payload: {
      title: `Exercice ${counter}`,
      exercise_type: 'addition',
      difficulty: 'initie',
      question: `Combien font ${counter} + 1 ?`,
      correct_answer: String(counter + 1),
      explanation: `${counter} + 1 = ${counter + 1}`,
      ...fields,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A progress row as the API returns it. */
export interface ProgressJson {
  exercise_type: string;
  difficulty: string;
  total_attempts: number;
  correct_attempts: number;
  timed_attempts: number;
  average_time: number | null;
  completion_rate: number;
  streak: number;
  highest_streak: number;
  mastery_level: number;
  last_active_date: string | null;
}

export interface AttemptBody {
  user_answer: string | number;
  time_spent?: number | null;
  hints_used?: number;
  device_info?: string;
}

export function postAttempt(ctx: TestContext, user: TestUser, exerciseId: number, body: AttemptBody) {
  return ctx.app.inject({ method: 'POST', url: `/api/exercises/${exerciseId}/attempts`, headers: user.headers, payload: body });
}

/** POST an attempt; fails the test unless 201. */
export async function answer(ctx: TestContext, user: TestUser, exerciseId: number, body: AttemptBody) {
  const res = await postAttempt(ctx, user, exerciseId, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
