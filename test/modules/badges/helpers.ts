// Shared steps of the badge tests: a badge made by a gardien, exercise and challenge attempts
// that report which badges they earned, and the ledger invariant read from the database.
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestContext } from '../../helpers/app.js';
import type { TestUser } from '../../helpers/users.js';
import type { ExerciseJson } from '../exercises/fixtures.js';

let counter = 0;

/** A unique badge code for this run. */
export function badgeCode(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}`;
}

export async function postBadge(
  ctx: TestContext,
  gardien: TestUser,
  code: string,
  requirements: Record<string, unknown>,
  fields: Record<string, unknown> = {},
) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/badges',
    headers: gardien.headers,
    payload: { code, name: `Badge ${code}`, difficulty: 'bronze', points_reward: 10, requirements, ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; code: string; points_reward: number };
}

interface AttemptReply {
  new_badges: { code: string }[];
}

/** Answers an exercise (right or wrong); returns the codes of the badges the attempt earned. */
export async function answerExercise(ctx: TestContext, learner: TestUser, exercise: ExerciseJson, right: boolean, time_spent?: number): Promise<string[]> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/exercises/${exercise.id}/attempts`,
    headers: learner.headers,
    payload: { user_answer: right ? exercise.correct_answer : 'faux', ...(time_spent === undefined ? {} : { time_spent }) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as AttemptReply).new_badges.map((badge) => badge.code);
}

/** Answers a logic challenge; returns the codes of the badges the attempt earned. */
export async function answerChallenge(ctx: TestContext, learner: TestUser, challengeId: number, solution: string): Promise<string[]> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/challenges/${challengeId}/attempts`,
    headers: learner.headers,
    payload: { user_solution: solution },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as AttemptReply).new_badges.map((badge) => badge.code);
}

/** Runs the steps in order; returns the (0-based) steps whose attempt earned `code`. */
export async function stepsEarning(code: string, steps: (() => Promise<string[]>)[]): Promise<number[]> {
  const earnedAt: number[] = [];
  for (const [i, step] of steps.entries()) if ((await step()).includes(code)) earnedAt.push(i);
  return earnedAt;
}

/** users.total_points, the sum of the user's ledger rows and of their point_days (what the rolling leaderboards read), read from the database. */
export async function pointsAndLedger(ctx: TestContext, userId: number): Promise<{ total_points: number; ledger: number; rows: number; days: number }> {
  const { users, pointEvents, pointDays } = ctx.database.tables;
  const [user] = await ctx.database.db.select({ total_points: users.total_points }).from(users).where(eq(users.id, userId));
  const [ledger] = await ctx.database.db
    .select({ sum: sql<number>`coalesce(sum(${pointEvents.points_delta}), 0)`, rows: sql<number>`count(*)` })
    .from(pointEvents)
    .where(eq(pointEvents.user_id, userId));
  const [days] = await ctx.database.db
    .select({ sum: sql<number>`coalesce(sum(${pointDays.points}), 0)` })
    .from(pointDays)
    .where(eq(pointDays.user_id, userId));
  return { total_points: user.total_points, ledger: Number(ledger.sum), rows: Number(ledger.rows), days: Number(days.sum) };
}
