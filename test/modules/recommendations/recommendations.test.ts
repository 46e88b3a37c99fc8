// Recommended next exercises through HTTP: each reason code from a scripted learner, the same list
// for the same state, never another learner's private exercise nor an archived one, and shown,
// clicked and completed recorded in `recommendations`; on both dialects and through PgBouncer.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { answer, createExercise, type ExerciseJson } from '../exercises/fixtures.js';

interface RecommendationJson {
  id: number;
  exercise: { id: number; exercise_type: string; difficulty: string };
  reason_code: string;
  reason_params: Record<string, string | number>;
  priority: number;
  shown_count: number;
  clicked_count: number;
}

describeEachDialect(
  'recommended next exercises',
  (dialect) => {
    let ctx: TestContext;
    let maitre: TestUser;
    let learner: TestUser;
    let other: TestUser;
    const ex: Record<string, ExerciseJson> = {};
    let othersPrivateId: number;

    const recommendations = async (user: TestUser, query = '') => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/users/me/recommendations${query}`, headers: user.headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as RecommendationJson[];
    };
    const summary = (items: RecommendationJson[]) => items.map((r) => [r.exercise.id, r.reason_code]);

    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      maitre = await createUser(ctx, 'maitre');
      learner = await createUser(ctx, 'padawan');
      other = await createUser(ctx, 'padawan');
      const make = async (name: string, exercise_type: string, difficulty: string) => {
        ex[name] = await createExercise(ctx, maitre, { exercise_type, difficulty, correct_answer: '42' });
      };
      // the archived division comes first among never-tried types, were it not archived
      await make('D1', 'division', 'initie');
      await make('A1', 'addition', 'initie');
      await make('A2', 'addition', 'initie');
      await make('A3', 'addition', 'initie');
      await make('A4', 'addition', 'initie');
      await make('AP1', 'addition', 'padawan');
      await make('S1', 'soustraction', 'initie');
      await make('S2', 'soustraction', 'initie');
      await make('S3', 'soustraction', 'initie');
      await make('M1', 'multiplication', 'padawan');
      const archived = await ctx.app.inject({ method: 'DELETE', url: `/api/exercises/${ex.D1.id}`, headers: maitre.headers });
      expect(archived.statusCode, archived.body).toBe(204);
      // another learner's generated exercise: private, an initie division, so it would rank before M1
      const generated = await ctx.app.inject({
        method: 'POST',
        url: '/api/exercises/generate',
        headers: other.headers,
        payload: { exercise_type: 'division', difficulty: 'initie', seed: 7 },
      });
      expect(generated.statusCode, generated.body).toBe(201);
      othersPrivateId = generated.json().id;

      // addition/initie: 3 of 3 (mastered); soustraction/initie: 1 of 4 (weak), S1 never solved
      for (const name of ['A1', 'A2', 'A3']) await answer(ctx, learner, ex[name].id, { user_answer: '42' });
      await answer(ctx, learner, ex.S1.id, { user_answer: '1' });
      await answer(ctx, learner, ex.S2.id, { user_answer: '1' });
      await answer(ctx, learner, ex.S1.id, { user_answer: '2' });
      await answer(ctx, learner, ex.S2.id, { user_answer: '42' });
    });
    afterAll(() => ctx.close());

    it('gives each reason from the learner state, in priority order', async () => {
      const items = await recommendations(learner);
      expect(summary(items)).toEqual([
        [ex.S1.id, 'reco.exercise.review'],
        [ex.S3.id, 'reco.exercise.improvement'],
        [ex.AP1.id, 'reco.exercise.progression'],
        [ex.M1.id, 'reco.exercise.discovery'],
        [ex.A4.id, 'reco.exercise.discovery'],
      ]);
      expect(items[0].reason_params).toEqual({ exercise_type: 'soustraction', difficulty: 'initie', wrong_attempts: 2 });
      expect(items[1].reason_params).toEqual({ exercise_type: 'soustraction', difficulty: 'initie', success_rate: 25 });
      expect(items[2].reason_params).toEqual({ exercise_type: 'addition', difficulty: 'initie', next_difficulty: 'padawan', success_rate: 100 });
      const priorities = items.map((r) => r.priority);
      expect([...priorities].sort((a, b) => b - a)).toEqual(priorities);
    });

    it('gives the same list for the same state, and counts each showing on the same rows', async () => {
      const first = await recommendations(learner, '?limit=5');
      const second = await recommendations(learner, '?limit=5');
      expect(summary(second)).toEqual(summary(first));
      expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id));
      for (const [i, item] of second.entries()) expect(item.shown_count).toBe(first[i].shown_count + 1);
      const { recommendations: table } = ctx.database.tables;
      const rows = await ctx.database.db.select().from(table).where(eq(table.user_id, learner.id));
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        expect(row.last_shown_at).toBeInstanceOf(Date);
        expect(row.reason_code).toMatch(/^reco\.exercise\./);
      }
    });

    it("never recommends an archived exercise or another learner's private one, but does the learner's own", async () => {
      const mine = (await recommendations(learner, '?limit=10')).map((r) => r.exercise.id);
      expect(mine).not.toContain(ex.D1.id);
      expect(mine).not.toContain(othersPrivateId);
      const theirs = (await recommendations(other, '?limit=10')).map((r) => r.exercise.id);
      expect(theirs).toContain(othersPrivateId);
      expect(theirs).not.toContain(ex.D1.id);
    });

    it("records clicks, only on the learner's own recommendation", async () => {
      const [first] = await recommendations(learner);
      const click = () => ctx.app.inject({ method: 'POST', url: `/api/users/me/recommendations/${first.id}/clicked`, headers: learner.headers });
      const once = await click();
      expect(once.statusCode, once.body).toBe(200);
      const twice = (await click()).json();
      expect(twice.clicked_count).toBe(once.json().clicked_count + 1);
      expect(typeof twice.last_clicked_at).toBe('string');
      const stranger = await ctx.app.inject({ method: 'POST', url: `/api/users/me/recommendations/${first.id}/clicked`, headers: other.headers });
      expect(stranger.statusCode).toBe(404);
      const missing = await ctx.app.inject({ method: 'POST', url: '/api/users/me/recommendations/abc/clicked', headers: learner.headers });
      expect(missing.statusCode).toBe(400);
      const { recommendations: table } = ctx.database.tables;
      const [row] = await ctx.database.db.select().from(table).where(eq(table.id, first.id));
      expect(row.clicked_count).toBe(twice.clicked_count);
    });

    it('completes the recommendation when the learner attempts its exercise', async () => {
      await recommendations(learner);
      await answer(ctx, learner, ex.S3.id, { user_answer: '0' });
      const { recommendations: table } = ctx.database.tables;
      const rows = await ctx.database.db.select().from(table).where(eq(table.user_id, learner.id));
      const done = rows.filter((row) => row.is_completed);
      expect(done.map((row) => row.exercise_id)).toEqual([ex.S3.id]);
      expect(done[0].completed_at).toBeInstanceOf(Date);
      // a new recommendation of it is a new row; the completed one stays as it was
      const again = await recommendations(learner, '?limit=10');
      const s3 = again.find((r) => r.exercise.id === ex.S3.id);
      if (s3) expect(s3.id).not.toBe(done[0].id);
      const [kept] = await ctx.database.db
        .select()
        .from(table)
        .where(and(eq(table.id, done[0].id), eq(table.is_completed, true)));
      expect(kept).toBeDefined();
    });

    it('rejects a bad limit with 400', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/users/me/recommendations?limit=50', headers: learner.headers });
      expect(res.statusCode).toBe(400);
    });
  },
  { pooler: true },
);
