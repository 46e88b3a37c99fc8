// Health (/admin/health?full=true and `db health --full`), the dashboard overview (page and CLI),
// `db stats` and /metrics are views of one judged list (src/ops/health/checks.ts): on a database with a
// missing recommended index, a stale maintenance run and (PostgreSQL) a lagging replica, they say
// the same thing side by side; the Connections page judges the figures it shows as the overview does.
// And /metrics answers the Prometheus text format, only to an admin or `Bearer $METRICS_TOKEN`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { THRESHOLDS } from '../../src/ops/health/checks.js';
import { importDatabase } from '../../src/ops/import/run.js';
import { recordMaintenanceRun } from '../../src/ops/upkeep/maintenance-runs.js';
import {
  buildTestApp,
  createScratchDatabase,
  describeEachDialect,
  migrateScratchDatabase,
  testConfig,
  type ScratchDatabase,
  type TestContext,
} from '../helpers/app.js';
import { originalFixture, writeOriginalSqlite } from '../helpers/legacy-fixture-original.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { runCli } from '../cli/run-cli.js';
import { waitFor } from '../faults/fixtures.js';
import { execSql } from './fixtures.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const LIGHT: Record<string, string> = { pass: 'green', warn: 'amber', fail: 'red' };
const STATUS_VALUE: Record<string, number> = { pass: 0, warn: 1, fail: 2 };

type HealthEntry = { status: string; output?: string; componentId?: string; observedValue?: number | string };
type OverviewRow = { id: string; status: string; value: number | string | null; reason: string; action: string | null };

/** `name{label="value"} 3` lines of a Prometheus text answer, as a map from `name{labels}` to the value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

/** The overview rows and the health keys that show the same judged check. */
const SAME_CHECK: Record<string, string[]> = {
  database: ['database:connection'],
  migrations: ['migrations:pending'],
  tables: ['tables:schema', 'tables:protected'],
  missing_indexes: ['indexes:recommended'],
  maintenance: ['maintenance:last_run'],
  replication: ['replicas:lag'],
};
const worst = (statuses: string[]) => ['fail', 'warn', 'pass'].find((s) => statuses.includes(s));

/**
 * Checks whose figure moves from one measurement to the next: each view pings for itself, and on a
 * loaded machine one ping may cross the limit while another does not. For these, agreeing means
 * every view shows the check and judges the figure it measured by the same limit (THRESHOLDS); the
 * other checks measure the database's state, and every view must give the same status.
 */
const MOMENTARY: Record<string, (value: number | string | null | undefined) => string> = {
  database: (ms) => (typeof ms !== 'number' ? 'fail' : ms > THRESHOLDS.pingWarnMs ? 'warn' : 'pass'),
};

/** Every view against the others: the overview rows' lights, the health entries' statuses, the metrics' gauges. */
function expectAgreement(overview: { checks: OverviewRow[] }, health: { checks: Record<string, HealthEntry[]> }, metrics: Map<string, number> | null) {
  for (const row of overview.checks) {
    const keys = (SAME_CHECK[row.id] ?? []).filter((k) => health.checks[k]);
    const momentary = MOMENTARY[row.id];
    if (momentary) expect(row.status, `${row.id}: ${row.reason}`).toBe(LIGHT[momentary(row.value)]);
    if (keys.length) {
      const entries = keys.flatMap((k) => health.checks[k]);
      if (momentary) for (const entry of entries) expect(entry.status, `${keys.join(', ')}: ${entry.output}`).toBe(momentary(entry.observedValue));
      else expect(LIGHT[worst(entries.map((c) => c.status))!], `${row.id} against ${keys.join(', ')}`).toBe(row.status);
    }
    if (metrics) {
      const gauge = metrics.get(`mathakine_check_status{check="${row.id}"}`);
      if (row.status === 'n/a') expect(gauge, row.id).toBeUndefined();
      else if (momentary) expect(gauge, row.id).toBe(STATUS_VALUE[momentary(metrics.get(`mathakine_check_value{check="${row.id}"}`))]);
      else expect(gauge, row.id).toBe(STATUS_VALUE[Object.keys(LIGHT).find((s) => LIGHT[s] === row.status)!]);
    }
  }
}

