// The role matrix: every endpoint × (anonymous, padawan, maitre, gardien, archiviste) → status.
// Content belongs to a separate author (a maitre) and user routes target a separate learner, so
// ownership never helps the caller. The test also proves the matrix covers every documented
// route, and that no response of the whole walk carries a password hash.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../src/db/enums.js';
import { MAX_ID } from '../src/http/schemas.js';
import { buildTestApp, describeEachDialect, type TestContext } from './helpers/app.js';
import { createUser, TEST_PASSWORD, type TestUser } from './helpers/users.js';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'padawan', 'maitre', 'gardien', 'archiviste'];

interface Fixture {
  author: TestUser;
  learner: TestUser;
  /** makes the badges the PATCH row changes */
  gardien: TestUser;
  exerciseId: number;
  challengeId: number;
  learnerAttemptId: number;
}

interface Cell {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: Record<string, unknown>;
  /** Another account of the caller's role, when the action would end the caller's own session. */
  headers?: { authorization: string };
}

interface Row {
  route: string; // "METHOD /path/with/:params" as in the OpenAPI document
  /** Builds the request; may create what it needs (e.g. a fresh resource to delete). */
  request(ctx: TestContext, f: Fixture, caller: TestUser | null): Promise<Cell> | Cell;
  expected: [anonymous: number, padawan: number, maitre: number, gardien: number, archiviste: number];
}

let unique = 0;
const next = () => `${process.pid}${++unique}`;

