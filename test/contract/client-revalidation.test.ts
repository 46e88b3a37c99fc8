// The generated client's Session revalidates catalogue reads (#24): a GET whose answer carried an
// ETag goes out again with If-None-Match, the API answers 304 without a body, and the call returns
// the kept body; after a change the API answers 200 with the new content and the client keeps it.
// Against the app listening on a real port, on both dialects; the fetch is wrapped only to watch.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Session, getExercise, listExercises, submitExerciseAttempt, updateExercise } from '../../client/src/index.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';
import { createExercise } from '../modules/exercises/fixtures.js';

describeEachDialect('the client revalidates catalogue reads', (dialect) => {
  let ctx: TestContext;
  let baseUrl: string;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => ctx?.close());

  it('sends If-None-Match, returns the kept body on 304, and the new one after a change', async () => {
    const maitre = await createUser(ctx, 'maitre');
    const learner = await createUser(ctx, 'padawan');
    const exercise = await createExercise(ctx, maitre);
    const seen: { url: string; ifNoneMatch: string | null; status: number; bodyBytes: number }[] = [];
    const watching: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      const bodyBytes = (await response.clone().arrayBuffer()).byteLength;
      seen.push({ url: new URL(request.url).pathname, ifNoneMatch: request.headers.get('if-none-match'), status: response.status, bodyBytes });
      return response;
    };
    const session = new Session({ baseUrl, fetch: watching });
    await session.login(learner.username, TEST_PASSWORD);
    const last = () => seen[seen.length - 1];

    const first = await listExercises({ client: session.client, query: { limit: 20 }, throwOnError: true });
    expect(last()).toMatchObject({ ifNoneMatch: null, status: 200 });
    const etag = first.response.headers.get('etag');
    expect(etag).toMatch(/^W\//);

    const second = await listExercises({ client: session.client, query: { limit: 20 }, throwOnError: true });
    expect(last()).toMatchObject({ ifNoneMatch: etag, status: 304, bodyBytes: 0 });
    expect(second.response.status).toBe(200);
    expect(second.data).toEqual(first.data);

    // by id: the same, then the learner's own attempt reveals the answer: 200 with it
    const one = await getExercise({ client: session.client, path: { id: exercise.id }, throwOnError: true });
    expect(one.data.correct_answer).toBeUndefined();
    await getExercise({ client: session.client, path: { id: exercise.id }, throwOnError: true });
    expect(last()).toMatchObject({ status: 304 });
    await submitExerciseAttempt({ client: session.client, path: { id: exercise.id }, body: { user_answer: 'non' }, throwOnError: true });
    const revealed = await getExercise({ client: session.client, path: { id: exercise.id }, throwOnError: true });
    expect(last()).toMatchObject({ status: 200 });
    expect(last().ifNoneMatch).toMatch(/^W\//);
    expect(revealed.data.correct_answer).toBe(exercise.correct_answer);

    // a teacher's edit: the list comes again, with it
    const teacher = new Session({ baseUrl });
    await teacher.login(maitre.username, TEST_PASSWORD);
    await updateExercise({ client: teacher.client, path: { id: exercise.id }, body: { title: 'Retitré' }, throwOnError: true });
    const third = await listExercises({ client: session.client, query: { limit: 20 }, throwOnError: true });
    expect(last()).toMatchObject({ ifNoneMatch: etag, status: 200 });
    expect(third.data.items.find((item) => item.id === exercise.id)?.title).toBe('Retitré');
    const fourth = await listExercises({ client: session.client, query: { limit: 20 }, throwOnError: true });
    expect(last()).toMatchObject({ ifNoneMatch: third.response.headers.get('etag'), status: 304 });
    expect(fourth.data).toEqual(third.data);

    // signing out forgets the kept answers: the next user starts without validators
    await session.logout();
    await session.login(learner.username, TEST_PASSWORD);
    await listExercises({ client: session.client, query: { limit: 20 }, throwOnError: true });
    expect(last()).toMatchObject({ ifNoneMatch: null, status: 200 });
  });
});
