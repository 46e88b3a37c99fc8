// Connection-level faults: connections killed under load, a database nobody answers for, every
// connection busy (each a quick 503 in the error shape, never a hang or a 500, then recovery by
// itself), and a silent network drop that the next request does not even notice; the warm pool.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, expect, inject, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { buildTestApp, describeEachDialect, testConfig, type TestContext } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';
import { createExercise, runLoad, sleep, startTcpProxy, throughProxy, waitFor, type Answer, type TcpProxy } from './fixtures.js';

const UNAVAILABLE = { error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable, please retry' } };

describeEachDialect('connection faults', (dialect) => {
  let ctx: TestContext | undefined;
  let app: App | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await app?.close();
    await proxy?.close();
    await ctx?.close();
    ctx = app = proxy = undefined;
  });

  // SQLite has no connections to kill: its half of this scenario is the lock held by another
  // process, in outage.test.ts.
  it.runIf(dialect === 'postgres')('survives its backends being terminated under load, losing no acknowledged write', async () => {
    const applicationName = `mathakine-faults-${randomUUID().slice(0, 8)}`;
    // a call stuck on a dead connection would wait for the pool's connection timeout: far above the bound below
    const connectionTimeoutMs = 10_000;
    ctx = await buildTestApp(dialect, { PG_APPLICATION_NAME: applicationName, PG_POOL_MAX: '6', PG_CONNECTION_TIMEOUT_MS: String(connectionTimeoutMs) });
    const exercise = await createExercise(ctx);
    const learners = await Promise.all([0, 1, 2].map(() => createUser(ctx!, 'padawan')));
    const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
    await admin.connect();
    const terminate = async () =>
      (await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1', [applicationName])).rows[0]
        .n as number;

    let stop = false;
    let written = 0;
    const load = runLoad(
      async (n) => {
        const learner = learners[n % learners.length];
        const res =
          n % 3 === 0
            ? await ctx!.app.inject({ method: 'GET', url: `/api/exercises/${exercise.id}`, headers: learner.headers })
            : await ctx!.app.inject({
                method: 'POST',
                url: `/api/exercises/${exercise.id}/attempts`,
                headers: learner.headers,
                payload: { user_answer: n % 2 ? '5' : '4' },
              });
        if (res.statusCode === 201) written++;
        return { status: res.statusCode, body: res.json() };
      },
      { concurrency: 8, maxCalls: 20_000, stop: () => stop },
    );
    // paced by the load's progress, not the clock (a loaded machine serves fewer calls per second):
    // each round of terminations comes after 5 more acknowledged writes, and the load goes on after the last
    const acknowledgedAtLeast = async (count: number) => expect(await waitFor(async () => written >= count, 30_000), `${count} writes`).not.toBeNull();
    let killed = 0;
    try {
      for (let round = 1; round <= 4; round++) {
        await sleep(300);
        await acknowledgedAtLeast(round * 5);
        killed += await terminate();
      }
      await acknowledgedAtLeast(written + 5);
    } finally {
      stop = true;
      await admin.end();
    }
    const answers = await load;
    expect(killed).toBeGreaterThan(0);

    for (const a of answers) expect([200, 201, 503], JSON.stringify(a.body)).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.body).toEqual(UNAVAILABLE);
    // none waited on a dead connection (it would have waited the connection timeout)
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(connectionTimeoutMs / 2);
    // It goes on serving without a restart.
    const after = await ctx.app.inject({
      method: 'POST',
      url: `/api/exercises/${exercise.id}/attempts`,
      headers: learners[0].headers,
      payload: { user_answer: '5' },
    });
    expect(after.statusCode).toBe(201);
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/health' })).statusCode).toBe(200);
    expect(ctx.database.poolStats().total).toBe(ctx.database.poolStats().idle); // nothing leaked

    const { attempts, progress } = ctx.database.tables;
    const acknowledged = answers.filter((a): a is Answer & { body: { attempt: { id: number } } } => a.status === 201).map((a) => a.body.attempt.id);
    expect(acknowledged.length).toBeGreaterThanOrEqual(25);
    const stored = new Set((await ctx.database.db.select({ id: attempts.id }).from(attempts)).map((r) => r.id));
    for (const id of acknowledged) expect(stored.has(id), `attempt ${id}`).toBe(true);
    for (const learner of learners) {
      const [{ count }] = await ctx.database.db
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(attempts)
        .where(eq(attempts.user_id, learner.id));
      const [row] = await ctx.database.db.select().from(progress).where(eq(progress.user_id, learner.id));
      expect(row.total_attempts).toBe(count);
    }
  });

  // Timed from a ready app (its first request would otherwise start it: 1-2 s on a loaded machine),
  // against the configured timeouts: "at once" is well under a timeout that would otherwise have
  // been waited; "bounded by the timeout" is at least that timeout and under two of them.
  it('answers 503 within a bounded time when nobody answers for the database', async () => {
    if (dialect === 'postgres') {
      // Nothing listens on port 1: refused at once, without waiting for either timeout.
      const longTimeoutMs = 10_000;
      let config = testConfig('postgres://postgres@127.0.0.1:1/nowhere', {
        PG_CONNECTION_TIMEOUT_MS: String(longTimeoutMs),
        HEALTH_TIMEOUT_MS: String(longTimeoutMs),
      });
      app = await buildApp({ config, database: openConfiguredDatabase(config) });
      await app.ready();
      const token = app.signAccessToken({ id: 1, role: 'padawan', username: 'nobody' });
      for (const url of ['/api/exercises?limit=5', '/api/progress', '/admin/health']) {
        const started = Date.now();
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, url).toBe(503);
        if (!url.startsWith('/admin')) expect(res.json()).toEqual(UNAVAILABLE);
        expect(Date.now() - started, url).toBeLessThan(longTimeoutMs / 2);
      }
      await app.close();

      // A server that accepts connections and never answers (a black hole): the connection
      // timeout bounds the wait.
      proxy = await startTcpProxy(inject('testDatabaseUrl'));
      proxy.setMode('blackhole');
      const connectionTimeoutMs = 1_500;
      config = testConfig(`postgres://postgres@127.0.0.1:${proxy.port}/nowhere`, {
        PG_CONNECTION_TIMEOUT_MS: String(connectionTimeoutMs),
        HEALTH_TIMEOUT_MS: '1000',
      });
      app = await buildApp({ config, database: openConfiguredDatabase(config) });
      await app.ready();
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/api/exercises?limit=5', headers: { authorization: `Bearer ${token}` } });
      const waited = Date.now() - started;
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual(UNAVAILABLE);
      expect(waited).toBeGreaterThanOrEqual(connectionTimeoutMs - 100);
      expect(waited).toBeLessThan(2 * connectionTimeoutMs);
      expect((await app.inject({ method: 'GET', url: '/admin/health' })).statusCode).toBe(503);
    } else {
      // The file's connections are gone from under the app (what a closed or unmounted database looks
      // like): a 503 at once, not after the busy timeout.
      const busyTimeoutMs = 10_000;
      ctx = await buildTestApp(dialect, { SQLITE_BUSY_TIMEOUT_MS: String(busyTimeoutMs) });
      const learner = await createUser(ctx, 'padawan');
      if (ctx.database.dialect === 'sqlite') ctx.database.reader.close();
      const started = Date.now();
      const res = await ctx.app.inject({ method: 'GET', url: '/api/exercises?limit=5', headers: learner.headers });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual(UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(busyTimeoutMs / 2);
    }
  });

  it('answers 503 after a bounded wait when every connection is busy, then serves again', async () => {
    ctx = await buildTestApp(dialect, { PG_POOL_MAX: '1', PG_CONNECTION_TIMEOUT_MS: '500', SQLITE_BUSY_TIMEOUT_MS: '500', HEALTH_TIMEOUT_MS: '1000' });
    const exercise = await createExercise(ctx);
    const learner = await createUser(ctx, 'padawan');
    const database = ctx.database;

    // A transaction held open through the data layer: the only PostgreSQL connection sleeps in
    // it; on SQLite it holds the one writer.
    let releaseHold!: () => void;
    const released = new Promise<void>((resolve) => (releaseHold = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const hold = database.transaction(async (tx) => {
      holding();
      if (database.dialect === 'postgres') await tx.execute(sql`select pg_sleep(2)`);
      else await released;
    });
    await held;

    try {
      await checkWhileHeld();
    } finally {
      releaseHold();
      await hold;
    }
    expect((await attempt()).statusCode).toBe(201);
    expect(await waitFor(async () => (await ctx!.app.inject({ method: 'GET', url: '/admin/health' })).statusCode === 200, 2_000)).not.toBeNull();

    async function checkWhileHeld() {
      const started = Date.now();
      const refused = await attempt();
      const waited = Date.now() - started;
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual(UNAVAILABLE);
      expect(refused.headers['retry-after']).toBe('5');
      expect(waited).toBeGreaterThanOrEqual(400);
      expect(waited).toBeLessThan(1_500);
      if (dialect === 'postgres') {
        expect((await ctx!.app.inject({ method: 'GET', url: '/admin/health' })).statusCode).toBe(503);
      } else {
        // readers are not blocked by the writer
        expect((await ctx!.app.inject({ method: 'GET', url: '/api/attempts', headers: learner.headers })).statusCode).toBe(200);
      }
    }
    function attempt() {
      return ctx!.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/attempts`, headers: learner.headers, payload: { user_answer: '5' } });
    }
  });

  // The pool of the guide: PG_POOL_MIN connections open before the first request; the first request
  // after the network silently dropped every connection still succeeds (pool_pre_ping's job).
  it('opens its floor of connections before the first request (nothing to open on SQLite)', async () => {
    const applicationName = `mathakine-warm-${randomUUID().slice(0, 8)}`;
    ctx = await buildTestApp(dialect, { PG_APPLICATION_NAME: applicationName, PG_POOL_MIN: '4', PG_POOL_MAX: '6', PG_IDLE_TIMEOUT_MS: '200' });
    await ctx.database.warmUp();
    if (dialect === 'sqlite') return expect(ctx.database.poolStats()).toMatchObject({ total: 2, max: 2 });
    expect(ctx.database.poolStats()).toMatchObject({ total: 4, idle: 4 });
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the idle timeout: the floor stays
    const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
    await admin.connect();
    try {
      const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
      expect(rows[0].n).toBe(4);
    } finally {
      await admin.end();
    }
  });

  it.runIf(dialect === 'postgres')('serves the first read and the first write after a silent network drop', async () => {
    ctx = await buildTestApp(dialect);
    const exercise = await createExercise(ctx);
    const learner = await createUser(ctx, 'padawan');
    proxy = await startTcpProxy(ctx.url);
    const config = testConfig(throughProxy(ctx.url, proxy), { PG_POOL_MIN: '3', PG_POOL_MAX: '3' });
    app = await buildApp({ config, database: openConfiguredDatabase(config) });
    await app.database.warmUp();
    const call = (method: 'GET' | 'POST', url: string, payload?: object) => app!.inject({ method, url, headers: learner.headers, payload });
    expect((await call('GET', '/api/exercises')).statusCode).toBe(200);

    proxy.dropSilently();
    expect(app.database.poolStats().total).toBe(3); // the pool cannot know yet
    const read = await call('GET', `/api/exercises/${exercise.id}`);
    expect(read.statusCode, read.body).toBe(200);

    proxy.dropSilently();
    const write = await call('POST', `/api/exercises/${exercise.id}/attempts`, { user_answer: '5' });
    expect(write.statusCode, write.body).toBe(201);
    expect(write.json().attempt.is_correct).toBe(true);
  });
});
