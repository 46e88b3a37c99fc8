import { afterEach, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/client.js';
import { buildTestApp, describeEachDialect, testConfig, type TestContext } from '../../helpers/app.js';

describeEachDialect('GET /admin/health', (dialect) => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('answers 200 pass as application/health+json when the database answers', async () => {
    ctx = await buildTestApp(dialect);
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/health' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/health\+json/);
    expect(res.json()).toEqual({ status: 'pass' });
  });

  it('answers 503 fail, quickly, when the database is unreachable', async () => {
    if (dialect === 'postgres') {
      // nothing listens on port 1: connection refused
      const config = testConfig('postgres://postgres@127.0.0.1:1/nowhere', { HEALTH_TIMEOUT_MS: '1000' });
      const app = await buildApp({ config, database: openDatabase(config.database) });
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/admin/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'fail' });
      expect(Date.now() - started).toBeLessThan(3000);
      await app.close();
    } else {
      ctx = await buildTestApp(dialect);
      if (ctx.database.dialect === 'sqlite') ctx.database.reader.close(); // the connection is gone from under the app
      const res = await ctx.app.inject({ method: 'GET', url: '/admin/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'fail' });
      expect(res.body).not.toMatch(/stack|sqlite|at \w+ \(/i);
    }
  });

  it('never rate limits the plain probe, but counts ?full=true against the sign-in limit, admin token or not', async () => {
    const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
    ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '5', ADMIN_TOKEN });
    const probe = () => ctx!.app.inject({ method: 'GET', url: '/admin/health', remoteAddress: '198.51.100.10' });
    for (let i = 0; i < 8; i++) expect((await probe()).statusCode).toBe(200);
    // someone guessing the admin token: three tries a minute, then 429
    const guesses = [];
    for (let i = 0; i < 4; i++) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/admin/health?full=true',
        remoteAddress: '198.51.100.11',
        headers: { authorization: `Bearer guess-${i}` },
      });
      guesses.push(res.statusCode);
    }
    expect(guesses).toEqual([401, 401, 401, 429]);
    const full = (address: string) =>
      ctx!.app.inject({ method: 'GET', url: '/admin/health?full=true', remoteAddress: address, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect((await full('198.51.100.11')).statusCode).toBe(429);
    const limited = await full('198.51.100.11');
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    expect([200, 503]).toContain((await full('198.51.100.12')).statusCode);
    // the probe from the limited address still answers
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/health', remoteAddress: '198.51.100.11' })).statusCode).toBe(200);
  });
});
