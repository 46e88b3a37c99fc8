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
});
