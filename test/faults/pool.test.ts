// The pool of the guide (PostgreSQL): PG_POOL_MIN connections open before the first request, and
// the first request after the network silently dropped every connection still succeeds (the
// dead connection is found when the statement is sent, and a read or BEGIN goes again on a fresh
// one, as SQLAlchemy's pool_pre_ping would have done).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, inject, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { buildTestApp, describeEachDialect, testConfig, type TestContext } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';
import { createExercise, startTcpProxy, throughProxy, type TcpProxy } from './fixtures.js';

describeEachDialect('the connection pool', (dialect) => {
  let ctx: TestContext | undefined;
  let app: App | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await app?.close();
    await proxy?.close();
    await ctx?.close();
    ctx = app = proxy = undefined;
  });

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
