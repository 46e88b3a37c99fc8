// /admin/stats, /admin/optimize and /admin/health?full=true: admin auth (archiviste JWT or
// ADMIN_TOKEN), the full health report and what it catches, optimize's idempotence, the stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOMMENDED_INDEXES } from '../../../src/ops/measure/catalog.js';
import { recordMaintenanceRun } from '../../../src/ops/upkeep/maintenance-runs.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { execSql, ORPHAN_USER_ID, plantOrphan } from '../../ops/fixtures.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
const ADMIN_ROUTES = [
  ['GET', '/admin/stats'],
  ['POST', '/admin/optimize'],
  ['GET', '/admin/health?full=true'],
] as const;

describe('recommended indexes', () => {
  it("include the original guide's list and cover every foreign key", () => {
    const has = (table: string, column: string) => RECOMMENDED_INDEXES.some((i) => i.table === table && i.columns[0] === column);
    for (const [table, column] of [
      ['exercises', 'exercise_type'],
      ['exercises', 'difficulty'],
      ['attempts', 'user_id'],
      ['attempts', 'exercise_id'],
      ['attempts', 'created_at'],
      ['logic_challenges', 'challenge_type'],
      ['logic_challenges', 'age_group'],
      ['exercises', 'creator_id'],
      ['refresh_tokens', 'user_id'],
    ]) {
      expect(has(table, column), `${table}.${column}`).toBe(true);
    }
  });
});

