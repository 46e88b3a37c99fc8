// Reads never write: GET /api/exercises/:id and /api/challenges/:id count their view in memory
// (src/db/view-counts.ts), flushed in batches and at close, exact across instances.
import BetterSqlite3 from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { viewCountsOf } from '../../src/db/view-counts.js';
import { buildTestApp, describeEachDialect, testConfig, type TestContext } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { createExercise } from './exercises/fixtures.js';
import { postChallenge } from './challenges/helpers.js';

describeEachDialect('view counts off the request path', (dialect) => {
  let ctx: TestContext;
  let padawan: TestUser;
  let maitre: TestUser;

  beforeAll(async () => {
    // a flush interval longer than any test: only close() and explicit flushes write
    ctx = await buildTestApp(dialect, { VIEW_COUNT_FLUSH_MS: '600000' });
    padawan = await createUser(ctx, 'padawan');
    maitre = await createUser(ctx, 'maitre');
  });
  afterAll(() => ctx.close());

  const view = (app: App, url: string, user: TestUser) => app.inject({ method: 'GET', url, headers: user.headers });
  const storedViews = async (id: number) => {
    const { exercises } = ctx.database.tables;
    const [row] = await ctx.database.db.select({ views: exercises.view_count, updated: exercises.updated_at }).from(exercises).where(eq(exercises.id, id));
    return row;
  };

  it('answers a GET while another connection holds the write lock', async () => {
    const exercise = await createExercise(ctx, maitre);
    const challenge = await postChallenge(ctx, maitre);
    const release = await holdWriteLock(ctx);
    try {
      const started = Date.now();
      const [one, two] = await Promise.all([
        view(ctx.app, `/api/exercises/${exercise.id}`, padawan),
        view(ctx.app, `/api/challenges/${challenge.id}`, padawan),
      ]);
      expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
      expect(Date.now() - started).toBeLessThan(2_000); // a write would wait for the lock (busy timeout 5 s, or forever on PostgreSQL)
    } finally {
      await release();
    }
  });

  it('shows each reader the count with their view, writes nothing until the flush, then exactly the views', async () => {
    const exercise = await createExercise(ctx, maitre);
    const seen = await Promise.all(Array.from({ length: 30 }, () => view(ctx.app, `/api/exercises/${exercise.id}`, padawan)));
    expect(seen.every((res) => res.statusCode === 200)).toBe(true);
    expect(new Set(seen.map((res) => res.json().view_count)).size).toBe(30);
    expect((await storedViews(exercise.id)).views).toBe(0);

    await viewCountsOf(ctx.database).flush();
    const stored = await storedViews(exercise.id);
    expect(stored.views).toBe(30);
    expect(stored.updated.toISOString()).toBe(exercise.updated_at); // a view is not an edit
    expect((await view(ctx.app, `/api/exercises/${exercise.id}`, padawan)).json().view_count).toBe(31);
  });

  it('stops a count at the integer maximum', async () => {
    const exercise = await createExercise(ctx, maitre);
    const { exercises } = ctx.database.tables;
    await ctx.database.transaction((tx) => tx.update(exercises).set({ view_count: 2_147_483_646 }).where(eq(exercises.id, exercise.id)));
    await Promise.all(Array.from({ length: 3 }, () => view(ctx.app, `/api/exercises/${exercise.id}`, padawan)));
    await viewCountsOf(ctx.database).flush();
    expect((await storedViews(exercise.id)).views).toBe(2_147_483_647);
  });

  it('loses no view across two instances counting at once, each flushing at its close', async () => {
    const exercise = await createExercise(ctx, maitre);
    const challenge = await postChallenge(ctx, maitre);
    await viewCountsOf(ctx.database).flush();
    const second = await buildApp({ config: ctx.config, database: openConfiguredDatabase(ctx.config) });
    const third = await buildApp({ config: ctx.config, database: openConfiguredDatabase(ctx.config) });
    try {
      const burst = (app: App) =>
        Array.from({ length: 40 }, (_, i) => view(app, i % 2 ? `/api/exercises/${exercise.id}` : `/api/challenges/${challenge.id}`, padawan));
      const answers = await Promise.all([...burst(second), ...burst(third), viewCountsOf(second.database).flush(), ...burst(second)]);
      expect(answers.filter((res) => res && res.statusCode !== 200)).toEqual([]);
    } finally {
      await Promise.all([second.close(), third.close()]);
    }
    expect((await storedViews(exercise.id)).views).toBe(60);
    const { logicChallenges } = ctx.database.tables;
    const [row] = await ctx.database.db.select({ views: logicChallenges.view_count }).from(logicChallenges).where(eq(logicChallenges.id, challenge.id));
    expect(row.views).toBe(60);
  });

  it('keeps counts that could not be written for the next flush', async () => {
    // an instance that gives up on a lock quickly: its flush fails while another connection holds it
    const impatient = testConfig(ctx.url, { VIEW_COUNT_FLUSH_MS: '600000', SQLITE_BUSY_TIMEOUT_MS: '100', PG_STATEMENT_TIMEOUT_MS: '300' });
    const app = await buildApp({ config: impatient, database: openConfiguredDatabase(impatient) });
    try {
      const exercise = await createExercise(ctx, maitre);
      await view(app, `/api/exercises/${exercise.id}`, padawan);
      const counter = viewCountsOf(app.database);
      const release = await holdWriteLock(ctx);
      try {
        await counter.flush();
        expect((await storedViews(exercise.id)).views).toBe(0);
        expect(counter.pendingFor('exercises', exercise.id)).toBe(1);
      } finally {
        await release();
      }
      await counter.flush();
      expect((await storedViews(exercise.id)).views).toBe(1);
    } finally {
      await app.close();
    }
  });
});

/** Another connection takes the write lock of the database (SQLite) or of both tables (PostgreSQL, reads still allowed). */
async function holdWriteLock(ctx: TestContext): Promise<() => Promise<void>> {
  if (ctx.database.dialect === 'sqlite') {
    const other = new BetterSqlite3(ctx.database.target.path);
    other.exec('begin immediate');
    return async () => {
      other.exec('rollback');
      other.close();
    };
  }
  const other = new pg.Client({ connectionString: ctx.url });
  await other.connect();
  await other.query('begin');
  await other.query('lock table exercises, logic_challenges in exclusive mode');
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}
