// A learner's data through HTTP: GET /api/users/me/export (everything stored about them, the
// legacy area included, never a hash) and erasure — DELETE /api/users/me with the password, an
// archiviste's DELETE /api/users/:id — in one transaction, leaving a tombstone without personal data.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { legacyRows, plantLegacyArea } from '../../helpers/legacy-area.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../../helpers/users.js';

describeEachDialect(
  'account export and erasure',
  (dialect) => {
    let ctx: TestContext;
    let learner: TestUser;
    let other: TestUser;
    let archiviste: TestUser;
    let learnerAttempts: number[];
    let otherAttempt: number;
    let publicExercise: number;
    let privateExercise: number;

    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      learner = await createUser(ctx, 'padawan');
      other = await createUser(ctx, 'padawan');
      archiviste = await createUser(ctx, 'archiviste');
      const t = ctx.database.tables;
      await ctx.database.transaction(async (tx) => {
        const [shared, own] = await tx
          .insert(t.exercises)
          .values([
            { title: 'Cristaux de Kyber', creator_id: learner.id, exercise_type: 'addition', difficulty: 'initie', question: '2 + 2 ?', correct_answer: '4' },
            {
              title: 'Généré pour moi',
              creator_id: learner.id,
              exercise_type: 'addition',
              difficulty: 'initie',
              question: '3 + 3 ?',
              correct_answer: '6',
              is_private: true,
            },
          ])
          .returning();
        publicExercise = shared.id;
        privateExercise = own.id;
        const mine = await tx
          .insert(t.attempts)
          .values([
            { user_id: learner.id, exercise_id: shared.id, user_answer: '5', is_correct: false, device_info: 'tablette de Leia' },
            { user_id: learner.id, exercise_id: shared.id, user_answer: '4', is_correct: true, attempt_number: 2 },
          ])
          .returning();
        learnerAttempts = mine.map((a) => a.id);
        const [theirs] = await tx.insert(t.attempts).values({ user_id: other.id, exercise_id: shared.id, user_answer: '4', is_correct: true }).returning();
        otherAttempt = theirs.id;
        await tx.insert(t.progress).values({ user_id: learner.id, exercise_type: 'addition', difficulty: 'initie', total_attempts: 2, correct_attempts: 1 });
        const [challenge] = await tx
          .insert(t.logicChallenges)
          .values({ title: 'Suite', challenge_type: 'sequence', age_group: '9-12', correct_answer: '8' })
          .returning();
        await tx.insert(t.logicChallengeAttempts).values({ user_id: learner.id, challenge_id: challenge.id, user_solution: '8', is_correct: true });
        await tx
          .insert(t.refreshTokens)
          .values({ user_id: learner.id, family_id: 'famille-1', token_hash: 'secret-refresh-hash', expires_at: new Date(Date.now() + 86_400_000) });
        await tx.insert(t.statistics).values([
          { user_id: learner.id, session_id: 'session-a', difficulty: 'EASY', total_attempts: 3 },
          { user_id: other.id, session_id: 'session-b', difficulty: 'EASY', total_attempts: 1 },
        ]);
      });
      const [a1, a2] = learnerAttempts.map(String);
      await plantLegacyArea(ctx.url, {
        users: [
          [String(learner.id), 'false', '12'],
          [String(other.id), 'true', '3'],
        ],
        user_sessions: [
          ['1', String(learner.id), 'old-session-token', 'Firefox'],
          ['2', String(other.id), 'their-token', 'Chrome'],
        ],
        admin_audit_log: [
          ['1', String(learner.id), 'login'],
          ['2', null, 'cron'],
        ],
        achievements: [['1', 'Premier pas']],
        attempts: [
          [a1, 'essaie encore'],
          [a2, 'bravo'],
          [String(otherAttempt), 'bien joué'],
        ],
      });
    });
    afterAll(() => ctx?.close());

    it('exports everything stored about the learner as one streamed JSON document, never a hash or token', async () => {
      expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me/export' })).statusCode).toBe(401);
      const res = await ctx.app.inject({ method: 'GET', url: '/api/users/me/export', headers: learner.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="mathakine-export-${learner.id}.json"`);
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.body).not.toMatch(/hashed_password|\$argon2|token_hash|secret-refresh-hash|old-session-token|token_version/);

      const doc = res.json();
      expect(doc).toMatchObject({ format: 'mathakine-account-export', version: 1, user_id: learner.id });
      expect(doc.profile).toMatchObject({ id: learner.id, username: learner.username, email: learner.email, is_email_verified: false });
      expect(doc.attempts.map((a: { id: number }) => a.id)).toEqual(learnerAttempts);
      expect(doc.attempts[0]).toMatchObject({ user_answer: '5', is_correct: false, device_info: 'tablette de Leia' });
      expect(doc.progress).toEqual([expect.objectContaining({ exercise_type: 'addition', total_attempts: 2, correct_attempts: 1 })]);
      expect(doc.challenge_attempts).toEqual([expect.objectContaining({ user_solution: '8', is_correct: true })]);
      expect(doc.sessions).toEqual([expect.objectContaining({ family_id: 'famille-1', used_at: null, revoked_at: null })]);
      expect(doc.exercises_created.map((e: { id: number }) => e.id)).toEqual([publicExercise, privateExercise]);
      // what they made, not its answer: a learner sees an answer only after attempting the exercise
      expect(doc.exercises_created[1]).toEqual({
        id: privateExercise,
        title: 'Généré pour moi',
        exercise_type: 'addition',
        difficulty: 'initie',
        is_private: true,
        is_archived: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(doc.challenges_created).toEqual([]);
      expect(doc.legacy_statistics).toEqual([expect.objectContaining({ session_id: 'session-a', total_attempts: 3 })]);
      expect(doc.legacy).toEqual({
        admin_audit_log: [{ source_row: 1, id: '1', admin_user_id: String(learner.id), action: 'login' }],
        attempts: learnerAttempts.map((id, i) => ({ source_row: i + 1, id: String(id), ai_feedback: ['essaie encore', 'bravo'][i] })),
        user_sessions: [{ source_row: 1, id: '1', user_id: String(learner.id), user_agent: 'Firefox' }],
        users: [{ source_row: 1, id: String(learner.id), is_email_verified: 'false', current_streak: '12' }],
      });

      const theirs = (await ctx.app.inject({ method: 'GET', url: '/api/users/me/export', headers: other.headers })).json();
      expect(theirs.attempts.map((a: { id: number }) => a.id)).toEqual([otherAttempt]);
      expect(theirs.legacy.users).toEqual([{ source_row: 2, id: String(other.id), is_email_verified: 'true', current_streak: '3' }]);
      expect(theirs.legacy.admin_audit_log).toEqual([]);
    });

    it('DELETE /api/users/me needs the current password; a wrong one changes nothing', async () => {
      const erase = (payload?: object) => ctx.app.inject({ method: 'DELETE', url: '/api/users/me', headers: learner.headers, payload });
      const noBody = await erase();
      expect(noBody.statusCode).toBe(400);
      expect(noBody.json().error.code).toBeTruthy();
      const wrong = await erase({ current_password: 'not the password' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.message).toMatch(/current password/);
      expect((await erase({ current_password: TEST_PASSWORD, extra: 1 })).statusCode).toBe(400);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', headers: learner.headers })).statusCode).toBe(200);
      expect(await legacyRows(ctx.url, 'users')).toHaveLength(2);
    });

    it('erases the learner, their attempts, progress, sessions and legacy rows in one go, and nobody else’s', async () => {
      const res = await ctx.app.inject({ method: 'DELETE', url: '/api/users/me', headers: learner.headers, payload: { current_password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(204);
      // the access token dies with the account
      expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', headers: learner.headers })).statusCode).toBe(401);

      const t = ctx.database.tables;
      const db = ctx.database.db;
      expect(await db.select().from(t.users).where(eq(t.users.id, learner.id))).toEqual([]);
      expect(await db.select().from(t.attempts).where(eq(t.attempts.user_id, learner.id))).toEqual([]);
      expect(await db.select().from(t.progress).where(eq(t.progress.user_id, learner.id))).toEqual([]);
      expect(await db.select().from(t.logicChallengeAttempts).where(eq(t.logicChallengeAttempts.user_id, learner.id))).toEqual([]);
      expect(await db.select().from(t.refreshTokens).where(eq(t.refreshTokens.user_id, learner.id))).toEqual([]);
      expect((await db.select().from(t.statistics)).map((s) => s.user_id)).toEqual([other.id]);
      // content written for others stays, without author; what was generated for them alone goes
      expect((await db.select().from(t.exercises).where(eq(t.exercises.id, publicExercise)))[0].creator_id).toBeNull();
      expect(await db.select().from(t.exercises).where(eq(t.exercises.id, privateExercise))).toEqual([]);

      expect((await legacyRows(ctx.url, 'users')).map((r) => r.id)).toEqual([String(other.id)]);
      expect((await legacyRows(ctx.url, 'user_sessions')).map((r) => r.user_id)).toEqual([String(other.id)]);
      expect((await legacyRows(ctx.url, 'admin_audit_log')).map((r) => r.action)).toEqual(['cron']);
      expect((await legacyRows(ctx.url, 'attempts')).map((r) => r.id)).toEqual([String(otherAttempt)]);
      expect(await legacyRows(ctx.url, 'achievements')).toHaveLength(1);
      expect(await db.select().from(t.attempts).where(eq(t.attempts.id, otherAttempt))).toHaveLength(1);

      // the tombstone: the id and a fingerprint, nothing that names the person
      const tombstones = await db.select().from(t.erasedAccounts);
      expect(tombstones).toEqual([
        { id: expect.any(Number), user_id: learner.id, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), erased_at: expect.any(Date) },
      ]);
      expect(JSON.stringify(tombstones)).not.toContain(learner.username);
    });

    it('lets an archiviste erase someone else the same way (legacy rows and tombstone included), and no one else', async () => {
      const target = await createUser(ctx, 'padawan');
      await ctx.database.transaction((tx) => tx.insert(ctx.database.tables.statistics).values({ user_id: target.id, session_id: 's', difficulty: 'EASY' }));
      const del = (by: TestUser) => ctx.app.inject({ method: 'DELETE', url: `/api/users/${target.id}`, headers: by.headers });
      expect((await del(other)).statusCode).toBe(404);
      expect((await del(archiviste)).statusCode).toBe(204);
      expect((await del(archiviste)).statusCode).toBe(404);
      const t = ctx.database.tables;
      expect(await ctx.database.db.select().from(t.statistics).where(eq(t.statistics.user_id, target.id))).toEqual([]);
      expect((await ctx.database.db.select().from(t.erasedAccounts)).map((e) => e.user_id)).toContain(target.id);
    });
  },
  { pooler: true },
);