describeEachDialect('health, dashboard, CLI, stats and /metrics agree', (dialect) => {
  let ctx: TestContext;
  let cwd: string;
  let learner: TestUser;
  const cli = (...args: string[]) => runCli(args, { cwd, env: { DATABASE_URL: ctx.url, BACKUP_DIR: './backups' } });
  const get = async (url: string, headers: Record<string, string> = admin) => ctx.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-agree-'));
    ctx = await buildTestApp(dialect, { ADMIN_TOKEN, METRICS_TOKEN, BACKUP_DIR: path.join(cwd, 'backups') });
    learner = await createUser(ctx, 'padawan');
    await execSql(ctx.url, ['drop index idx_attempts_created_at']);
    const started = new Date(Date.now() - 3 * 86_400_000);
    await recordMaintenanceRun(ctx.database, {
      started_at: started,
      finished_at: new Date(started.getTime() + 4_000),
      ok: true,
      steps: [{ name: 'optimize', ok: true, summary: 'no index missing', duration_ms: 40 }],
    });
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('a missing index and a stale maintenance: every view says so, with the same status', async () => {
    const health = (await get('/admin/health?full=true')).json();
    const overview = (await get('/admin/dashboard/overview')).json();
    const stats = (await get('/admin/stats')).json();
    const connections = (await get('/admin/dashboard/connections')).json();
    const metricsAnswer = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metricsAnswer.statusCode).toBe(200);
    expect(metricsAnswer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = samples(metricsAnswer.body);

    expect(health.checks['indexes:recommended'][0]).toMatchObject({
      status: 'warn',
      observedValue: 1,
      output: expect.stringContaining('idx_attempts_created_at'),
    });
    expect(overview.checks.find((c: OverviewRow) => c.id === 'missing_indexes')).toMatchObject({
      status: 'amber',
      value: 1,
      reason: expect.stringContaining('idx_attempts_created_at'),
    });
    expect(stats.missing_indexes.map((m: { index_name: string | null }) => m.index_name)).toContain('idx_attempts_created_at');
    expect(health.checks['maintenance:last_run'][0]).toMatchObject({
      status: 'warn',
      output: expect.stringMatching(/^ok 72 h ago.*is the daily job still scheduled/),
    });
    expect(overview.checks.find((c: OverviewRow) => c.id === 'maintenance')).toMatchObject({ status: 'amber', reason: expect.stringMatching(/^ok 72 h ago/) });
    expect(metrics.get('mathakine_check_status{check="missing_indexes"}')).toBe(1);
    expect(metrics.get('mathakine_check_status{check="maintenance"}')).toBe(1);
    expect(metrics.get('mathakine_check_value{check="missing_indexes"}')).toBe(1);
    expectAgreement(overview, health, metrics);
    // the Connections page shows the overview's line, judged on the figures it shows
    const connectionsRow = overview.checks.find((c: OverviewRow) => c.id === 'connections');
    expect(connections.check).toMatchObject({ id: 'connections', label: connectionsRow.label, status: connectionsRow.status });
    const { pool } = connections;
    const poolText = `pool ${pool.total - pool.idle}/${pool.max} in use, ${pool.idle} idle, ${pool.waiting} waiting`;
    expect(connections.check.reason).toBe(
      dialect === 'postgres' ? `${connections.connections} of max_connections ${connections.max_connections}; ${poolText}` : poolText,
    );
    expect(connections.check.value).toBe(dialect === 'postgres' ? connections.connections : pool.total - pool.idle);

    // the CLI, another process on the same database, judges the same
    const [cliHealth, cliOverview, cliStats] = await Promise.all([
      cli('db', 'health', '--full', '--json'),
      cli('db', 'dashboard', 'overview', '--json'),
      cli('db', 'stats', '--json'),
    ]);
    expect(cliHealth.json().checks['indexes:recommended'][0]).toMatchObject({ status: 'warn', output: expect.stringContaining('idx_attempts_created_at') });
    expect(cliStats.json().missing_indexes.map((m: { index_name: string | null }) => m.index_name)).toContain('idx_attempts_created_at');
    expectAgreement(cliOverview.json(), cliHealth.json(), null);
    expectAgreement(cliOverview.json(), health, metrics);
  }, 120_000);

  it('/metrics: per route pattern counts and latency, pool, view-count backlog, last success; admin or METRICS_TOKEN only', async () => {
    expect((await get('/metrics', {})).statusCode).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer not-the-metrics-token-0123456789' })).statusCode).toBe(401);
    expect((await get('/metrics', learner.headers)).statusCode).toBe(403);
    const archiviste = await createUser(ctx, 'archiviste');
    expect((await get('/metrics', archiviste.headers)).statusCode).toBe(200);

    const maitre = await createUser(ctx, 'maitre');
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/exercises',
      headers: maitre.headers,
      payload: { title: 'Compter les scrapes', exercise_type: 'addition', difficulty: 'initie', question: '2 + 2 = ?', correct_answer: '4' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const exercise = created.json() as { id: number };
    for (let i = 0; i < 3; i++) expect((await get(`/api/exercises/${exercise.id}`, learner.headers)).statusCode).toBe(200);
    const metrics = samples((await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).body);
    // the route's pattern, never the id
    expect(metrics.get('http_request_duration_seconds_count{method="GET",route="/api/exercises/:id",status_code="200"}')).toBe(3);
    expect([...metrics.keys()].some((k) => k.includes(`/api/exercises/${exercise.id}`))).toBe(false);
    expect(metrics.get('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/exercises/:id",status_code="200"}')).toBe(3);
    expect(metrics.get('mathakine_db_pool_max')).toBe(ctx.database.poolStats().max);
    expect(metrics.has('mathakine_db_pool_connections{state="waiting"}')).toBe(true);
    // three views counted in memory, not yet flushed (VIEW_COUNT_FLUSH_MS is seconds)
    expect(metrics.get('mathakine_view_count_backlog')).toBeGreaterThanOrEqual(3);
    const maintenance = metrics.get('mathakine_last_success_timestamp_seconds{job="maintenance"}')!;
    expect(Math.abs(maintenance - (Date.now() / 1000 - 3 * 86_400))).toBeLessThan(60);
    expect(metrics.has('mathakine_last_success_timestamp_seconds{job="backup"}')).toBe(false);
  });

  it('counts rate-limit rejections by route pattern', async () => {
    const limited = await buildTestApp(dialect, { METRICS_TOKEN, RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/api/exercises/types' })).statusCode);
      expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
      // the scrape comes from another address: the limit counts per client
      const metrics = samples(
        (await limited.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` }, remoteAddress: '10.0.0.9' })).body,
      );
      expect(metrics.get('mathakine_rate_limit_rejections_total{route="/api/exercises/types"}')).toBe(codes.filter((c) => c === 429).length);
    } finally {
      await limited.close();
    }
  });

  // last: the import replaces this database's rows
  it('/metrics: the last `db import` that committed into this database, not one that was refused', async () => {
    const lastImport = async () => {
      const answer = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(answer.statusCode).toBe(200);
      return samples(answer.body).get('mathakine_last_success_timestamp_seconds{job="import"}');
    };
    expect(await lastImport()).toBeUndefined();
    const source = path.join(cwd, 'original-2025.db');
    writeOriginalSqlite(source, originalFixture('2025-06'));
    const target = ctx.url.replace(/^sqlite:/, '');

    // the database holds this suite's users: refused without --truncate, nothing written
    const refused = await importDatabase({ source, target });
    expect(refused.error).toMatch(/not empty/);
    expect(await lastImport()).toBeUndefined();
    const dryRun = await importDatabase({ source, target, truncate: true, dryRun: true });
    expect(dryRun.error).toBeNull();
    expect(await lastImport()).toBeUndefined();

    const before = Date.now();
    const report = await importDatabase({ source, target, truncate: true });
    expect(report.error).toBeNull();
    expect(report.targetState).toBe('imported');
    const at = (await lastImport())! * 1000;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    const [row] = await execSql(ctx.url, ['select source, rows from import_runs']);
    expect(row).toEqual({ source, rows: report.tables.reduce((sum, t) => sum + t.imported, 0) });
  }, 60_000);
});

const runOnReplica = inject('pgAvailable') && inject('replicaAvailable') ? describe : describe.skip;

runOnReplica('health, dashboard, CLI and /metrics agree on a lagging replica [postgres]', () => {
  let scratch: ScratchDatabase;
  let replicaUrl: string;
  let app: App;
  const onStandby = async (statement: string) => {
    const client = new pg.Client({ connectionString: inject('testReplicaUrl') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgres');
    await migrateScratchDatabase(scratch);
    const u = new URL(scratch.url);
    const replica = new URL(inject('testReplicaUrl'));
    u.hostname = replica.hostname;
    u.port = replica.port;
    replicaUrl = u.toString();
    const ready = await waitFor(async () => {
      const client = new pg.Client({ connectionString: replicaUrl });
      try {
        await client.connect();
        return (await client.query(`select count(*)::int as n from pg_tables where tablename = 'users'`)).rows[0].n === 1;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    }, 30_000);
    expect(ready).not.toBeNull();
    const config = testConfig(scratch.url, {
      ADMIN_TOKEN,
      METRICS_TOKEN,
      DATABASE_REPLICA_URLS: replicaUrl,
      REPLICA_CHECK_INTERVAL_MS: '100',
      REPLICA_MAX_LAG_SECONDS: '1',
    });
    app = await buildApp({ config, database: openConfiguredDatabase(config) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  it('the replica skipped for lag: warn in the health report (server and CLI), amber on the overview, 0 serving reads and warn in /metrics', async () => {
    const streaming = () => app.database.dialect === 'postgres' && app.database.replicas!.statuses().every((r) => r.state === 'streaming');
    expect(await waitFor(async () => streaming(), 10_000)).not.toBeNull();
    await onStandby('select pg_wal_replay_pause()');
    try {
      await execSql(scratch.url, ['create table lag_marker (n integer)', 'insert into lag_marker values (1)']);
      expect(await waitFor(async () => app.database.dialect === 'postgres' && app.database.replicas!.statuses()[0].state === 'lagging', 15_000)).not.toBeNull();
      const health = (await app.inject({ method: 'GET', url: '/admin/health?full=true', headers: admin })).json();
      const overview = (await app.inject({ method: 'GET', url: '/admin/dashboard/overview', headers: admin })).json();
      const metrics = samples((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body);
      const cliHealth = (
        await runCli(['db', 'health', '--full', '--json'], {
          cwd: os.tmpdir(),
          env: { DATABASE_URL: scratch.url, DATABASE_REPLICA_URLS: replicaUrl, REPLICA_MAX_LAG_SECONDS: '1' },
        })
      ).json();

      expect(health.checks['replicas:lag'][0]).toMatchObject({ status: 'warn', output: expect.stringMatching(/^lagging/) });
      expect(cliHealth.checks['replicas:lag'][0]).toMatchObject({ status: 'warn', output: expect.stringMatching(/^lagging/) });
      expect(overview.checks.find((c: OverviewRow) => c.id === 'replication')).toMatchObject({ status: 'amber', reason: expect.stringContaining('lagging') });
      const name = app.database.dialect === 'postgres' ? app.database.replicas!.statuses()[0].name : '';
      expect(metrics.get(`mathakine_replica_serving_reads{replica="${name}"}`)).toBe(0);
      expect(metrics.get(`mathakine_replica_lag_seconds{replica="${name}"}`)).toBeGreaterThan(1);
      expect(metrics.get('mathakine_check_status{check="replication"}')).toBe(1);
      expectAgreement(overview, health, metrics);
      expectAgreement(overview, cliHealth, null);
    } finally {
      await onStandby('select pg_wal_replay_resume()');
    }
  }, 120_000);
});
