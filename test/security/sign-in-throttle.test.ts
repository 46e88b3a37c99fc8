// Failed sign-ins are throttled per (name as typed, client address), with a slower backoff over
// every address that never locks the owner out, and the same answers for names no account has.
// Time is moved by moving the stored failures back (the rules read only those timestamps).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACCOUNT_BUSY_FAILURES, FAILURE_WINDOW_MS, identifierKey, MAX_FAILURES_PER_ADDRESS } from '../../src/modules/auth/throttle.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';

describeEachDialect(
  'sign-in throttling',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      // behind one proxy hop: the client address is the last X-Forwarded-For entry
      ctx = await buildTestApp(dialect, { TRUST_PROXY_HOPS: '1' });
    });
    afterAll(() => ctx.close());

    const login = (username: string, password: string, address: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': address },
        payload: { username, password },
      });

    /** Moves every stored failure of `name` back by `ms`, as if that much time had passed. */
    async function elapse(name: string, ms: number) {
      const { signInFailures: t } = ctx.database.tables;
      const back = (column: typeof t.window_start) => (dialect === 'sqlite' ? sql`${column} - ${ms}` : sql`${column} - make_interval(secs => ${ms / 1000})`);
      await ctx.database.transaction((tx) =>
        tx
          .update(t)
          .set({ window_start: back(t.window_start), last_failure_at: back(t.last_failure_at) })
          .where(sql`${t.identifier_hash} = ${identifierKey(name)}`),
      );
    }

    it("does not let a stranger's failures from one address block the owner at another", async () => {
      const owner = await createUser(ctx, 'padawan');
      for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) expect((await login(owner.username, `guess-${i}`, '198.51.100.1')).statusCode).toBe(401);
      const blocked = await login(owner.username, TEST_PASSWORD, '198.51.100.1');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('RATE_LIMITED');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(FAILURE_WINDOW_MS / 1000);
      // the owner, at home: signed in at once, however often the stranger keeps trying
      expect((await login(owner.username, TEST_PASSWORD, '203.0.113.7')).statusCode).toBe(200);
      expect((await login(owner.username, 'guess-again', '198.51.100.1')).statusCode).toBe(429);
      expect((await login(owner.username, TEST_PASSWORD, '203.0.113.7')).statusCode).toBe(200);
      // by email too, and in any case: the same account, another name as typed
      expect((await login(owner.email.toUpperCase(), TEST_PASSWORD, '198.51.100.1')).statusCode).toBe(200);
    });

    it('gives names no account has the same status and body as real ones, throttled or not', async () => {
      const real = await createUser(ctx, 'padawan');
      const names = [real.username, `nobody_${real.id}`];
      const answers = new Map<string, { status: number; body: string; retryAfter?: string }[]>(names.map((n) => [n, []]));
      for (let i = 0; i <= MAX_FAILURES_PER_ADDRESS + 1; i++) {
        for (const name of names) {
          const res = await login(name, `wrong-${i}`, '198.51.100.2');
          answers.get(name)!.push({ status: res.statusCode, body: res.body });
        }
      }
      const [known, unknown] = names.map((n) => answers.get(n)!);
      expect(known.map((a) => a.status)).toEqual([...Array(MAX_FAILURES_PER_ADDRESS).fill(401), 429, 429]);
      expect(unknown).toEqual(known);
    });

    it('spaces out the tries of addresses that failed on a busy name, never the owner on a fresh one, and never for good', async () => {
      const owner = await createUser(ctx, 'padawan');
      // a guesser spread over many addresses, one try each: the name is busy
      for (let i = 0; i < ACCOUNT_BUSY_FAILURES; i++) expect((await login(owner.username, `spray-${i}`, `192.0.2.${i + 1}`)).statusCode).toBe(401);
      const held = await login(owner.username, 'spray-again', '192.0.2.1');
      expect(held.statusCode).toBe(429);
      expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(30);
      // the owner on their own device, never seen failing: no wait
      expect((await login(owner.username, TEST_PASSWORD, '203.0.113.8')).statusCode).toBe(200);
      // the owner mistypes once: a bounded wait, then the right password goes through
      expect((await login(owner.username, 'typo', '203.0.113.8')).statusCode).toBe(401);
      const wait = await login(owner.username, TEST_PASSWORD, '203.0.113.8');
      expect(wait.statusCode).toBe(429);
      expect(Number(wait.headers['retry-after'])).toBeLessThanOrEqual(30);
      await elapse(owner.username, 31_000);
      expect((await login(owner.username, TEST_PASSWORD, '203.0.113.8')).statusCode).toBe(200);

      // cycle after cycle of a stranger's failures from the owner's own address (a shared school
      // network), the owner gets in after each window, and from anywhere else at once
      for (let cycle = 0; cycle < 3; cycle++) {
        for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) await login(owner.username, `cycle-${cycle}-${i}`, '198.51.100.3');
        expect((await login(owner.username, TEST_PASSWORD, '198.51.100.3')).statusCode).toBe(429);
        expect((await login(owner.username, TEST_PASSWORD, `203.0.113.${20 + cycle}`)).statusCode).toBe(200);
        await elapse(owner.username, FAILURE_WINDOW_MS + 1000);
        expect((await login(owner.username, TEST_PASSWORD, '198.51.100.3')).statusCode).toBe(200);
      }
    });

    it('counts every one of many failures at once, on every instance alike', async () => {
      const { signInFailures: t } = ctx.database.tables;
      const name = `rush_${Date.now()}`;
      const answers = await Promise.all(Array.from({ length: 2 * MAX_FAILURES_PER_ADDRESS }, (_, i) => login(name, `wrong-${i}`, '198.51.100.5')));
      const failed = answers.filter((a) => a.statusCode === 401).length;
      expect(failed).toBeGreaterThanOrEqual(MAX_FAILURES_PER_ADDRESS);
      const rows = await ctx.database.db
        .select()
        .from(t)
        .where(sql`${t.identifier_hash} = ${identifierKey(name)}`);
      expect(rows.map((r) => r.failures)).toEqual([failed, failed]);
      expect((await login(name, 'one-more', '198.51.100.5')).statusCode).toBe(429);
    });

    it('keeps no row past the window: they are deleted as new failures come in', async () => {
      const { signInFailures: t } = ctx.database.tables;
      const name = `sweeper_${Date.now()}`;
      await login(name, 'wrong-password', '198.51.100.4');
      await elapse(name, FAILURE_WINDOW_MS + 1000);
      await login(`other_${name}`, 'wrong-password', '198.51.100.4');
      const left = await ctx.database.db
        .select()
        .from(t)
        .where(sql`${t.identifier_hash} = ${identifierKey(name)}`);
      expect(left).toEqual([]);
    });
  },
  { pooler: true },
);
