import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DIFFICULTIES, EXERCISE_TYPES } from '../../../src/db/enums.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { httpClient } from '../../helpers/http.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answer, createExercise, type ExerciseJson } from './fixtures.js';

describeEachDialect('exercises', (dialect) => {
  let ctx: TestContext;
  let padawan: TestUser;
  let maitre: TestUser;
  let otherMaitre: TestUser;
  let archiviste: TestUser;

  const { request, get } = httpClient(() => ctx);
  const ids = (items: ExerciseJson[]) => items.map((e) => e.id);

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    padawan = await createUser(ctx, 'padawan');
    maitre = await createUser(ctx, 'maitre');
    otherMaitre = await createUser(ctx, 'maitre');
    archiviste = await createUser(ctx, 'archiviste');
  });
  afterAll(() => ctx.close());

  describe('types and difficulties', () => {
    it('are public, canonical and labelled in French', async () => {
      const types = await get('/api/exercises/types');
      expect(types.statusCode).toBe(200);
      expect(types.json().map((t: { value: string }) => t.value)).toEqual([...EXERCISE_TYPES]);
      expect(types.json()).toContainEqual({ value: 'geometrie', label: 'Géométrie' });

      const difficulties = await get('/api/exercises/difficulties');
      expect(difficulties.statusCode).toBe(200);
      expect(difficulties.json().map((d: { value: string }) => d.value)).toEqual([...DIFFICULTIES]);
      expect(difficulties.json()[0]).toEqual({ value: 'initie', label: 'Initié', rank: 1 });
      expect(difficulties.json()[3]).toMatchObject({ value: 'maitre', label: 'Maître', rank: 4 });
      expect(difficulties.json()[4]).toEqual({ value: 'grand_maitre', label: 'Grand Maître', rank: 5 });
    });
  });

  describe('POST /api/exercises', () => {
    it('creates an exercise for maitre and above, the caller being its creator', async () => {
      const res = await request('POST', '/api/exercises', maitre, {
        title: 'Les cristaux',
        exercise_type: 'ADDITION',
        difficulty: 'Initié',
        question: 'Combien font 2 + 2 ?',
        correct_answer: '4',
        choices: ['3', '4', '5'],
        complexity: 2,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        exercise_type: 'addition',
        difficulty: 'initie',
        creator_id: maitre.id,
        correct_answer: '4',
        choices: ['3', '4', '5'],
        complexity: 2,
        is_active: true,
        is_archived: false,
        ai_generated: false,
        view_count: 0,
      });
      expect(new Date(res.json().created_at).toISOString()).toBe(res.json().created_at);
    });

    it.each(['GRAND_MAITRE', 'Grand Maître', 'grand-maitre', 'grand_maitre'])('stores difficulty %s as grand_maitre', async (spelling) => {
      const res = await request('POST', '/api/exercises', maitre, {
        title: `Le grand défi ${spelling}`,
        exercise_type: 'multiplication',
        difficulty: spelling,
        question: 'Combien font 123 × 45 ?',
        correct_answer: '5535',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().difficulty).toBe('grand_maitre');
    });

    it.each(['legende', 'grand', 'maitre grand'])('refuses the unknown difficulty %s with a 400', async (spelling) => {
      const payload = { title: 't', exercise_type: 'addition', difficulty: spelling, question: 'q', correct_answer: '1' };
      expect((await request('POST', '/api/exercises', maitre, payload)).statusCode).toBe(400);
    });

    it('needs a signed-in maitre', async () => {
      const payload = { title: 't', exercise_type: 'addition', difficulty: 'initie', question: 'q', correct_answer: '1' };
      expect((await request('POST', '/api/exercises', undefined, payload)).statusCode).toBe(401);
      expect((await request('POST', '/api/exercises', padawan, payload)).statusCode).toBe(403);
    });

    it('rejects bad input with 400', async () => {
      const valid = { title: 't', exercise_type: 'addition', difficulty: 'initie', question: 'q', correct_answer: '1' };
      for (const payload of [
        { ...valid, unknown_field: true },
        { ...valid, exercise_type: 'algebre' },
        { ...valid, difficulty: 'jedi' },
        { ...valid, question: '   ' },
        { ...valid, complexity: 6 },
        { title: 't', exercise_type: 'addition', difficulty: 'initie', question: 'q' },
      ]) {
        const res = await request('POST', '/api/exercises', maitre, payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers 422 when the choices miss the answer or repeat one', async () => {
      const base = { title: 't', exercise_type: 'fractions', difficulty: 'padawan', question: 'q', correct_answer: '1/2' };
      const missing = await request('POST', '/api/exercises', maitre, { ...base, choices: ['1/3', '2/3'] });
      expect(missing.statusCode).toBe(422);
      const repeated = await request('POST', '/api/exercises', maitre, { ...base, choices: ['1/2', '0,5', '1/3'] });
      expect(repeated.statusCode).toBe(422);
      const equivalent = await request('POST', '/api/exercises', maitre, { ...base, choices: ['2/4', '1/3', '3/4'] });
      expect(equivalent.statusCode).toBe(201);
    });
  });

  describe('GET /api/exercises', () => {
    let fresh: TestContext;
    let catalogue: ExerciseJson[];
    let author: TestUser;
    let learner: TestUser;

    // a database of its own, so totals are exact
    beforeAll(async () => {
      fresh = await buildTestApp(dialect);
      author = await createUser(fresh, 'maitre');
      learner = await createUser(fresh, 'padawan');
      catalogue = [];
      for (const [exercise_type, difficulty, title] of [
        ['addition', 'initie', 'Les Cristaux Kyber'],
        ['addition', 'padawan', 'Le vaisseau'],
        ['multiplication', 'initie', 'Escadrilles'],
        ['multiplication', 'chevalier', 'La flotte'],
        ['division', 'maitre', 'Le partage'],
      ]) {
        catalogue.push(await createExercise(fresh, author, { exercise_type, difficulty, title, question: `Question sur ${title.toLowerCase()}` }));
      }
      catalogue.push(await createExercise(fresh, author, { title: 'Retirée', is_active: false }));
    });
    afterAll(() => fresh.close());
    const list = (query: string, user: TestUser) => fresh.app.inject({ method: 'GET', url: `/api/exercises${query}`, headers: user.headers });

    it('lists exercises in service by id, with an exact total, answers hidden from learners', async () => {
      const res = await list('', learner);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page).toMatchObject({ total: 5, limit: 20, offset: 0 });
      expect(ids(page.items)).toEqual(ids(catalogue.slice(0, 5)));
      for (const item of page.items) {
        expect(item).not.toHaveProperty('correct_answer');
        expect(item).not.toHaveProperty('explanation');
        expect(item.question).toBeTruthy();
      }
      const staff = (await list('', author)).json();
      expect(staff.total).toBe(6); // staff also see the inactive one
      expect(staff.items.every((item: ExerciseJson) => typeof item.correct_answer === 'string')).toBe(true);
    });

    it('filters by type, difficulty (any spelling) and search (case-insensitive, title or question)', async () => {
      const byType = (await list('?exercise_type=MULTIPLICATION', learner)).json();
      expect(ids(byType.items)).toEqual([catalogue[2].id, catalogue[3].id]);
      expect(byType.total).toBe(2);
      const both = (await list('?exercise_type=addition&difficulty=Padawan', learner)).json();
      expect(ids(both.items)).toEqual([catalogue[1].id]);
      const byTitle = (await list('?search=kyber', learner)).json();
      expect(ids(byTitle.items)).toEqual([catalogue[0].id]);
      const byQuestion = (await list(`?search=${encodeURIComponent('QUESTION SUR LA FLOTTE')}`, learner)).json();
      expect(ids(byQuestion.items)).toEqual([catalogue[3].id]);
      const literalPercent = (await list('?search=%25', learner)).json();
      expect(literalPercent.total).toBe(0);
    });

    it('paginates with limit and offset', async () => {
      const page = (await list('?limit=2&offset=2', learner)).json();
      expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(ids(page.items)).toEqual([catalogue[2].id, catalogue[3].id]);
    });

    it('answers 400 for unknown filter values and out-of-range pages', async () => {
      for (const query of ['?exercise_type=algebre', '?difficulty=jedi', '?limit=0', '?limit=101', '?offset=-1', '?is_archived=maybe', '?limit=abc']) {
        const res = await list(query, learner);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('needs a signed-in user', async () => {
      expect((await fresh.app.inject({ method: 'GET', url: '/api/exercises' })).statusCode).toBe(401);
    });
  });

  describe('archived exercises', () => {
    it('are hidden by default; only maitre and above may list them', async () => {
      const archived = await createExercise(ctx, maitre, { title: 'Vieille archive' });
      expect((await request('DELETE', `/api/exercises/${archived.id}`, maitre)).statusCode).toBe(204);

      const learnerView = (await get('/api/exercises?limit=100', padawan)).json();
      expect(ids(learnerView.items)).not.toContain(archived.id);
      expect((await get('/api/exercises?is_archived=true', padawan)).statusCode).toBe(403);

      const staffArchived = (await get('/api/exercises?is_archived=true&limit=100', maitre)).json();
      expect(ids(staffArchived.items)).toContain(archived.id);
      expect(staffArchived.items.every((e: ExerciseJson) => e.is_archived)).toBe(true);
      const staffDefault = (await get('/api/exercises?limit=100', maitre)).json();
      expect(ids(staffDefault.items)).not.toContain(archived.id);
    });
  });

  describe('GET /api/exercises/:id', () => {
    it('hides the answer from a learner until they attempt it, and shows it to staff', async () => {
      const exercise = await createExercise(ctx, maitre, { correct_answer: '42', explanation: 'six fois sept' });
      const before = await get(`/api/exercises/${exercise.id}`, padawan);
      expect(before.statusCode).toBe(200);
      expect(before.json()).not.toHaveProperty('correct_answer');
      expect(before.json()).not.toHaveProperty('explanation');
      expect(before.body).not.toContain('six fois sept');

      const staff = (await get(`/api/exercises/${exercise.id}`, otherMaitre)).json();
      expect(staff).toMatchObject({ correct_answer: '42', explanation: 'six fois sept' });

      await answer(ctx, padawan, exercise.id, { user_answer: '41' }); // wrong still counts as attempted
      const after = (await get(`/api/exercises/${exercise.id}`, padawan)).json();
      expect(after).toMatchObject({ correct_answer: '42', explanation: 'six fois sept' });
      const inList = (await get('/api/exercises?limit=100', padawan)).json().items;
      expect(inList.find((e: ExerciseJson) => e.id === exercise.id).correct_answer).toBe('42');
      expect(inList.filter((e: ExerciseJson) => e.correct_answer !== undefined).map((e: ExerciseJson) => e.id)).toEqual([exercise.id]);
    });

    it('counts every view atomically without touching updated_at', async () => {
      const exercise = await createExercise(ctx, maitre);
      const views = await Promise.all(Array.from({ length: 25 }, () => get(`/api/exercises/${exercise.id}`, padawan)));
      expect(views.every((v) => v.statusCode === 200)).toBe(true);
      expect(new Set(views.map((v) => v.json().view_count)).size).toBe(25); // each saw its own increment
      const after = (await get(`/api/exercises/${exercise.id}`, maitre)).json();
      expect(after.view_count).toBe(26);
      expect(after.updated_at).toBe(exercise.updated_at);
    });

    it('keeps a view count at the integer maximum instead of failing', async () => {
      const exercise = await createExercise(ctx, maitre);
      const { exercises } = ctx.database.tables;
      await ctx.database.transaction((tx) => tx.update(exercises).set({ view_count: 2_147_483_647 }).where(eq(exercises.id, exercise.id)));
      const res = await get(`/api/exercises/${exercise.id}`, padawan);
      expect(res.statusCode).toBe(200);
      expect(res.json().view_count).toBe(2_147_483_647);
    });

    it('answers 404 for a missing id, or a retired exercise to a learner; 400 for a bad id', async () => {
      expect((await get('/api/exercises/999999', padawan)).statusCode).toBe(404);
      expect((await get('/api/exercises/abc', padawan)).statusCode).toBe(400);
      expect((await get('/api/exercises/0', padawan)).statusCode).toBe(400);
      const inactive = await createExercise(ctx, maitre, { is_active: false });
      expect((await get(`/api/exercises/${inactive.id}`, padawan)).statusCode).toBe(404);
      expect((await get(`/api/exercises/${inactive.id}`, maitre)).statusCode).toBe(200);
      expect((await get(`/api/exercises/${inactive.id}`)).statusCode).toBe(401);
    });
  });

  describe('GET /api/exercises/random', () => {
    let fresh: TestContext;
    let learner: TestUser;
    let division: ExerciseJson;
    beforeAll(async () => {
      fresh = await buildTestApp(dialect);
      const author = await createUser(fresh, 'maitre');
      learner = await createUser(fresh, 'padawan');
      division = await createExercise(fresh, author, { exercise_type: 'division', difficulty: 'padawan', title: 'Partage des rations' });
      await createExercise(fresh, author, { exercise_type: 'division', difficulty: 'padawan', is_active: false });
      const archived = await createExercise(fresh, author, { exercise_type: 'division', difficulty: 'padawan' });
      await fresh.app.inject({ method: 'DELETE', url: `/api/exercises/${archived.id}`, headers: author.headers });
      await createExercise(fresh, author, { exercise_type: 'addition' });
      await createExercise(fresh, author, { exercise_type: 'addition' });
    });
    afterAll(() => fresh.close());
    const random = (query: string) => fresh.app.inject({ method: 'GET', url: `/api/exercises/random${query}`, headers: learner.headers });

    it('picks an active, non-archived exercise matching the filters', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await random('?exercise_type=Division');
        expect(res.statusCode).toBe(200);
        expect(res.json().id).toBe(division.id);
        expect(res.json()).not.toHaveProperty('correct_answer');
      }
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add((await random('')).json().exercise_type);
      expect([...seen].every((t) => t === 'division' || t === 'addition')).toBe(true);
    });

    it('answers 404 when nothing matches and 400 for unknown filters', async () => {
      expect((await random('?exercise_type=fractions')).statusCode).toBe(404);
      expect((await random('?search=introuvable')).statusCode).toBe(404);
      expect((await random('?difficulty=jedi')).statusCode).toBe(400);
      expect((await fresh.app.inject({ method: 'GET', url: '/api/exercises/random' })).statusCode).toBe(401);
    });
  });

  describe('PATCH /api/exercises/:id', () => {
    it('lets the author and an archiviste change it, nobody else', async () => {
      const exercise = await createExercise(ctx, maitre);
      const byAuthor = await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { title: 'Nouveau titre', difficulty: 'CHEVALIER' });
      expect(byAuthor.statusCode).toBe(200);
      expect(byAuthor.json()).toMatchObject({ title: 'Nouveau titre', difficulty: 'chevalier' });
      const byArchiviste = await request('PATCH', `/api/exercises/${exercise.id}`, archiviste, { hint: 'Compte sur tes doigts' });
      expect(byArchiviste.statusCode).toBe(200);
      expect(byArchiviste.json()).toMatchObject({ title: 'Nouveau titre', hint: 'Compte sur tes doigts' });

      expect((await request('PATCH', `/api/exercises/${exercise.id}`, otherMaitre, { title: 'x' })).statusCode).toBe(403);
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, padawan, { title: 'x' })).statusCode).toBe(403);
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, undefined, { title: 'x' })).statusCode).toBe(401);
      expect((await get(`/api/exercises/${exercise.id}`, maitre)).json().title).toBe('Nouveau titre');
    });

    it('validates the change', async () => {
      const exercise = await createExercise(ctx, maitre, { correct_answer: '7', choices: ['6', '7', '8'] });
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, maitre, {})).statusCode).toBe(400);
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { view_count: 0 })).statusCode).toBe(400);
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { exercise_type: 'algebre' })).statusCode).toBe(400);
      // the new answer is not among the stored choices
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { correct_answer: '9' })).statusCode).toBe(422);
      expect((await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { correct_answer: '9', choices: ['8', '9'] })).statusCode).toBe(200);
      expect((await request('PATCH', '/api/exercises/999999', maitre, { title: 'x' })).statusCode).toBe(404);
    });
  });

  describe('DELETE /api/exercises/:id', () => {
    it('archives for the author; the exercise disappears for learners and can be restored', async () => {
      const exercise = await createExercise(ctx, maitre);
      expect((await request('DELETE', `/api/exercises/${exercise.id}`, otherMaitre)).statusCode).toBe(403);
      expect((await request('DELETE', `/api/exercises/${exercise.id}`, padawan)).statusCode).toBe(403);
      expect((await request('DELETE', `/api/exercises/${exercise.id}`, maitre)).statusCode).toBe(204);
      expect((await get(`/api/exercises/${exercise.id}`, padawan)).statusCode).toBe(404);
      expect((await get(`/api/exercises/${exercise.id}`, maitre)).json().is_archived).toBe(true);
      // a learner cannot touch what they cannot see
      expect((await request('DELETE', `/api/exercises/${exercise.id}`, padawan)).statusCode).toBe(404);

      const restored = await request('PATCH', `/api/exercises/${exercise.id}`, maitre, { is_archived: false });
      expect(restored.json().is_archived).toBe(false);
      expect((await get(`/api/exercises/${exercise.id}`, padawan)).statusCode).toBe(200);
    });

    it('deletes for good with ?hard=true, archiviste only, with its attempts', async () => {
      const exercise = await createExercise(ctx, maitre);
      const { attempt } = await answer(ctx, padawan, exercise.id, { user_answer: '1' });
      expect((await request('DELETE', `/api/exercises/${exercise.id}?hard=true`, maitre)).statusCode).toBe(403);
      expect((await get(`/api/attempts/${attempt.id}`, padawan)).statusCode).toBe(200);

      expect((await request('DELETE', `/api/exercises/${exercise.id}?hard=true`, archiviste)).statusCode).toBe(204);
      expect((await get(`/api/exercises/${exercise.id}`, archiviste)).statusCode).toBe(404);
      expect((await get(`/api/attempts/${attempt.id}`, padawan)).statusCode).toBe(404);
      expect((await request('DELETE', `/api/exercises/${exercise.id}?hard=true`, archiviste)).statusCode).toBe(404);
      expect((await request('DELETE', '/api/exercises/999999', maitre)).statusCode).toBe(404);
      expect((await request('DELETE', `/api/exercises/${exercise.id}?hard=perhaps`, archiviste)).statusCode).toBe(400);
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).json();
    for (const path of [
      '/api/exercises',
      '/api/exercises/types',
      '/api/exercises/difficulties',
      '/api/exercises/random',
      '/api/exercises/generate',
      '/api/exercises/{id}',
      '/api/exercises/{id}/attempts',
      '/api/attempts',
      '/api/attempts/{id}',
      '/api/progress',
      '/api/progress/{exercise_type}',
      '/api/users/{id}/progress',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/exercises'].post.tags).toEqual(['exercises']);
  });
});
