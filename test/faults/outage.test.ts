// The database fails under load, then comes back, with no restart of the app:
// - PostgreSQL: every connection is cut and new ones are refused (a TCP proxy stands between the
//   app and the shared cluster, which is never stopped);
// - SQLite: another process holds the write lock (what an external tool or a stuck job does).
// While it lasts, answers are 503 with the error shape and a Retry-After, quickly (never a 500,
// never a hang); /admin/health says fail on PostgreSQL; after it, the app recovers by itself,
// every acknowledged attempt is in the database and the progress counters match the attempts.
import { eq, sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { createMigratedScratchDatabase, describeEachDialect, testConfig, type ScratchDatabase } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import {
  createExercise,
  lockSqliteFromAnotherProcess,
  runLoad,
  sleep,
  startTcpProxy,
  throughProxy,
  waitFor,
  type Answer,
  type SqliteLock,
  type TcpProxy,
} from './fixtures.js';

const ERROR_SHAPE = { error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } };

describeEachDialect('database outage under load', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let app: App | undefined;
  let lock: SqliteLock | undefined;
  afterEach(async () => {
    await lock?.release();
    await app?.close();
    await proxy?.close();
    await scratch?.drop();
    app = proxy = lock = scratch = undefined;
  });

  it('answers 503 quickly while the database is gone and recovers by itself, losing no acknowledged write', async () => {
    scratch = await createMigratedScratchDatabase(dialect);

    let url = scratch.url;
    if (dialect === 'postgres') {
      proxy = await startTcpProxy(scratch.url);
      url = throughProxy(scratch.url, proxy);
    }
    const config = testConfig(url, {
      PG_CONNECTION_TIMEOUT_MS: '1000',
      PG_STATEMENT_TIMEOUT_MS: '3000',
      HEALTH_TIMEOUT_MS: '1000',
      SQLITE_BUSY_TIMEOUT_MS: '300',
    });
    const database: Database = openConfiguredDatabase(config);
    app = await buildApp({ config, database });
    await app.ready();
    const ctx = { app, database };
    const exercise = await createExercise(ctx);
    const learners: TestUser[] = [];
    for (let i = 0; i < 4; i++) learners.push(await createUser(ctx, 'padawan'));

    const breakDatabase = async () => {
      if (proxy) proxy.setMode('reset');
      else if (database.target.dialect === 'sqlite') lock = await lockSqliteFromAnotherProcess(database.target.path);
    };
    const repairDatabase = async () => {
      if (proxy) proxy.setMode('open');
      await lock?.release();
      lock = undefined;
    };

    const health = async () => (await app!.inject({ method: 'GET', url: '/admin/health' })).statusCode;
    const attempt = async (learner: TestUser) => {
      const res = await app!.inject({
        method: 'POST',
        url: `/api/exercises/${exercise.id}/attempts`,
        headers: learner.headers,
        payload: { user_answer: '5', time_spent: 3 },
      });
      return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] as string | undefined };
    };

    // Load: attempts (writes) and exercise fetches (reads), 8 at a time, for the whole scenario.
    let stop = false;
    const load = runLoad(
      async (n) => {
        if (n % 2 === 0) return attempt(learners[n % learners.length]);
        const res = await app!.inject({ method: 'GET', url: `/api/exercises/${exercise.id}`, headers: learners[0].headers });
        return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] as string | undefined };
      },
      { concurrency: 8, maxCalls: 20_000, stop: () => stop },
    );

    await sleep(500);
    await breakDatabase();
    const brokenAt = Date.now();
    if (dialect === 'postgres') {
      // Health turns to fail within seconds.
      const tookMs = await waitFor(async () => (await health()) === 503, 3_000);
      expect(tookMs, 'health still passing 3 s after PostgreSQL went away').not.toBeNull();
    } else {
      // Reads go on under WAL; the database is up, only writes wait.
      expect(await health()).toBe(200);
    }
    // While it lasts, a write is refused with 503 fast.
    const refused = await attempt(learners[0]);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject(ERROR_SHAPE);
    expect(refused.retryAfter).toBeDefined();
    await sleep(1_500);
    const repairedAt = Date.now();
    await repairDatabase();

    // It recovers without a restart: health passes and attempts are accepted again.
    expect(await waitFor(async () => (await health()) === 200, 5_000)).not.toBeNull();
    expect(await waitFor(async () => (await attempt(learners[1])).status === 201, 5_000)).not.toBeNull();
    await sleep(300);
    stop = true;
    const answers = await load;

    // Never a 500, never anything but success or 503 with the error shape.
    const statuses = new Set(answers.map((a) => a.status));
    for (const status of statuses) expect([200, 201, 503]).toContain(status);
    const unavailable = answers.filter((a) => a.status === 503);
    for (const a of unavailable) {
      expect(a.body).toMatchObject(ERROR_SHAPE);
      expect(JSON.stringify(a.body)).not.toMatch(/ECONN|terminated|SQLITE|stack|select |insert /i);
      expect(a.retryAfter).toBe('5');
    }
    // The outage was felt under load, and answered quickly: bounded by the connection timeout
    // (PostgreSQL) or the busy timeout (SQLite), never a hang.
    expect(unavailable.filter((a) => a.at >= brokenAt && a.at < repairedAt).length).toBeGreaterThan(0);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(3_000);
    // Before and after the outage, the load succeeded.
    expect(answers.filter((a) => a.at < brokenAt && a.status !== 503).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.at > repairedAt + 2_000 && a.status === 503)).toEqual([]);

    // No connection was leaked by the failed requests: once idle, the whole pool is idle again.
    expect(await waitFor(async () => database.poolStats().total === database.poolStats().idle, 2_000)).not.toBeNull();

    // Every acknowledged attempt is stored, and the counters agree with the attempts.
    const { attempts, progress } = database.tables;
    const acknowledged = answers.filter((a): a is Answer & { body: { attempt: { id: number } } } => a.status === 201).map((a) => a.body.attempt.id);
    expect(acknowledged.length).toBeGreaterThan(10);
    const stored = new Set((await database.db.select({ id: attempts.id }).from(attempts)).map((r) => r.id));
    for (const id of acknowledged) expect(stored.has(id), `attempt ${id} was acknowledged but is missing`).toBe(true);
    for (const learner of learners) {
      const [{ count }] = await database.db
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(attempts)
        .where(eq(attempts.user_id, learner.id));
      const [row] = await database.db.select().from(progress).where(eq(progress.user_id, learner.id));
      expect(row?.total_attempts ?? 0).toBe(count);
    }
  });
});
