// /api/challenges: catalogue, detail (view count), authoring rules, archive and hard delete.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { httpClient } from '../../helpers/http.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { attempt, challengeDraft, postChallenge, uniqueWord } from './helpers.js';

const ANSWER_FIELDS = ['correct_answer', 'solution', 'solution_explanation', 'hints'];

describeEachDialect('challenges routes', (dialect) => {
  let ctx: TestContext;
  let padawan: TestUser;
  let author: TestUser;
  let otherMaitre: TestUser;
  let gardien: TestUser;
  let archiviste: TestUser;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    [padawan, author, otherMaitre, gardien, archiviste] = await Promise.all([
      createUser(ctx, 'padawan'),
      createUser(ctx, 'maitre'),
      createUser(ctx, 'maitre'),
      createUser(ctx, 'gardien'),
      createUser(ctx, 'archiviste'),
    ]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const { get } = httpClient(() => ctx);

  it.each([
    ['GROUP_6_8', 'GRAND_MAITRE', '6-8', 'grand_maitre'],
    ['GROUP_15_17', 'Grand Maître', '15-17', 'grand_maitre'],
    ['GROUP_10_12', 'MAITRE', '10-12', 'maitre'],
    ['GROUP_13_15', 'chevalier', '13-15', 'chevalier'],
    ['ADULT', 'PADAWAN', 'adulte', 'padawan'],
    ['ALL_AGES', 'INITIE', 'all', 'initie'],
    ['AGE_9_12', 'Initié', '9-12', 'initie'],
    ['AGE_13_PLUS', 'padawan', '13+', 'padawan'],
  ])('stores the original app spellings age_group %s and difficulty %s canonically', async (ageGroup, difficulty, storedAge, storedDifficulty) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/challenges',
      headers: author.headers,
      payload: challengeDraft({ title: `Défi ${ageGroup} ${difficulty}`, age_group: ageGroup, difficulty }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ age_group: storedAge, difficulty: storedDifficulty });
    const listed = await get(`/api/challenges?age_group=${encodeURIComponent(ageGroup)}&limit=100`, author);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((c: { id: number }) => c.id)).toContain(res.json().id);
  });

  it('creates a challenge for maitre and above, with the caller as author and canonical enums', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/challenges',
      headers: author.headers,
      payload: challengeDraft({
        challenge_type: 'SEQUENCE',
        difficulty: 'Initié',
        age_group: 'ALL',
        choices: ['8', '10', '12'],
        visual_data: {
          grid: [
            [1, 2],
            [3, 4],
          ],
          colour: 'bleu',
        },
        generation_parameters: { max_attempts: 5, seed: 42 },
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      creator_id: author.id,
      challenge_type: 'sequence',
      difficulty: 'initie',
      age_group: 'all',
      correct_answer: '10',
      hints: ['Regarde les écarts.', 'On ajoute toujours le même nombre.', 'On ajoute 2.'],
      hint_count: 3,
      choices: ['8', '10', '12'],
      visual_data: {
        grid: [
          [1, 2],
          [3, 4],
        ],
        colour: 'bleu',
      },
      attempts_allowed: 5,
      answers_revealed: true,
      is_archived: false,
      view_count: 0,
      success_rate: 0,
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);

    for (const staff of [gardien, archiviste]) {
      const created = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: staff.headers, payload: challengeDraft() });
      expect(created.statusCode).toBe(201);
      expect(created.json().creator_id).toBe(staff.id);
    }
  });

  it('refuses creation without a token (401) and to a padawan (403)', async () => {
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/challenges', payload: challengeDraft() });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
    const learner = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: padawan.headers, payload: challengeDraft() });
    expect(learner.statusCode).toBe(403);
    expect(learner.json().error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['an unknown field', { secret: 1 }],
    ['hints that are not strings', { hints: ['ok', 3] }],
    ['hints that are not an array', { hints: 'un indice' }],
    ['choices that are not an array', { choices: 'a,b' }],
    ['visual_data that is not an object', { visual_data: [1, 2, 3] }],
    ['an unknown challenge_type', { challenge_type: 'telepathy' }],
    ['an unknown age_group', { age_group: '99+' }],
    ['a missing question', { question: undefined }],
    ['an empty correct_answer', { correct_answer: '  ' }],
    ['a difficulty_rating above 5', { difficulty_rating: 6 }],
    ['max_attempts of 0', { generation_parameters: { max_attempts: 0 } }],
    ['a correct_answer missing from the choices', { choices: ['8', '12'] }],
  ])('answers 400 to a body with %s', async (_name, overrides) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: author.headers, payload: challengeDraft(overrides) });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('lists active challenges with filters, search, pagination and an exact total; archived ones are hidden', async () => {
    const word = uniqueWord('liste');
    const made = [];
    for (const [type, age, difficulty] of [
      ['sequence', 'enfant', 'initie'],
      ['riddle', 'enfant', 'padawan'],
      ['riddle', '13+', 'padawan'],
      ['graph', '13+', 'maitre'],
      ['riddle', 'enfant', 'padawan'],
    ] as const) {
      made.push(await postChallenge(ctx, author, { title: `Défi ${word.toUpperCase()} ${made.length}`, challenge_type: type, age_group: age, difficulty }));
    }
    const archived = await postChallenge(ctx, author, { title: `Défi ${word} archivé`, challenge_type: 'riddle', age_group: 'enfant' });
    expect((await ctx.app.inject({ method: 'DELETE', url: `/api/challenges/${archived.id}`, headers: author.headers })).statusCode).toBe(204);

    const all = await get(`/api/challenges?search=${word}`, padawan);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ total: 5, limit: 20, offset: 0 });
    expect(all.json().items.map((c: { id: number }) => c.id)).toEqual(made.map((c) => c.id));

    const riddles = (await get(`/api/challenges?search=${word}&challenge_type=RIDDLE&age_group=enfant`, padawan)).json();
    expect(riddles.total).toBe(2);
    expect(riddles.items.map((c: { id: number }) => c.id)).toEqual([made[1].id, made[4].id]);
    const hard = (await get(`/api/challenges?search=${word}&difficulty=Maitre`, padawan)).json();
    expect(hard.items.map((c: { id: number }) => c.id)).toEqual([made[3].id]);

    const page = (await get(`/api/challenges?search=${word}&limit=2&offset=2`, padawan)).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.items.map((c: { id: number }) => c.id)).toEqual([made[2].id, made[3].id]);

    // a learner's list carries no answers; the author's does
    for (const item of all.json().items) {
      for (const field of ANSWER_FIELDS) expect(item).not.toHaveProperty(field);
      expect(item).toMatchObject({ hint_count: 3, answers_revealed: false, attempts_left: 3 });
    }
    const mine = (await get(`/api/challenges?search=${word}`, author)).json();
    expect(mine.items[0]).toMatchObject({ correct_answer: '10', answers_revealed: true });
  });

  it('answers 400 to bad list parameters and 401 without a token', async () => {
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'challenge_type=telepathy', 'difficulty=legende', 'age_group=7']) {
      const res = await get(`/api/challenges?${query}`, padawan);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await get('/api/challenges', null)).statusCode).toBe(401);
  });

  it('shows one challenge, hiding answers from learners, and counts every view atomically', async () => {
    const challenge = await postChallenge(ctx, author);
    const learnerView = await get(`/api/challenges/${challenge.id}`, padawan);
    expect(learnerView.statusCode).toBe(200);
    for (const field of ANSWER_FIELDS) expect(learnerView.json()).not.toHaveProperty(field);
    expect(learnerView.json()).toMatchObject({ id: challenge.id, question: challenge.question, view_count: 1, hint_count: 3 });

    // staff who are not the author see the answers too
    const staffView = (await get(`/api/challenges/${challenge.id}`, gardien)).json();
    expect(staffView).toMatchObject({ correct_answer: '10', solution: 'On ajoute 2.', answers_revealed: true, view_count: 2 });

    await Promise.all(Array.from({ length: 12 }, () => get(`/api/challenges/${challenge.id}`, padawan)));
    const after = (await get(`/api/challenges/${challenge.id}`, author)).json();
    expect(after.view_count).toBe(15);
    expect(after.updated_at).toBe(challenge.updated_at); // a view is not an edit
  });

  it('answers 404 to an unknown challenge, 400 to a bad id, 401 without a token', async () => {
    const missing = await get('/api/challenges/999999', padawan);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await get('/api/challenges/abc', padawan)).statusCode).toBe(400);
    expect((await get('/api/challenges/-3', padawan)).statusCode).toBe(400);
    expect((await get('/api/challenges/1', null)).statusCode).toBe(401);
  });

  it('lets the author and an archiviste edit; other users get 403, unknown ids 404', async () => {
    const challenge = await postChallenge(ctx, author, { choices: ['8', '10', '12'] });
    const patch = (user: TestUser, payload: Record<string, unknown>, id = challenge.id) =>
      ctx.app.inject({ method: 'PATCH', url: `/api/challenges/${id}`, headers: user.headers, payload });

    const byAuthor = await patch(author, { title: 'Nouveau titre', difficulty: 'CHEVALIER', hints: ['Un seul indice'] });
    expect(byAuthor.statusCode, byAuthor.body).toBe(200);
    expect(byAuthor.json()).toMatchObject({ title: 'Nouveau titre', difficulty: 'chevalier', hints: ['Un seul indice'], hint_count: 1 });
    expect(new Date(byAuthor.json().updated_at).getTime()).toBeGreaterThanOrEqual(new Date(challenge.updated_at).getTime());

    const byArchiviste = await patch(archiviste, { description: 'Revu par les archives' });
    expect(byArchiviste.statusCode).toBe(200);
    expect(byArchiviste.json()).toMatchObject({ description: 'Revu par les archives', title: 'Nouveau titre', creator_id: author.id });

    for (const user of [padawan, otherMaitre, gardien]) {
      const res = await patch(user, { title: 'Piraté' });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await patch(author, { title: 'x' }, 999999)).statusCode).toBe(404);
    expect((await patch(author, {})).statusCode).toBe(400);
    expect((await patch(author, { view_count: 1000 })).statusCode).toBe(400);
    expect((await patch(author, { creator_id: padawan.id })).statusCode).toBe(400);
    // the stored choices still apply: the new answer must be one of them
    expect((await patch(author, { correct_answer: '11' })).statusCode).toBe(400);
    expect((await patch(author, { correct_answer: '12' })).statusCode).toBe(200);

    const unchanged = (await get(`/api/challenges/${challenge.id}`, author)).json();
    expect(unchanged.title).toBe('Nouveau titre');
    expect(unchanged.correct_answer).toBe('12');
  });

  it('archives on DELETE (author or archiviste), hides it from others, and brings it back with PATCH', async () => {
    const challenge = await postChallenge(ctx, author);
    const del = (user: TestUser, query = '') => ctx.app.inject({ method: 'DELETE', url: `/api/challenges/${challenge.id}${query}`, headers: user.headers });

    expect((await del(otherMaitre)).statusCode).toBe(403);
    expect((await del(padawan)).statusCode).toBe(403);
    const archived = await del(author);
    expect(archived.statusCode).toBe(204);
    expect(archived.body).toBe('');

    // gone for learners and other staff, still there for its author and archivistes
    for (const user of [padawan, otherMaitre, gardien]) expect((await get(`/api/challenges/${challenge.id}`, user)).statusCode).toBe(404);
    expect((await get(`/api/challenges/${challenge.id}/stats`, padawan)).statusCode).toBe(404);
    expect((await get(`/api/challenges/${challenge.id}/hints/1`, padawan)).statusCode).toBe(404);
    expect((await attempt(ctx, padawan, challenge.id, { user_solution: '10' })).statusCode).toBe(404);
    expect((await del(padawan)).statusCode).toBe(404);
    const seenByAuthor = await get(`/api/challenges/${challenge.id}`, author);
    expect(seenByAuthor.json()).toMatchObject({ is_archived: true });
    expect((await get(`/api/challenges/${challenge.id}`, archiviste)).statusCode).toBe(200);
    // an archived challenge takes no attempts, even from its author
    expect((await attempt(ctx, author, challenge.id, { user_solution: '10' })).statusCode).toBe(409);
    // archiving twice is harmless
    expect((await del(author)).statusCode).toBe(204);

    const restored = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/challenges/${challenge.id}`,
      headers: author.headers,
      payload: { is_archived: false },
    });
    expect(restored.statusCode).toBe(200);
    expect((await get(`/api/challenges/${challenge.id}`, padawan)).statusCode).toBe(200);
  });

  it('deletes for good with ?hard=true, for an archiviste only, with its attempts', async () => {
    const challenge = await postChallenge(ctx, author);
    expect((await attempt(ctx, padawan, challenge.id, { user_solution: '10' })).statusCode).toBe(201);
    const hard = (user: TestUser, value = 'true') =>
      ctx.app.inject({ method: 'DELETE', url: `/api/challenges/${challenge.id}?hard=${value}`, headers: user.headers });

    expect((await hard(author, 'maybe')).statusCode).toBe(400);
    const byAuthor = await hard(author);
    expect(byAuthor.statusCode).toBe(403);
    expect((await get(`/api/challenges/${challenge.id}`, author)).json().is_archived).toBe(false); // nothing happened

    expect((await hard(archiviste)).statusCode).toBe(204);
    expect((await get(`/api/challenges/${challenge.id}`, archiviste)).statusCode).toBe(404);
    expect((await hard(archiviste)).statusCode).toBe(404);
    const { logicChallengeAttempts } = ctx.database.tables;
    const remaining = await ctx.database.db.select().from(logicChallengeAttempts);
    expect(remaining.some((row) => row.challenge_id === challenge.id)).toBe(false);
  });

  it('documents every challenge route in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const [path, methods] of Object.entries({
      '/api/challenges': ['get', 'post'],
      '/api/challenges/{id}': ['get', 'patch', 'delete'],
      '/api/challenges/{id}/attempts': ['post'],
      '/api/challenges/{id}/hints/{level}': ['get'],
      '/api/challenges/{id}/stats': ['get'],
    })) {
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        expect(operation.tags).toEqual(['challenges']);
        expect(operation.responses['401']).toBeDefined();
      }
    }
    expect(doc.paths['/api/challenges/{id}/attempts'].post.description).toMatch(/409/);
  });
});
