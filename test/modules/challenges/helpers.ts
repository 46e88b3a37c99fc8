// Shared steps of the challenge tests: create a challenge and answer it through the API.
import { expect } from 'vitest';
import type { TestContext } from '../../helpers/app.js';
import type { TestUser } from '../../helpers/users.js';

let counter = 0;

/** A unique word to find this test's challenges with `?search=`. */
export function uniqueWord(prefix = 'holo'): string {
  return `${prefix}${process.pid}x${++counter}`;
}

export function challengeDraft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: `Épreuve ${uniqueWord()}`,
    challenge_type: 'sequence',
    age_group: '10-12',
    difficulty: 'padawan',
    question: 'Quel nombre suit : 2, 4, 6, 8 ?',
    correct_answer: '10',
    solution: 'On ajoute 2.',
    solution_explanation: '8 + 2 = 10',
    hints: ['Regarde les écarts.', 'On ajoute toujours le même nombre.', 'On ajoute 2.'],
    ...overrides,
  };
}

export async function postChallenge(ctx: TestContext, author: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: author.headers, payload: challengeDraft(overrides) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export function attempt(ctx: TestContext, user: TestUser, challengeId: number, payload: Record<string, unknown>) {
  return ctx.app.inject({ method: 'POST', url: `/api/challenges/${challengeId}/attempts`, headers: user.headers, payload });
}