describeEachDialect('admin routes', (dialect) => {
  let ctx: TestContext;
  let archiviste: TestUser;
  let padawan: TestUser;
  let gardien: TestUser;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { ADMIN_TOKEN });
    archiviste = await createUser(ctx, 'archiviste');
    padawan = await createUser(ctx, 'padawan');
    gardien = await createUser(ctx, 'gardien');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it.each(ADMIN_ROUTES)('%s %s: 401 without or with a bad token, 403 below archiviste, 200 for an archiviste and for ADMIN_TOKEN', async (method, url) => {
    const call = (authorization?: string) => ctx.app.inject({ method, url, headers: authorization ? { authorization } : {} });

    const anonymous = await call();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
    expect((await call('Bearer not-a-token')).statusCode).toBe(401);
    expect((await call(`Bearer ${ADMIN_TOKEN}x`)).statusCode).toBe(401);

    for (const learner of [padawan, gardien]) {
      const denied = await call(learner.headers.authorization);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
    }
    expect((await call(archiviste.headers.authorization)).statusCode).toBe(200);
    expect((await call(`Bearer ${ADMIN_TOKEN}`)).statusCode).toBe(200);
  });

  it('keeps the public health check minimal and rejects a malformed full flag', async () => {
    for (const url of ['/admin/health', '/admin/health?full=false']) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: archiviste.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'pass' });
    }
    const bad = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('reports every full health check with a status and a figure', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: archiviste.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/health\+json/);
    const body = res.json();
    expect(body.status).toBe('pass');
    for (const key of [
      'database:connection',
      'migrations:pending',
      'tables:schema',
      'tables:protected',
      'indexes:recommended',
      'integrity:orphan_rows',
      'integrity:enum_violations',
      'tables:rows',
      'disk:usage',
      'pool:usage',
    ]) {
      expect(body.checks[key], key).toBeDefined();
      for (const check of body.checks[key]) {
        expect(check.status, key).toBe('pass');
        expect(check.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      }
    }
    expect(body.checks['database:connection'][0]).toMatchObject({ observedUnit: 'ms', observedValue: expect.any(Number) });
    expect(body.checks['migrations:pending'][0].observedValue).toBe(0);
    expect(body.checks['disk:usage'][0].observedValue).toBeGreaterThan(0);
    const users = body.checks['tables:rows'].find((c: { componentId: string }) => c.componentId === 'users');
    expect(users.observedValue).toBe(3);
  });

  it('shows the last db maintenance run: never, then a failed one as a warning with the failed step', async () => {
    const before = (await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: archiviste.headers })).json();
    expect(before.checks['maintenance:last_run'][0]).toMatchObject({ status: 'pass', output: expect.stringMatching(/^never run here/) });
    const started = new Date(Date.now() - 3_000);
    await recordMaintenanceRun(ctx.database, {
      started_at: started,
      finished_at: new Date(),
      ok: false,
      steps: [
        { name: 'optimize', ok: true, summary: 'no index missing', duration_ms: 40 },
        { name: 'backup', ok: false, summary: 'pg_dump: connection refused', duration_ms: 12 },
      ],
    });
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: archiviste.headers });
    expect(res.statusCode).toBe(200); // a warning: the API itself is fine
    expect(res.json().checks['maintenance:last_run'][0]).toMatchObject({
      status: 'warn',
      observedValue: started.toISOString(),
      output:
        'FAILED 0 h ago, optimize ok 40 ms, backup FAILED 12 ms; backup: pg_dump: connection refused (read the failed step in `mathakine db health --full` and run `mathakine db maintenance` again)',
    });
    await execSql(ctx.url, ['delete from maintenance_runs']);
  });

  it('finds an orphan row planted with foreign-key checks off, and answers 503 fail', async () => {
    await plantOrphan(ctx.url);
    try {
      const res = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('fail');
      const orphans = body.checks['integrity:orphan_rows'];
      const progressKey = orphans.find((c: { componentId: string }) => c.componentId === 'progress.user_id -> users.id');
      expect(progressKey).toMatchObject({ status: 'fail', observedValue: 1, observedUnit: 'rows' });
      // every other foreign key is clean
      expect(orphans.filter((c: { status: string }) => c.status === 'fail')).toHaveLength(1);
    } finally {
      await execSql(ctx.url, [`delete from progress where user_id = ${ORPHAN_USER_ID}`]);
    }
    const healed = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: archiviste.headers });
    expect(healed.json().status).toBe('pass');
  });

  it('optimize recreates a dropped recommended index, and a second call changes nothing', async () => {
    await execSql(ctx.url, ['drop index idx_attempts_created_at', 'drop index idx_exercises_difficulty']);
    const warned = await ctx.app.inject({ method: 'GET', url: '/admin/health?full=true', headers: archiviste.headers });
    expect(warned.json().checks['indexes:recommended'][0]).toMatchObject({ status: 'warn', observedValue: 2 });
    expect(warned.json().status).toBe('warn');

    const first = await ctx.app.inject({ method: 'POST', url: '/admin/optimize', headers: archiviste.headers });
    expect(first.statusCode).toBe(200);
    const report = first.json();
    expect(report.ok).toBe(true);
    expect(report.dialect).toBe(dialect);
    expect(report.created_indexes.sort()).toEqual(['idx_attempts_created_at', 'idx_exercises_difficulty']);
    for (const step of report.steps) {
      expect(step.status).not.toBe('failed');
      expect(step.duration_ms).toBeGreaterThanOrEqual(0);
    }
    const maintenance = report.steps.map((s: { name: string }) => s.name);
    if (dialect === 'postgres') expect(maintenance).toContain('vacuum analyze attempts');
    else expect(maintenance).toEqual(expect.arrayContaining(['analyze', 'pragma optimize']));

    const second = (await ctx.app.inject({ method: 'POST', url: '/admin/optimize', headers: archiviste.headers })).json();
    expect(second.ok).toBe(true);
    expect(second.created_indexes).toEqual([]);

    const stats = (await ctx.app.inject({ method: 'GET', url: '/admin/stats', headers: archiviste.headers })).json();
    const names = stats.indexes.map((i: { index_name: string }) => i.index_name);
    expect(names).toEqual(expect.arrayContaining(['idx_attempts_created_at', 'idx_exercises_difficulty']));
    expect(stats.missing_indexes.filter((m: { index_name: string | null }) => m.index_name !== null)).toEqual([]);
  });

  it("describes the dialect's tables, indexes and what it cannot measure", async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/stats', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats.dialect).toBe(dialect);
    const tableNames = stats.tables.map((t: { table_name: string }) => t.table_name);
    expect(tableNames).toEqual(expect.arrayContaining(['users', 'exercises', 'attempts', 'progress', 'results']));
    expect(stats.indexes.length).toBeGreaterThanOrEqual(RECOMMENDED_INDEXES.length);
    if (stats.dialect === 'postgres') {
      const users = stats.tables.find((t: { table_name: string }) => t.table_name === 'users');
      expect(users.inserts).toBeGreaterThanOrEqual(3);
      expect(users.total_bytes).toBeGreaterThan(0);
      expect(stats.database.size_bytes).toBeGreaterThan(0);
      // the server preloads pg_stat_statements (CI does), but a fresh database has not created it:
      // the report says how; once created, the slowest queries are listed
      expect(stats.slow_queries.available).toBe(false);
      expect(stats.slow_queries.message).toMatch(/CREATE EXTENSION pg_stat_statements/);
      await execSql(ctx.url, ['create extension if not exists pg_stat_statements', 'select count(*) from users']);
      const enabled = (await ctx.app.inject({ method: 'GET', url: '/admin/stats', headers: archiviste.headers })).json();
      expect(enabled.slow_queries.available).toBe(true);
      expect(enabled.slow_queries.queries.length).toBeGreaterThan(0);
      expect(stats.connections.by_state.length).toBeGreaterThan(0);
      expect(stats.unused_indexes.map((i: { index_name: string }) => i.index_name)).not.toContain('users_username_lower_key');
    } else {
      expect(stats.tables.find((t: { table_name: string }) => t.table_name === 'users').rows).toBe(3);
      expect(stats.database.page_count).toBeGreaterThan(0);
      expect(stats.dbstat_available).toBe(true);
      expect(stats.notes.join(' ')).toMatch(/PostgreSQL-only/);
    }
  });

  it('lists the admin routes in the OpenAPI document under the admin tag', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/admin/stats'].get.tags).toEqual(['admin']);
    expect(doc.paths['/admin/optimize'].post.tags).toEqual(['admin']);
    expect(doc.paths['/admin/health'].get.parameters.map((p: { name: string }) => p.name)).toContain('full');
  });
});
