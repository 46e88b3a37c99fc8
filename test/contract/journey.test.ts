// The frontend's journeys, driven only through the generated client (client/) against the app
// listening on a real port: a learner from sign-up to sign-out, and an archiviste's maintenance.
// The only shortcut: the maître and archiviste accounts are made with the test helpers.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Session,
  createChallenge,
  createExercise,
  generateExercise,
  getAdminStats,
  getChallengeHints,
  getCurrentAccount,
  getMyProgress,
  listExercises,
  listUsers,
  optimizeDatabase,
  register,
  submitChallengeAttempt,
  submitExerciseAttempt,
} from '../../client/src/index.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';

describeEachDialect('the generated client against the running API', (dialect) => {
  let ctx: TestContext;
  let baseUrl: string;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => ctx?.close());

  it("carries a learner's whole journey", async () => {
    // a maître prepares an exercise and a challenge
    const maitre = await createUser(ctx, 'maitre');
    const teacher = new Session({ baseUrl });
    await teacher.login(maitre.username, TEST_PASSWORD);
    const { data: exercise } = await createExercise({
      client: teacher.client,
      throwOnError: true,
      body: { title: 'Les droïdes', exercise_type: 'soustraction', difficulty: 'initie', question: '12 - 5 ?', correct_answer: '7' },
    });
    const { data: challenge } = await createChallenge({
      client: teacher.client,
      throwOnError: true,
      body: {
        title: 'La suite des cristaux',
        challenge_type: 'sequence',
        age_group: '10-12',
        difficulty: 'padawan',
        question: 'Quel nombre suit : 2, 4, 8, 16 ?',
        correct_answer: '32',
        hints: ['Compare chaque nombre au précédent.', 'On multiplie toujours par deux.'],
      },
    });

    const session = new Session({ baseUrl });
    const username = `learner_${dialect}_${process.pid}`;
    const signedUp = await register({ client: session.client, body: { username, email: `${username}@example.org`, password: 'use-the-force-1977' } });
    expect(signedUp.response.status).toBe(201);
    expect(signedUp.data?.username).toBe(username);
    const duplicate = await register({ client: session.client, body: { username, email: `${username}@example.org`, password: 'use-the-force-1977' } });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.error.code).toBeTypeOf('string'); // the Error shape, typed

    const pair = await session.login(username, 'use-the-force-1977');
    expect(pair.access_token).toBeTruthy();
    expect((await getCurrentAccount({ client: session.client, throwOnError: true })).data.username).toBe(username);

    const listed = await listExercises({ client: session.client, throwOnError: true, query: { exercise_type: 'soustraction', limit: 10 } });
    expect(listed.data.items.map((e) => e.id)).toContain(exercise.id);
    expect(listed.data.items.every((e) => e.exercise_type === 'soustraction')).toBe(true);
    const none = await listExercises({ client: session.client, throwOnError: true, query: { exercise_type: 'fractions' } });
    expect(none.data.items.map((e) => e.id)).not.toContain(exercise.id);

    const { data: generated } = await generateExercise({
      client: session.client,
      throwOnError: true,
      body: { exercise_type: 'addition', difficulty: 'padawan', seed: 42 },
    });
    expect('id' in generated && generated.exercise_type).toBe('addition');
    const generatedId = (generated as { id: number }).id;
    const wrong = await submitExerciseAttempt({ client: session.client, throwOnError: true, path: { id: generatedId }, body: { user_answer: 'not a number' } });
    expect(wrong.data.is_correct).toBe(false);
    const right = await submitExerciseAttempt({
      client: session.client,
      throwOnError: true,
      path: { id: generatedId },
      body: { user_answer: wrong.data.correct_answer },
    });
    expect(right.data.is_correct).toBe(true);

    const progress = await getMyProgress({ client: session.client, throwOnError: true });
    expect(progress.data.summary.total_attempts).toBe(2);
    expect(progress.data.summary.correct_attempts).toBe(1);

    // an explicit rotation, then an access token the server refuses: the session refreshes once and retries
    const before = session.tokenPair;
    expect(await session.refresh()).toBe(true);
    expect(session.tokenPair?.refresh_token).not.toBe(before?.refresh_token);
    const stale = new Session({ baseUrl, tokens: { ...session.tokenPair!, access_token: 'not-a-token' } });
    expect((await getCurrentAccount({ client: stale.client, throwOnError: true })).data.username).toBe(username);
    expect(stale.tokenPair?.access_token).not.toBe('not-a-token');
    // the stale session rotated the pair: the first session's refresh token is spent, stale carries on

    const hints = await getChallengeHints({ client: stale.client, throwOnError: true, path: { id: challenge.id, level: 2 } });
    expect(hints.data.hints).toHaveLength(2);
    const solved = await submitChallengeAttempt({
      client: stale.client,
      throwOnError: true,
      path: { id: challenge.id },
      body: { user_solution: '32', hints_used: 2 },
    });
    expect(solved.data.is_correct).toBe(true);

    await stale.logout();
    expect(stale.tokenPair).toBeNull();
    const afterLogout = await getCurrentAccount({ client: stale.client });
    expect(afterLogout.response.status).toBe(401);
  });

  it("carries an archiviste's maintenance", async () => {
    const archiviste = await createUser(ctx, 'archiviste');
    const session = new Session({ baseUrl });
    await session.login(archiviste.username, TEST_PASSWORD);
    const users = await listUsers({ client: session.client, throwOnError: true, query: { role: 'archiviste' } });
    expect(users.data.items.map((u) => u.username)).toContain(archiviste.username);
    const stats = await getAdminStats({ client: session.client });
    expect(stats.response.status).toBe(200);
    expect(stats.data?.dialect).toBe(dialect);
    const optimized = await optimizeDatabase({ client: session.client, throwOnError: true });
    expect(optimized.data.dialect).toBe(dialect);
    expect(optimized.data.ok).toBe(true);

    const learner = await createUser(ctx, 'padawan');
    const refused = new Session({ baseUrl });
    await refused.login(learner.username, TEST_PASSWORD);
    expect((await optimizeDatabase({ client: refused.client })).response.status).toBe(403);
  });
});
