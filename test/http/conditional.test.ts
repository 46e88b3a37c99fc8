// Conditional catalogue reads (#24): ETag + Cache-Control on the catalogue's GETs, 304 for a
// current If-None-Match, and a new ETag whenever what that learner sees changes: an edit, an
// archive, a new exercise, a write outside the API, their own first attempt. Through HTTP, on both
// dialects, with two app instances on one database (the validator comes from the database).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { createExercise } from '../modules/exercises/fixtures.js';
import { postChallenge } from '../modules/challenges/helpers.js';

describeEachDialect('conditional catalogue reads', (dialect) => {
  let ctx: TestContext;
  let other: App; // a second instance on the same database
  let padawan: TestUser;
  let otherPadawan: TestUser;
  let maitre: TestUser;
  let exerciseId: number;

  const get = (url: string, user: TestUser | null, etag?: string, app: App = ctx.app) =>
    app.inject({ method: 'GET', url, headers: { ...(user ? user.headers : {}), ...(etag ? { 'if-none-match': etag } : {}) } });

  /** The ETag of a 200, checked to be a weak, private, always-revalidated one. */
  async function etagOf(url: string, user: TestUser | null, app: App = ctx.app): Promise<string> {
    const res = await get(url, user, undefined, app);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    return etag;
  }

  /** `sent` is the If-None-Match; `current` the ETag the answer must carry (the same unless told). */
  async function expectNotModified(url: string, user: TestUser | null, sent: string, app: App = ctx.app, current = sent) {
    const res = await get(url, user, sent, app);
    expect(res.statusCode, res.body).toBe(304);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(current);
    expect(res.headers['cache-control']).toBe('private, no-cache');
  }

  async function expectModified(url: string, user: TestUser | null, etag: string) {
    const res = await get(url, user, etag);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).not.toBe(etag);
    return res;
  }

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    // another process's view of the same database: its own connections, its own memory
    other = await buildApp({ config: ctx.config, database: openConfiguredDatabase(ctx.config) });
    await other.ready();
    padawan = await createUser(ctx, 'padawan');
    otherPadawan = await createUser(ctx, 'padawan');
    maitre = await createUser(ctx, 'maitre');
    for (let i = 0; i < 3; i++) exerciseId = (await createExercise(ctx, maitre)).id;
  });
  afterAll(async () => {
    await other.close();
    await ctx.close();
  });

  it('answers a current If-None-Match with 304 and no body, on the list and by id, on any instance', async () => {
    for (const url of ['/api/exercises?limit=20', `/api/exercises/${exerciseId}`]) {
      const etag = await etagOf(url, padawan);
      await expectNotModified(url, padawan, etag);
      await expectNotModified(url, padawan, `W/"nothing", ${etag}`, ctx.app, etag); // one of a list
      await expectNotModified(url, padawan, etag.slice(2), other, etag); // strong spelling, weak comparison; the other instance agrees
      expect(await etagOf(url, padawan, other)).toBe(etag);
      const stale = await get(url, padawan, 'W/"not-the-current-one"');
      expect(stale.statusCode).toBe(200);
      expect(stale.json()).toBeTruthy();
    }
  });

  it('gives each learner and role their own ETag', async () => {
    const url = '/api/exercises?limit=20';
    const mine = await etagOf(url, padawan);
    expect(await etagOf(url, otherPadawan)).not.toBe(mine);
    expect(await etagOf(url, maitre)).not.toBe(mine);
    expect((await get(url, otherPadawan, mine)).statusCode).toBe(200);
  });

  it('changes with an edit, on the other instance too', async () => {
    const url = `/api/exercises/${exerciseId}`;
    const before = await etagOf(url, padawan);
    const list = await etagOf('/api/exercises?limit=20', padawan);
    const patched = await other.inject({ method: 'PATCH', url, headers: maitre.headers, payload: { title: 'Titre changé' } });
    expect(patched.statusCode, patched.body).toBe(200);
    const res = await expectModified(url, padawan, before);
    expect(res.json().title).toBe('Titre changé');
    await expectModified('/api/exercises?limit=20', padawan, list);
  });

  it('changes with an archive and with a new exercise, and the total follows', async () => {
    const url = '/api/exercises?limit=20';
    const first = await get(url, padawan);
    const total = first.json().total as number;
    const created = await createExercise(ctx, maitre);
    const afterCreate = await expectModified(url, padawan, first.headers.etag as string);
    expect(afterCreate.json().total).toBe(total + 1);
    const archived = await ctx.app.inject({ method: 'DELETE', url: `/api/exercises/${created.id}`, headers: maitre.headers });
    expect(archived.statusCode).toBe(204);
    const afterArchive = await expectModified(url, padawan, afterCreate.headers.etag as string);
    expect(afterArchive.json().total).toBe(total);
  });

  it('changes with a write made outside the API (the CLI, an import): the database raises the version', async () => {
    const url = `/api/exercises/${exerciseId}`;
    const before = await etagOf(url, padawan);
    const { exercises } = ctx.database.tables;
    await ctx.database.transaction((tx) => tx.update(exercises).set({ is_active: false }).where(eq(exercises.id, exerciseId)));
    expect((await get(url, padawan, before)).statusCode).toBe(404); // gone for learners
    await ctx.database.transaction((tx) => tx.update(exercises).set({ is_active: true }).where(eq(exercises.id, exerciseId)));
    await expectModified(url, padawan, before);
  });

  it('does not change with a view count: statistics are not what the weak ETag follows', async () => {
    const url = `/api/exercises/${exerciseId}`;
    const before = await etagOf(url, padawan);
    const { exercises } = ctx.database.tables;
    // what the view counter writes when it flushes
    await ctx.database.transaction((tx) => tx.update(exercises).set({ view_count: 99, updated_at: exercises.updated_at }).where(eq(exercises.id, exerciseId)));
    await expectNotModified(url, padawan, before);
  });

  it("changes with the learner's own first attempt (it reveals the answer), for them only", async () => {
    const target = await createExercise(ctx, maitre);
    const url = `/api/exercises/${target.id}`;
    const mine = await etagOf(url, padawan);
    const hidden = await get(url, padawan);
    expect(hidden.json().correct_answer).toBeUndefined();
    const theirs = await etagOf(url, otherPadawan);
    const list = await etagOf('/api/exercises?limit=50', padawan);

    const attempt = await ctx.app.inject({ method: 'POST', url: `${url}/attempts`, headers: padawan.headers, payload: { user_answer: 'wrong' } });
    expect(attempt.statusCode, attempt.body).toBe(201);

    const after = await expectModified(url, padawan, mine);
    expect(after.json().correct_answer).toBe(target.correct_answer);
    await expectModified('/api/exercises?limit=50', padawan, list);
    await expectNotModified(url, otherPadawan, theirs);

    // a second attempt reveals nothing new: the ETag stays
    const again = after.headers.etag as string;
    const second = await ctx.app.inject({ method: 'POST', url: `${url}/attempts`, headers: padawan.headers, payload: { user_answer: 'wrong again' } });
    expect(second.statusCode).toBe(201);
    await expectNotModified(url, padawan, again);
  });

  it("counts a learner's private generated exercises in their total only", async () => {
    const url = '/api/exercises?limit=5';
    const mineBefore = (await get(url, padawan)).json().total as number;
    const theirsBefore = (await get(url, otherPadawan)).json().total as number;
    expect(mineBefore).toBe(theirsBefore);
    const generated = await ctx.app.inject({
      method: 'POST',
      url: '/api/exercises/generate',
      headers: padawan.headers,
      payload: { exercise_type: 'addition', difficulty: 'initie' },
    });
    expect(generated.statusCode, generated.body).toBe(201);
    expect((await get(url, padawan)).json().total).toBe(mineBefore + 1);
    expect((await get(url, otherPadawan)).json().total).toBe(theirsBefore);
  });

  it('does not give an ETag to an error', async () => {
    const res = await get('/api/exercises/999999', padawan);
    expect(res.statusCode).toBe(404);
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['cache-control']).toBeUndefined();
  });

  it('gives the type and difficulty lists a fixed ETag, to anyone', async () => {
    for (const url of ['/api/exercises/types', '/api/exercises/difficulties']) {
      const etag = await etagOf(url, null);
      expect(await etagOf(url, padawan, other)).toBe(etag);
      await expectNotModified(url, null, etag);
    }
    expect(await etagOf('/api/exercises/types', null)).not.toBe(await etagOf('/api/exercises/difficulties', null));
  });

  describe('challenges', () => {
    let challengeId: number;
    beforeAll(async () => {
      challengeId = (await postChallenge(ctx, maitre)).id;
    });

    it("answer 304 on the list, by id and for hints, and change with an edit and with the learner's attempts", async () => {
      const urls = ['/api/challenges?limit=20', `/api/challenges/${challengeId}`, `/api/challenges/${challengeId}/hints/1`];
      const etags = [];
      for (const url of urls) {
        const etag = await etagOf(url, padawan);
        await expectNotModified(url, padawan, etag);
        etags.push(etag);
      }
      const theirs = await etagOf(`/api/challenges/${challengeId}`, otherPadawan);

      const attempt = await ctx.app.inject({
        method: 'POST',
        url: `/api/challenges/${challengeId}/attempts`,
        headers: padawan.headers,
        payload: { user_solution: '11' },
      });
      expect(attempt.statusCode, attempt.body).toBe(201);
      const byId = await expectModified(urls[1], padawan, etags[1]);
      await expectNotModified(`/api/challenges/${challengeId}`, otherPadawan, theirs);

      const patched = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/challenges/${challengeId}`,
        headers: maitre.headers,
        payload: { title: 'Nouvelle épreuve' },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const edited = await expectModified(urls[1], padawan, byId.headers.etag as string);
      expect(edited.json().title).toBe('Nouvelle épreuve');
      await expectModified(`/api/challenges/${challengeId}`, otherPadawan, theirs);
    });
  });
});
