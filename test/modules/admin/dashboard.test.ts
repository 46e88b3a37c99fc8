// The JSON behind every /admin dashboard page, on both dialects, under real conditions: a slow
// query, a lock held by another connection, a sequence pushed near its maximum, a duplicate
// index, a backup and a maintenance snapshot. And the page's own answers (shell, CSP, assets).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openConfiguredDatabase } from '../../../src/db/configured.js';
import { captureSnapshot } from '../../../src/ops/dashboard/snapshots.js';
import { recordMaintenanceRun } from '../../../src/ops/upkeep/maintenance-runs.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { insertActivity } from '../../helpers/attempts.js';
import { holdExercisesLock } from '../../helpers/locks.js';
import { capturingLogger } from '../../helpers/logs.js';
import { createUser, type TestUser } from '../../helpers/users.js';
import { execSql } from '../../ops/fixtures.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
const PAGES = ['overview', 'queries', 'space', 'connections', 'maintenance', 'learning'];
const sqlitePath = (url: string) => url.replace(/^sqlite:/, '');

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachDialect('admin dashboard', (dialect) => {
  let ctx: TestContext;
  let archiviste: TestUser;
  let padawan: TestUser;
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-dash-backups-'));
  const get = async (page: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/admin/dashboard/${page}`, headers: archiviste.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const check = (overview: { checks: { id: string }[] }, id: string) => overview.checks.find((c) => c.id === id) as Record<string, unknown>;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { ADMIN_TOKEN, BACKUP_DIR: backupDir });
    archiviste = await createUser(ctx, 'archiviste');
    padawan = await createUser(ctx, 'padawan');
    await insertActivity(ctx, [
      { user_id: padawan.id, exercise_type: 'addition', difficulty: 'initie', answers: [true, false] },
      { user_id: archiviste.id, exercise_type: 'multiplication', difficulty: 'chevalier', answers: [true] },
    ]);
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  it('every page: 401 without auth, 403 for a learner, 200 for an archiviste and the ADMIN_TOKEN', async () => {
    for (const page of PAGES) {
      const call = (authorization?: string) =>
        ctx.app.inject({ method: 'GET', url: `/admin/dashboard/${page}`, headers: authorization ? { authorization } : {} });
      expect((await call()).statusCode, page).toBe(401);
      expect((await call(padawan.headers.authorization)).statusCode, page).toBe(403);
      expect((await call(archiviste.headers.authorization)).statusCode, page).toBe(200);
      expect((await call(`Bearer ${ADMIN_TOKEN}`)).statusCode, page).toBe(200);
    }
  });

  it('serves the page shell and its assets with a strict CSP and no data', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/admin' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.body).not.toMatch(/<script>|<style>|style=/);
    expect(page.body).not.toContain(archiviste.username);
    for (const asset of ['dashboard.js', 'dashboard.css', 'uPlot.iife.min.js', 'uPlot.min.css']) {
      const res = await ctx.app.inject({ method: 'GET', url: `/admin/assets/${asset}` });
      expect(res.statusCode, asset).toBe(200);
      expect(res.body.length, asset).toBeGreaterThan(100);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/assets/..%2Fpage.ts' })).statusCode).toBe(404);
  });

  it('overview: every check, n/a where it does not apply, and a duplicate index and a nearly full sequence caught', async () => {
    const before = await get('overview');
    const ids = before.checks.map((c: { id: string }) => c.id);
    expect(ids).toEqual([
      'database',
      'migrations',
      'tables',
      'long_queries',
      'idle_in_transaction',
      'sequences',
      'wraparound',
      'invalid_indexes',
      'duplicate_indexes',
      'unused_indexes',
      'missing_indexes',
      'cache_hit_rate',
      'connections',
      'replication',
      'backup',
      'maintenance',
    ]);
    for (const c of before.checks) {
      expect(['green', 'amber', 'red', 'n/a']).toContain(c.status);
      expect(c.reason.length, c.id).toBeGreaterThan(0);
      if (c.status === 'amber' || c.status === 'red') expect(c.action, c.id).toBeTruthy();
    }
    expect(check(before, 'database').status).toBe('green');
    expect(check(before, 'migrations').status).toBe('green');
    expect(check(before, 'tables').status).toBe('green');
    expect(check(before, 'sequences').status).toBe('green');
    expect(check(before, 'duplicate_indexes').status).toBe('green');
    expect(check(before, 'backup').status).toBe('red');
    // never run: a pass with a hint, as the health report always said (the two copies disagreed)
    expect(check(before, 'maintenance')).toMatchObject({ status: 'green', reason: expect.stringMatching(/^never run here/) });
    if (dialect === 'sqlite') {
      for (const id of ['long_queries', 'idle_in_transaction', 'wraparound', 'invalid_indexes', 'unused_indexes', 'cache_hit_rate', 'replication']) {
        expect(check(before, id).status, id).toBe('n/a');
        expect(check(before, id).reason, id).toMatch(/SQLite/);
      }
    } else {
      expect(check(before, 'wraparound').status).toBe('green');
      // the standbys the cluster streams to (CI has one: .ci/replica.sh)
      const standbys = await ctx.database.query<{ n: number }>(sql`select count(*)::int as n from pg_stat_replication`);
      if (standbys[0].n === 0) expect(check(before, 'replication')).toMatchObject({ status: 'n/a', reason: 'no replicas' });
      else expect(check(before, 'replication')).toMatchObject({ status: 'green', reason: expect.stringMatching(/\d+\.\d s/) });
    }

    expect(check(before, 'tables').reason).toMatch(/the protected results, statistics, user_stats, schema_version with all their columns$/);

    await execSql(ctx.url, [
      'alter table statistics drop column avg_time',
      dialect === 'postgres' ? 'create schema legacy' : 'select 1',
      dialect === 'postgres'
        ? 'create table legacy.achievements (source_row integer primary key)'
        : 'create table legacy_achievements (source_row integer primary key)',
      'create index idx_dup_attempts_user on attempts (user_id)',
      dialect === 'postgres'
        ? "select setval(pg_get_serial_sequence('users', 'id'), 2000000000)"
        : "update sqlite_sequence set seq = 9000000000000000000 where name = 'users'",
    ]);
    try {
      const after = await get('overview');
      expect(check(after, 'duplicate_indexes')).toMatchObject({ status: 'amber', value: 1 });
      expect(check(after, 'duplicate_indexes').reason).toContain('idx_dup_attempts_user (covered by idx_attempts_user_exercise)');
      expect(check(after, 'sequences').status).toBe('red');
      expect(check(after, 'sequences').reason).toMatch(/users/);
      expect(check(after, 'tables')).toMatchObject({
        status: 'red',
        value: 1,
        reason: 'column gone: statistics.avg_time',
        action: expect.stringMatching(/db restore/),
      });
      expect(after.status).toBe('red');
    } finally {
      await execSql(ctx.url, [
        `alter table statistics add column avg_time ${dialect === 'postgres' ? 'double precision' : 'real'} not null default 0`,
        'drop index idx_dup_attempts_user',
        dialect === 'postgres' ? "select setval(pg_get_serial_sequence('users', 'id'), 100)" : "update sqlite_sequence set seq = 100 where name = 'users'",
      ]);
    }
  });

  it('overview: the legacy import area is counted, not judged', async () => {
    expect(check(await get('overview'), 'tables')).toMatchObject({
      status: 'green',
      reason: expect.stringMatching(/; legacy import area: 1 table\(s\), never touched by the API$/),
    });
  });

  it('queries: a real slow query by mean time, history from diffed snapshots (never a reset); SQLite says it has none', async () => {
    if (dialect === 'sqlite') {
      const page = await get('queries');
      expect(page).toMatchObject({ available: false, by_total: [], by_mean: [] });
      expect(page.message).toMatch(/SQLite records no query statistics/);
      return;
    }
    // a fresh database: the extension is preloaded by the server but not created here
    const absent = await get('queries');
    expect(absent.available).toBe(false);
    expect(absent.message).toMatch(/CREATE EXTENSION pg_stat_statements/);
    const enabled = await ctx.app.inject({ method: 'POST', url: '/admin/dashboard/queries/enable', headers: archiviste.headers });
    expect(enabled.json()).toEqual({ installed: true });

    await captureSnapshot(ctx.database, 'manual');
    await execSql(ctx.url, ['select pg_sleep(1.1) as slow_dashboard_probe', 'select count(*) from attempts', 'select count(*) from attempts']);
    await captureSnapshot(ctx.database, 'manual');

    const page = await get('queries');
    expect(page.available).toBe(true);
    const slow = page.by_mean.find((q: { query: string }) => q.query.includes('slow_dashboard_probe'));
    expect(slow).toMatchObject({ calls: 1, slow: true });
    expect(slow.mean_ms).toBeGreaterThan(1000);
    expect(page.by_mean[0].mean_ms).toBeGreaterThanOrEqual(page.by_mean.at(-1).mean_ms);
    expect(page.by_total.length).toBeGreaterThan(0);
    expect(page.history.length).toBeGreaterThanOrEqual(1);
    const last = page.history.at(-1);
    expect(last.total_ms).toBeGreaterThan(1000);
    expect(last.calls).toBeGreaterThanOrEqual(3);
    // the extension was never reset: the slow query's counters are still there (this database's
    // only: the server keeps the entries of the test databases dropped before)
    const [{ calls }] = await execSql(ctx.url, [
      "select sum(calls)::int as calls from pg_stat_statements where query like '%slow_dashboard_probe%' and dbid = (select oid from pg_database where datname = current_database())",
    ]);
    expect(calls).toBe(1);
  });

  it('connections: who blocks whom with a real lock held by another connection, and terminate (confirmed, audited)', async () => {
    if (dialect === 'sqlite') {
      expect((await get('connections')).sqlite_write_lock).toMatchObject({ held: false });
      const other = new BetterSqlite3(sqlitePath(ctx.url));
      try {
        other.exec('begin immediate');
        const held = await get('connections');
        expect(held.sqlite_write_lock.held).toBe(true);
        expect(held.sqlite_write_lock.detail).toMatch(/another connection holds the write lock/);
        other.exec('rollback');
      } finally {
        other.close();
      }
      expect((await get('connections')).sqlite_write_lock.held).toBe(false);
      const refused = await ctx.app.inject({
        method: 'POST',
        url: '/admin/dashboard/connections/1/cancel',
        headers: archiviste.headers,
        payload: { confirm: true },
      });
      expect(refused.statusCode).toBe(400);
      return;
    }
    const { holderPid, waiterPid, blocked, end } = await holdExercisesLock(ctx.url, 'lock');
    try {
      const lock = await waitFor(async () => {
        const page = await get('connections');
        return page.locks.find((l: { pid: number }) => l.pid === waiterPid);
      }, 'the waiter to show as blocked');
      expect(lock.blocked_by.map((b: { pid: number }) => b.pid)).toEqual([holderPid]);
      expect(lock.blocked_by[0].state).toBe('idle in transaction');
      expect(lock.lock).toMatch(/AccessShareLock on exercises/);
      expect(lock.query).toMatch(/select count\(\*\) from exercises/);
      const page = await get('connections');
      expect(page.max_connections).toBeGreaterThan(0);
      expect(page.queries.map((q: { pid: number }) => q.pid)).toEqual(expect.arrayContaining([holderPid, waiterPid]));
      expect(check(await get('overview'), 'idle_in_transaction').status).toBe('amber');

      const unconfirmed = await ctx.app.inject({
        method: 'POST',
        url: `/admin/dashboard/connections/${holderPid}/terminate`,
        headers: archiviste.headers,
        payload: {},
      });
      expect(unconfirmed.statusCode).toBe(400);
      const unknown = await ctx.app.inject({
        method: 'POST',
        url: '/admin/dashboard/connections/999999/cancel',
        headers: archiviste.headers,
        payload: { confirm: true },
      });
      expect(unknown.statusCode).toBe(404);
      const learner = await ctx.app.inject({
        method: 'POST',
        url: `/admin/dashboard/connections/${holderPid}/terminate`,
        headers: padawan.headers,
        payload: { confirm: true },
      });
      expect(learner.statusCode).toBe(403);

      const terminated = await ctx.app.inject({
        method: 'POST',
        url: `/admin/dashboard/connections/${holderPid}/terminate`,
        headers: archiviste.headers,
        payload: { confirm: true },
      });
      expect(terminated.statusCode).toBe(200);
      expect(terminated.json()).toMatchObject({ pid: holderPid, action: 'terminate', signalled: true });
      expect((await blocked).rows[0].count).toBe('2');
    } finally {
      await end();
    }
  });

  it('space and maintenance: sizes, growth from snapshots, a backup from the button, the last maintenance run', async () => {
    await captureSnapshot(ctx.database, 'maintenance');
    const started = new Date(Date.now() - 5_000);
    await recordMaintenanceRun(ctx.database, {
      started_at: started,
      finished_at: new Date(),
      ok: true,
      steps: [{ name: 'backup', ok: true, summary: 'x', duration_ms: 12 }],
    });
    const space = await get('space');
    expect(space.database_bytes).toBeGreaterThan(0);
    expect(space.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['users', 'attempts', 'dashboard_snapshots']));
    expect(space.tables.find((t: { name: string }) => t.name === 'users').bytes).toBeGreaterThan(0);
    expect(space.indexes.map((i: { name: string }) => i.name)).toContain('idx_attempts_user_exercise');
    expect(space.history.length).toBeGreaterThanOrEqual(1);
    expect(space.history.at(-1).database_bytes).toBeGreaterThan(0);
    expect(space.history.at(-1).relations.users).toBeGreaterThan(0);
    // growth: attempts gains rows after the snapshots (dated 40 days ago: outside the learning page's period)
    await execSql(ctx.url, [
      dialect === 'postgres'
        ? `insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) select ${padawan.id}, (select min(id) from exercises), repeat('x', 200), false, now() - interval '40 days' from generate_series(1, 2000)`
        : `with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000) insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) select ${padawan.id}, (select min(id) from exercises), printf('%.200c', 'x'), 0, ${Date.now() - 40 * 86_400_000} from n`,
      ...(dialect === 'postgres' ? ['analyze attempts'] : []),
    ]);
    const grown = await get('space');
    const attempts = grown.tables.find((t: { name: string }) => t.name === 'attempts');
    const firstSnapshot = grown.history.find((h: { relations: Record<string, number> }) => 'attempts' in h.relations);
    expect(attempts.growth_bytes).toBe(attempts.bytes - firstSnapshot.relations.attempts);
    expect(attempts.growth_bytes).toBeGreaterThan(200 * 2000 * 0.9);

    const backup = await ctx.app.inject({ method: 'POST', url: '/admin/dashboard/backup', headers: archiviste.headers });
    expect(backup.statusCode, backup.body).toBe(200);
    expect(fs.existsSync(backup.json().file)).toBe(true);

    const upkeep = await get('maintenance');
    expect(upkeep.last_backup.file).toBe(backup.json().file);
    expect(new Date(upkeep.last_maintenance).getTime()).toBe(started.getTime());
    if (dialect === 'postgres') {
      expect(upkeep.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['users', 'attempts']));
      expect(upkeep.tables.find((t: { name: string }) => t.name === 'attempts')).toHaveProperty('dead_rows');
    } else {
      expect(upkeep.integrity).toEqual({ ok: true, detail: 'ok' });
      expect(upkeep.freelist_pages).toBeGreaterThanOrEqual(0);
    }
    const overview = await get('overview');
    expect(check(overview, 'backup').status).toBe('green');
    expect(check(overview, 'maintenance').status).toBe('green');
  });

  it('learning: attempts per day, active learners, success rate by type and difficulty', async () => {
    const page = await get('learning');
    const today = new Date().toISOString().slice(0, 10);
    expect(page.per_day).toEqual([{ day: today, attempts: 3, correct: 2, learners: 2, badges: 0 }]);
    expect(page.unknown_requirement_badges).toEqual([]);
    expect(page.active_learners).toEqual({ last_day: 2, last_week: 2, period: 2 });
    expect(page.by_type).toEqual([
      { exercise_type: 'addition', difficulty: 'initie', attempts: 2, correct: 1, success_rate: 0.5 },
      { exercise_type: 'multiplication', difficulty: 'chevalier', attempts: 1, correct: 1, success_rate: 1 },
    ]);
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/dashboard/learning?days=0', headers: archiviste.headers })).statusCode).toBe(400);
  });

  it('every admin action is audited in the log at warn with its actor: backup, enable, cancel (PostgreSQL)', async () => {
    // a second app on the same database, logging to lines the test reads
    const { logger, lines } = capturingLogger();
    const app = await buildApp({ config: ctx.config, database: openConfiguredDatabase(ctx.config), logger });
    const audits = () => lines.filter((l) => l.msg === 'admin action');
    try {
      const backup = await app.inject({ method: 'POST', url: '/admin/dashboard/backup', headers: archiviste.headers });
      expect(backup.statusCode, backup.body).toBe(200);
      expect(audits()).toEqual([expect.objectContaining({ level: 40, audit: 'backup', actor: archiviste.username, file: backup.json().file })]);
      if (dialect === 'sqlite') return;

      expect(
        (await app.inject({ method: 'POST', url: '/admin/dashboard/queries/enable', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode,
      ).toBe(200);
      expect(audits()[1]).toMatchObject({ level: 40, audit: 'enable pg_stat_statements', actor: 'ADMIN_TOKEN', result: { installed: true } });

      const sleeper = new pg.Client({ connectionString: ctx.url, application_name: 'audited-sleeper' });
      await sleeper.connect();
      try {
        const pid = (await sleeper.query('select pg_backend_pid() as pid')).rows[0].pid as number;
        const sleeping = sleeper.query('select pg_sleep(30) as audited_sleep').then(
          () => 'finished',
          (error: { code?: string }) => error.code,
        );
        await waitFor(
          async () =>
            (await get('connections')).queries.find((q: { pid: number; query: string }) => q.pid === pid && q.query.includes('audited_sleep'))
              ? true
              : undefined,
          'the sleep to start',
        );
        const refused = await app.inject({
          method: 'POST',
          url: `/admin/dashboard/connections/${pid}/cancel`,
          headers: archiviste.headers,
          payload: { confirm: false },
        });
        expect(refused.statusCode).toBe(400);
        expect(audits()).toHaveLength(2); // nothing done, nothing audited
        const cancel = await app.inject({
          method: 'POST',
          url: `/admin/dashboard/connections/${pid}/cancel`,
          headers: archiviste.headers,
          payload: { confirm: true },
        });
        expect(cancel.json()).toMatchObject({ pid, action: 'cancel', signalled: true });
        expect(await sleeping).toBe('57014'); // query_canceled
        expect(audits()[2]).toMatchObject({
          level: 40,
          audit: 'cancel backend',
          actor: archiviste.username,
          pid,
          signalled: true,
          query: 'select pg_sleep(30) as audited_sleep',
        });
        expect((await sleeper.query('select 1 as alive')).rows[0].alive).toBe(1); // cancel leaves the connection
      } finally {
        await sleeper.end();
      }
    } finally {
      await app.close();
    }
  });
});
