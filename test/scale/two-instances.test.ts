// Scale-out: two app instances (two buildApp on two Database objects, as two processes would
// have) on one database. Nothing that matters lives in one instance's memory: a session started
// on one continues on the other, refresh-token reuse is caught across them, concurrent attempts
// split across both leave exact counters, and with REDIS_URL the rate limit is shared.
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { createMigratedScratchDatabase, describeEachDialect, scratchConfig, type ScratchDatabase } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Is the test Redis there? Like PostgreSQL: skipped loudly outside CI, a failure under CI=true. */
async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { connectTimeout: 1_000, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    if (process.env.CI === 'true') throw new Error(`Redis at ${REDIS_URL} is unreachable: CI=true, the shared rate-limit test must run`);
    process.stderr.write(`\n!!! Redis at ${REDIS_URL} is unreachable: the shared rate-limit test is SKIPPED.\n\n`);
    return false;
  } finally {
    redis.disconnect();
  }
}
const redisAvailable = await redisAnswers();

describeEachDialect(
  'two instances on one database',
  (dialect) => {
    let scratch: ScratchDatabase | undefined;
    const apps: App[] = [];
    afterEach(async () => {
      for (const app of apps.splice(0)) await app.close();
      await scratch?.drop();
      scratch = undefined;
    });

    async function twoInstances(overrides: Record<string, string> = {}) {
      scratch = await createMigratedScratchDatabase(dialect);
      const config = scratchConfig(scratch, overrides);
      const instances: { app: App; database: Database }[] = [];
      for (let i = 0; i < 2; i++) {
        const database = openConfiguredDatabase(config);
        const app = await buildApp({ config, database });
        await app.ready();
        apps.push(app);
        instances.push({ app, database });
      }
      return instances;
    }

    it('continues a session on the other instance and catches refresh-token reuse across them', async () => {
      const [a, b] = await twoInstances();
      const credentials = { username: 'han_solo', password: 'never-tell-me-the-odds' };
      expect((await a.app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...credentials, email: 'han@example.org' } })).statusCode).toBe(201);
      const login = await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
      expect(login.statusCode).toBe(200);
      const first = login.json<{ access_token: string; refresh_token: string }>();

      // The access token signed by A is accepted by B, and B rotates the refresh token A issued.
      const meOnB = await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${first.access_token}` } });
      expect(meOnB.statusCode).toBe(200);
      expect(meOnB.json()).toMatchObject({ username: 'han_solo' });
      const refreshed = await b.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: first.refresh_token } });
      expect(refreshed.statusCode).toBe(200);
      const second = refreshed.json<{ access_token: string; refresh_token: string }>();
      expect((await a.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${second.access_token}` } })).statusCode).toBe(200);

      // The used token presented to A: reuse, and the whole family is revoked on both.
      expect((await a.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: first.refresh_token } })).statusCode).toBe(401);
      expect((await b.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: second.refresh_token } })).statusCode).toBe(401);
    });

    it('keeps exact counters when 200 attempts are split across both instances', async () => {
      const instances = await twoInstances();
      const [a] = instances;
      const { exercises, progress, attempts, users } = a.database.tables;
      const [exercise] = await a.database.transaction((tx) =>
        tx
          .insert(exercises)
          .values({ title: 'Multiplication', exercise_type: 'multiplication', difficulty: 'padawan', question: '6 × 7 = ?', correct_answer: '42' })
          .returning(),
      );
      const learners: TestUser[] = [];
      for (let i = 0; i < 4; i++) learners.push(await createUser(a, 'padawan'));

      // 200 attempts, 16 at a time, alternating instances; every third one is wrong.
      const TOTAL = 200;
      const plan = Array.from({ length: TOTAL }, (_, n) => ({ n, learner: learners[n % learners.length], correct: n % 3 !== 0, instance: instances[n % 2] }));
      const statuses: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < plan.length) {
            const { learner, correct, instance } = plan[next++];
            const res = await instance.app.inject({
              method: 'POST',
              url: `/api/exercises/${exercise.id}/attempts`,
              headers: learner.headers,
              payload: { user_answer: correct ? '42' : '41', time_spent: 2 },
            });
            statuses.push(res.statusCode);
          }
        }),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(TOTAL);

      for (const learner of learners) {
        const mine = plan.filter((p) => p.learner === learner);
        const correct = mine.filter((p) => p.correct).length;
        const [row] = await a.database.db.select().from(progress).where(eq(progress.user_id, learner.id));
        expect(row).toMatchObject({ total_attempts: mine.length, correct_attempts: correct, average_time: 2 });
        expect(row.completion_rate).toBeCloseTo((100 * correct) / mine.length, 6);
        const [user] = await a.database.db.select({ total_points: users.total_points }).from(users).where(eq(users.id, learner.id));
        // points come only with a correct first attempt (padawan difficulty: 20), once, whichever of
        // the racing attempts on the two instances committed first
        const [first] = await a.database.db
          .select({ is_correct: attempts.is_correct })
          .from(attempts)
          .where(and(eq(attempts.user_id, learner.id), eq(attempts.exercise_id, exercise.id), eq(attempts.attempt_number, 1)));
        expect(user.total_points).toBe(first.is_correct ? 20 : 0);
        const numbers = (
          await a.database.db
            .select({ n: attempts.attempt_number })
            .from(attempts)
            .where(and(eq(attempts.user_id, learner.id), eq(attempts.exercise_id, exercise.id)))
        )
          .map((r) => r.n)
          .sort((x, y) => x - y);
        expect(numbers).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
      }
    });

    it.runIf(redisAvailable)('shares the rate limit through Redis when REDIS_URL is set', async () => {
      const [a, b] = await twoInstances({ REDIS_URL, AUTH_RATE_LIMIT_PER_MINUTE: '4' });
      // A client address of its own, so no other run's counters count (inject sends no traffic).
      const client = `10.${randomBytes(3).join('.')}`;
      const login = (instance: { app: App }) =>
        instance.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: client, payload: { username: 'nobody', password: 'wrong-password' } });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(i % 2 ? b : a)).statusCode);
      // 4 per minute in all, whichever instance answers (alone, each would have allowed 4).
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    });

    it.runIf(redisAvailable)('counts from the first request a freshly started instance answers, even when Redis is slow to connect', async () => {
      // A Redis 300 ms away: until its connection is up every command fails and the limit is
      // skipped, so ready() must wait for it (at most the connect timeout) before serving.
      const redisPort = Number(new URL(REDIS_URL).port || 6379);
      const slowRedis = createServer((socket) => {
        setTimeout(() => {
          const upstream = connect(redisPort, new URL(REDIS_URL).hostname);
          socket.pipe(upstream).pipe(socket);
          upstream.on('error', () => socket.destroy());
          socket.on('error', () => upstream.destroy());
        }, 300);
      });
      await new Promise<void>((resolve) => slowRedis.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = slowRedis.address() as AddressInfo;
        const [a] = await twoInstances({ REDIS_URL: `redis://127.0.0.1:${port}`, AUTH_RATE_LIMIT_PER_MINUTE: '2' });
        const client = `10.${randomBytes(3).join('.')}`;
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await a.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            remoteAddress: client,
            payload: { username: 'nobody', password: 'wrong-password' },
          });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([401, 401, 429]);
      } finally {
        for (const app of apps.splice(0)) await app.close();
        slowRedis.close();
      }
    });

    it('keeps answering when the rate-limit Redis is unreachable', async () => {
      const [a] = await twoInstances({ REDIS_URL: 'redis://127.0.0.1:1', AUTH_RATE_LIMIT_PER_MINUTE: '4' });
      const started = Date.now();
      const res = await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong-password' } });
      expect(res.statusCode).toBe(401);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await a.app.inject({ method: 'GET', url: '/admin/health' })).statusCode).toBe(200);
    });
  },
  { pooler: true },
);