async function newExercise(ctx: TestContext, author: TestUser): Promise<number> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/exercises',
    headers: author.headers,
    payload: { title: `Exercice ${next()}`, exercise_type: 'addition', difficulty: 'initie', question: 'Combien font 2 + 3 ?', correct_answer: '5' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const challengeBody = () => ({
  title: `Épreuve ${next()}`,
  description: 'Suite logique',
  challenge_type: 'sequence',
  age_group: '10-12',
  difficulty: 'padawan',
  question: 'Quel nombre suit : 2, 4, 8, 16 ?',
  correct_answer: '32',
  solution_explanation: 'Chaque nombre double.',
  hints: ['Regarde comment on passe de 2 à 4.', 'On multiplie.'],
});

async function newChallenge(ctx: TestContext, author: TestUser): Promise<number> {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: author.headers, payload: challengeBody() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const ROWS: Row[] = [
  {
    route: 'POST /api/auth/register',
    request: () => ({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: `new${next()}`, email: `n${next()}@example.org`, password: 'long enough pw' },
    }),
    expected: [201, 201, 201, 201, 201],
  },
  {
    route: 'POST /api/auth/login',
    request: (_c, f) => ({ method: 'POST', url: '/api/auth/login', payload: { username: f.learner.username, password: TEST_PASSWORD } }),
    expected: [200, 200, 200, 200, 200],
  },
  {
    route: 'POST /api/auth/refresh',
    request: async (ctx, f) => {
      const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: f.learner.username, password: TEST_PASSWORD } });
      return { method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: login.json().refresh_token } };
    },
    expected: [200, 200, 200, 200, 200],
  },
  {
    route: 'POST /api/auth/logout',
    request: () => ({ method: 'POST', url: '/api/auth/logout', payload: { refresh_token: 'unknown-token' } }),
    expected: [401, 204, 204, 204, 204],
  },
  { route: 'GET /api/auth/me', request: () => ({ method: 'GET', url: '/api/auth/me' }), expected: [401, 200, 200, 200, 200] },
  // the mailed links: public but for resend (the caller's own address); made-up tokens are refused alike
  {
    route: 'POST /api/auth/forgot-password',
    request: () => ({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: `someone${next()}@example.org` } }),
    expected: [202, 202, 202, 202, 202],
  },
  {
    route: 'POST /api/auth/reset-password',
    request: () => ({ method: 'POST', url: '/api/auth/reset-password', payload: { token: 'made-up', new_password: 'long enough pw' } }),
    expected: [400, 400, 400, 400, 400],
  },
  {
    route: 'POST /api/auth/resend-verification',
    request: () => ({ method: 'POST', url: '/api/auth/resend-verification' }),
    expected: [401, 202, 202, 202, 202],
  },
  {
    route: 'POST /api/auth/verify-email',
    request: () => ({ method: 'POST', url: '/api/auth/verify-email', payload: { token: 'made-up' } }),
    expected: [400, 400, 400, 400, 400],
  },
  { route: 'GET /api/auth/csrf', request: () => ({ method: 'GET', url: '/api/auth/csrf' }), expected: [200, 200, 200, 200, 200] },
  {
    route: 'POST /api/auth/cookie/login',
    request: () => ({ method: 'POST', url: '/api/auth/cookie/login', payload: { username: 'nobody', password: 'wrong-password' } }),
    expected: [401, 401, 401, 401, 401],
  },
  // no refresh cookie: nothing to trade, whatever bearer token comes along
  { route: 'POST /api/auth/cookie/refresh', request: () => ({ method: 'POST', url: '/api/auth/cookie/refresh' }), expected: [401, 401, 401, 401, 401] },
  { route: 'POST /api/auth/cookie/logout', request: () => ({ method: 'POST', url: '/api/auth/cookie/logout' }), expected: [204, 204, 204, 204, 204] },
  { route: 'GET /api/users/me/sessions', request: () => ({ method: 'GET', url: '/api/users/me/sessions' }), expected: [401, 200, 200, 200, 200] },
  // only one's own sessions can be ended: any other id is 404, staff included
  {
    route: 'DELETE /api/users/me/sessions/:id',
    request: () => ({ method: 'DELETE', url: `/api/users/me/sessions/${MAX_ID}` }),
    expected: [401, 404, 404, 404, 404],
  },
  { route: 'DELETE /api/users/me/sessions', request: () => ({ method: 'DELETE', url: '/api/users/me/sessions' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/users', request: () => ({ method: 'GET', url: '/api/users' }), expected: [401, 403, 403, 200, 200] },
  { route: 'GET /api/users/me', request: () => ({ method: 'GET', url: '/api/users/me' }), expected: [401, 200, 200, 200, 200] },
  {
    route: 'PATCH /api/users/me',
    request: () => ({ method: 'PATCH', url: '/api/users/me', payload: { full_name: 'Obi-Wan' } }),
    expected: [401, 200, 200, 200, 200],
  },
  {
    route: 'PUT /api/users/me/password',
    // a password change voids the account's access tokens: done by a fresh account of the caller's role
    request: async (ctx, _f, caller) => ({
      method: 'PUT',
      url: '/api/users/me/password',
      payload: { current_password: TEST_PASSWORD, new_password: TEST_PASSWORD },
      headers: caller ? (await createUser(ctx, caller.role)).headers : undefined,
    }),
    expected: [401, 204, 204, 204, 204],
  },
  {
    route: 'DELETE /api/users/me',
    // erasing one's own account: done by a fresh account of the caller's role
    request: async (ctx, _f, caller) => ({
      method: 'DELETE',
      url: '/api/users/me',
      payload: { current_password: TEST_PASSWORD },
      headers: caller ? (await createUser(ctx, caller.role)).headers : undefined,
    }),
    expected: [401, 204, 204, 204, 204],
  },
  { route: 'GET /api/users/me/export', request: () => ({ method: 'GET', url: '/api/users/me/export' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/users/:id', request: (_c, f) => ({ method: 'GET', url: `/api/users/${f.learner.id}` }), expected: [401, 404, 404, 200, 200] },
  {
    route: 'PATCH /api/users/:id',
    request: (_c, f) => ({ method: 'PATCH', url: `/api/users/${f.learner.id}`, payload: { full_name: 'Ezra' } }),
    expected: [401, 403, 403, 403, 200],
  },
  {
    route: 'DELETE /api/users/:id',
    request: async (ctx) => ({ method: 'DELETE', url: `/api/users/${(await createUser(ctx, 'padawan')).id}` }),
    expected: [401, 404, 404, 403, 204],
  },
  { route: 'GET /api/users/:id/stats', request: (_c, f) => ({ method: 'GET', url: `/api/users/${f.learner.id}/stats` }), expected: [401, 404, 404, 200, 200] },
  {
    route: 'GET /api/users/:id/progress',
    request: (_c, f) => ({ method: 'GET', url: `/api/users/${f.learner.id}/progress` }),
    expected: [401, 404, 404, 200, 200],
  },
  { route: 'GET /api/exercises', request: () => ({ method: 'GET', url: '/api/exercises' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/exercises/types', request: () => ({ method: 'GET', url: '/api/exercises/types' }), expected: [200, 200, 200, 200, 200] },
  { route: 'GET /api/exercises/difficulties', request: () => ({ method: 'GET', url: '/api/exercises/difficulties' }), expected: [200, 200, 200, 200, 200] },
  { route: 'GET /api/exercises/random', request: () => ({ method: 'GET', url: '/api/exercises/random' }), expected: [401, 200, 200, 200, 200] },
  {
    route: 'POST /api/exercises/generate',
    request: () => ({ method: 'POST', url: '/api/exercises/generate', payload: { exercise_type: 'multiplication', difficulty: 'padawan' } }),
    expected: [401, 201, 201, 201, 201],
  },
  { route: 'GET /api/exercises/:id', request: (_c, f) => ({ method: 'GET', url: `/api/exercises/${f.exerciseId}` }), expected: [401, 200, 200, 200, 200] },
  {
    route: 'POST /api/exercises',
    request: () => ({
      method: 'POST',
      url: '/api/exercises',
      payload: { title: `Nouvel exercice ${next()}`, exercise_type: 'addition', difficulty: 'initie', question: '1 + 1 ?', correct_answer: '2' },
    }),
    expected: [401, 403, 201, 201, 201],
  },
  {
    route: 'PATCH /api/exercises/:id',
    request: (_c, f) => ({ method: 'PATCH', url: `/api/exercises/${f.exerciseId}`, payload: { hint: 'Compte sur tes doigts.' } }),
    expected: [401, 403, 403, 403, 200],
  },
  {
    route: 'DELETE /api/exercises/:id',
    request: async (ctx, f) => ({ method: 'DELETE', url: `/api/exercises/${await newExercise(ctx, f.author)}` }),
    expected: [401, 403, 403, 403, 204],
  },
  {
    route: 'POST /api/exercises/:id/attempts',
    request: (_c, f) => ({ method: 'POST', url: `/api/exercises/${f.exerciseId}/attempts`, payload: { user_answer: '5', time_spent: 3 } }),
    expected: [401, 201, 201, 201, 201],
  },
  { route: 'GET /api/attempts', request: () => ({ method: 'GET', url: '/api/attempts' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/attempts/:id', request: (_c, f) => ({ method: 'GET', url: `/api/attempts/${f.learnerAttemptId}` }), expected: [401, 404, 404, 200, 200] },
  { route: 'GET /api/progress', request: () => ({ method: 'GET', url: '/api/progress' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/progress/:exercise_type', request: () => ({ method: 'GET', url: '/api/progress/addition' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/badges', request: () => ({ method: 'GET', url: '/api/badges' }), expected: [401, 200, 200, 200, 200] },
  {
    route: 'POST /api/badges',
    request: () => ({ method: 'POST', url: '/api/badges', payload: { code: `badge_${next()}`, name: 'Badge', requirements: { attempts_count: 5 } } }),
    expected: [401, 403, 403, 201, 201],
  },
  {
    route: 'PATCH /api/badges/:id',
    request: async (ctx, f) => {
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/badges',
        headers: f.gardien.headers,
        payload: { code: `badge_${next()}`, name: 'Badge', requirements: { max_time: 3 } },
      });
      return { method: 'PATCH', url: `/api/badges/${created.json().id}`, payload: { points_reward: 5 } };
    },
    expected: [401, 403, 403, 200, 200],
  },
  {
    route: 'GET /api/badges/unknown-requirements',
    request: () => ({ method: 'GET', url: '/api/badges/unknown-requirements' }),
    expected: [401, 403, 403, 200, 200],
  },
  { route: 'GET /api/users/me/badges', request: () => ({ method: 'GET', url: '/api/users/me/badges' }), expected: [401, 200, 200, 200, 200] },
  {
    route: 'PUT /api/users/me/badges/pinned',
    request: () => ({ method: 'PUT', url: '/api/users/me/badges/pinned', payload: { achievement_ids: [] } }),
    expected: [401, 200, 200, 200, 200],
  },
  { route: 'GET /api/leaderboard', request: () => ({ method: 'GET', url: '/api/leaderboard?period=all' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/users/me/recommendations', request: () => ({ method: 'GET', url: '/api/users/me/recommendations' }), expected: [401, 200, 200, 200, 200] },
  // only one's own recommendation: nobody has this one
  {
    route: 'POST /api/users/me/recommendations/:id/clicked',
    request: () => ({ method: 'POST', url: '/api/users/me/recommendations/2147483647/clicked' }),
    expected: [401, 404, 404, 404, 404],
  },
  { route: 'GET /api/challenges', request: () => ({ method: 'GET', url: '/api/challenges' }), expected: [401, 200, 200, 200, 200] },
  { route: 'GET /api/challenges/:id', request: (_c, f) => ({ method: 'GET', url: `/api/challenges/${f.challengeId}` }), expected: [401, 200, 200, 200, 200] },
  { route: 'POST /api/challenges', request: () => ({ method: 'POST', url: '/api/challenges', payload: challengeBody() }), expected: [401, 403, 201, 201, 201] },
  {
    route: 'PATCH /api/challenges/:id',
    request: (_c, f) => ({ method: 'PATCH', url: `/api/challenges/${f.challengeId}`, payload: { description: 'Suite de puissances' } }),
    expected: [401, 403, 403, 403, 200],
  },
  {
    route: 'DELETE /api/challenges/:id',
    request: async (ctx, f) => ({ method: 'DELETE', url: `/api/challenges/${await newChallenge(ctx, f.author)}` }),
    expected: [401, 403, 403, 403, 204],
  },
  {
    route: 'POST /api/challenges/:id/attempts',
    request: (_c, f) => ({ method: 'POST', url: `/api/challenges/${f.challengeId}/attempts`, payload: { user_solution: '31' } }),
    expected: [401, 201, 201, 201, 201],
  },
  {
    route: 'GET /api/challenges/:id/hints/:level',
    request: (_c, f) => ({ method: 'GET', url: `/api/challenges/${f.challengeId}/hints/1` }),
    expected: [401, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/challenges/:id/stats',
    request: (_c, f) => ({ method: 'GET', url: `/api/challenges/${f.challengeId}/stats` }),
    expected: [401, 200, 200, 200, 200],
  },
  { route: 'GET /admin/health', request: () => ({ method: 'GET', url: '/admin/health' }), expected: [200, 200, 200, 200, 200] },
  { route: 'GET /admin/health?full=true', request: () => ({ method: 'GET', url: '/admin/health?full=true' }), expected: [401, 403, 403, 403, 200] },
  { route: 'GET /admin/stats', request: () => ({ method: 'GET', url: '/admin/stats' }), expected: [401, 403, 403, 403, 200] },
  { route: 'POST /admin/optimize', request: () => ({ method: 'POST', url: '/admin/optimize' }), expected: [401, 403, 403, 403, 200] },
  ...['overview', 'queries', 'space', 'connections', 'maintenance', 'learning'].map(
    (page): Row => ({
      route: `GET /admin/dashboard/${page}`,
      request: () => ({ method: 'GET', url: `/admin/dashboard/${page}` }),
      expected: [401, 403, 403, 403, 200],
    }),
  ),
  ...['queries/enable', 'backup', 'snapshot'].map(
    (action): Row => ({
      route: `POST /admin/dashboard/${action}`,
      request: () => ({ method: 'POST', url: `/admin/dashboard/${action}` }),
      expected: [401, 403, 403, 403, 200],
    }),
  ),
  {
    // without {"confirm": true} nothing is cancelled: the archiviste gets 400
    route: 'POST /admin/dashboard/connections/:pid/:action',
    request: () => ({ method: 'POST', url: '/admin/dashboard/connections/1/cancel', payload: {} }),
    expected: [401, 403, 403, 403, 400],
  },
];

describeEachDialect('role matrix', (dialect) => {
  // the dashboard's backup button writes here, not into the working tree
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-roles-'));
  let ctx: TestContext;
  let fixture: Fixture;
  const callers = new Map<Caller, TestUser | null>();
  const bodies: string[] = [];

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { BACKUP_DIR: backupDir });
    for (const caller of CALLERS) callers.set(caller, caller === 'anonymous' ? null : await createUser(ctx, caller));
    const author = await createUser(ctx, 'maitre');
    const learner = await createUser(ctx, 'padawan');
    const exerciseId = await newExercise(ctx, author);
    const challengeId = await newChallenge(ctx, author);
    const attempt = await ctx.app.inject({
      method: 'POST',
      url: `/api/exercises/${exerciseId}/attempts`,
      headers: learner.headers,
      payload: { user_answer: '4' },
    });
    expect(attempt.statusCode).toBe(201);
    fixture = { author, learner, gardien: await createUser(ctx, 'gardien'), exerciseId, challengeId, learnerAttemptId: attempt.json().attempt.id };
  });
  afterAll(async () => {
    await ctx.close();
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(ROWS.map((r) => r.route.split('?')[0]));
    expect(documented.filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(ROWS.map((row) => [row.route, row] as const))('%s', async (_name, row) => {
    const actual: number[] = [];
    for (const caller of CALLERS) {
      const user = callers.get(caller) ?? null;
      const cell = await row.request(ctx, fixture, user);
      const res = await ctx.app.inject({ ...cell, headers: cell.headers ?? user?.headers });
      bodies.push(res.body);
      actual.push(res.statusCode);
    }
    expect(Object.fromEntries(CALLERS.map((c, i) => [c, actual[i]]))).toEqual(Object.fromEntries(CALLERS.map((c, i) => [c, row.expected[i]])));
  });

  it('never answered with a password hash', () => {
    expect(bodies.length).toBe(ROWS.length * CALLERS.length);
    for (const body of bodies) expect(body).not.toMatch(/hashed_password|\$argon2/);
  });
});
