// The app as a whole: one error shape, OpenAPI document, pool closed on shutdown.
import { afterEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from './helpers/app.js';

describeEachDialect('app', (dialect) => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('answers unknown routes and malformed JSON with the one error shape', async () => {
    ctx = await buildTestApp(dialect);
    const missing = await ctx.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });

    const badJson = await ctx.app.inject({
      method: 'POST',
      url: '/admin/health',
      headers: { 'content-type': 'application/json' },
      payload: '{"oops"',
    });
    expect(badJson.statusCode).toBeGreaterThanOrEqual(400);
    expect(badJson.statusCode).toBeLessThan(500);
    expect(badJson.json().error.code).toEqual(expect.any(String));
  });

  it('names every answer with x-request-id: successes, errors, and the id a proxy sent', async () => {
    ctx = await buildTestApp(dialect);
    const answers = await Promise.all([
      ctx.app.inject({ method: 'GET', url: '/api/exercises/types' }),
      ctx.app.inject({ method: 'GET', url: '/api/nothing-here' }),
      ctx.app.inject({ method: 'GET', url: '/api/exercises' }), // 401
      ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } }), // 400
    ]);
    expect(answers.map((res) => res.statusCode)).toEqual([200, 404, 401, 400]);
    for (const res of answers) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forwarded = await ctx.app.inject({ method: 'GET', url: '/api/exercises/types', headers: { 'x-request-id': 'from-the-proxy-1' } });
    expect(forwarded.headers['x-request-id']).toBe('from-the-proxy-1');
  });

  it('serves a valid OpenAPI 3 document at /docs/json and the UI at /docs', async () => {
    ctx = await buildTestApp(dialect);
    const doc = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const body = doc.json();
    expect(body.openapi).toMatch(/^3\./);
    expect(body.paths['/admin/health'].get.tags).toContain('admin');
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
  });

  it('documents every operation with a summary and a tag, and every request body with an example', async () => {
    ctx = await buildTestApp(dialect);
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<
        string,
        Record<string, { summary?: string; tags?: string[]; requestBody?: { content: Record<string, { schema?: { example?: unknown }; example?: unknown }> } }>
      >;
    };
    const gaps: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (!op.summary) gaps.push(`${method} ${path}: no summary`);
        if (!op.tags?.length) gaps.push(`${method} ${path}: no tag`);
        const body = op.requestBody?.content['application/json'];
        if (body && body.example === undefined && body.schema?.example === undefined) gaps.push(`${method} ${path}: no example`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('closes its database connections when it closes', async () => {
    ctx = await buildTestApp(dialect, { PG_APPLICATION_NAME: `close-test-${process.pid}` });
    const { app, database } = ctx;
    await app.inject({ method: 'GET', url: '/admin/health' });
    if (database.dialect === 'postgres') {
      const monitor = new pg.Client({ connectionString: inject('testDatabaseUrl') });
      await monitor.connect();
      const count = async () =>
        Number((await monitor.query('select count(*) from pg_stat_activity where application_name = $1', [`close-test-${process.pid}`])).rows[0].count);
      expect(await count()).toBeGreaterThan(0);
      await app.close();
      for (let i = 0; i < 50 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await count()).toBe(0);
      await monitor.end();
    } else {
      expect(database.reader.open).toBe(true);
      await app.close();
      expect(database.reader.open).toBe(false);
    }
    await expect(database.query(sql`select 1`)).rejects.toThrow();
  });
});
