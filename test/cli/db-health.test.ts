// `mathakine db health [--full]`, `db optimize`, `db stats` and `db tune` as scripts and cron
// jobs run them: exit codes and --json output.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { execSql, ORPHAN_USER_ID, plantOrphan } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli } from './run-cli.js';

describeEachDialect('mathakine db health / optimize / stats / tune', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'health', sampleRows: true, env: { BACKUP_DIR: './backups' } });
  const { cli } = ctx;

  it('health: exit 0 and pass when sound, exit 1 with the orphan counted when not', async () => {
    const ping = await cli('db', 'health', '--json');
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.json()).toEqual({ status: 'pass' });

    const sound = await cli('db', 'health', '--full', '--json');
    expect(sound.code, sound.stderr).toBe(0);
    expect(sound.json().status).toBe('pass');
    expect(sound.json().checks['tables:rows'].find((c: { componentId: string }) => c.componentId === 'users').observedValue).toBe(2);

    await plantOrphan(ctx.scratch.url);
    try {
      const broken = await cli('db', 'health', '--full', '--json');
      expect(broken.code).toBe(1);
      const report = broken.json();
      expect(report.status).toBe('fail');
      const failing = Object.entries(report.checks).flatMap(([key, results]) =>
        (results as { status: string; componentId?: string; observedValue?: number }[])
          .filter((r) => r.status === 'fail')
          .map((r) => `${key} ${r.componentId} ${r.observedValue}`),
      );
      expect(failing).toEqual(['integrity:orphan_rows progress.user_id -> users.id 1']);

      const human = await cli('db', 'health', '--full');
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/FAIL\s+integrity:orphan_rows progress\.user_id -> users\.id: 1 rows/);
    } finally {
      await execSql(ctx.scratch.url, [`delete from progress where user_id = ${ORPHAN_USER_ID}`]);
    }
  });

  it('health --full: queries with a mean over 1 s (or how to enable pg_stat_statements) and the disk threshold', async () => {
    const before = (await cli('db', 'health', '--full', '--json')).json();
    if (dialect === 'postgres') {
      // a fresh database: the extension is preloaded by the server but not created in it
      expect(before.checks['queries:slow'][0]).toMatchObject({
        status: 'pass',
        output: expect.stringMatching(/not measured: .*CREATE EXTENSION pg_stat_statements/),
      });
      expect(before.checks['disk:usage'][0]).toMatchObject({ status: 'pass', output: expect.stringMatching(/set DB_DISK_LIMIT_BYTES/) });
      await execSql(ctx.scratch.url, ['create extension if not exists pg_stat_statements', 'select pg_sleep(1.1) as slow_health_probe']);
      const after = await cli('db', 'health', '--full', '--json');
      expect(after.code, after.stderr).toBe(0); // a warning, not a failure
      expect(after.json().checks['queries:slow'][0]).toMatchObject({
        status: 'warn',
        observedValue: 1,
        output: expect.stringMatching(/ms mean × 1: select pg_sleep.*slow_health_probe/),
      });

      const size = Number(before.checks['disk:usage'][0].observedValue);
      const full = await runCli(['db', 'health', '--full', '--json'], {
        cwd: ctx.cwd,
        env: { ...ctx.env, DB_DISK_LIMIT_BYTES: String(Math.floor(size / 0.9)) },
      });
      expect(full.json().checks['disk:usage'][0]).toMatchObject({ status: 'warn', output: expect.stringMatching(/9\d% of DB_DISK_LIMIT_BYTES .*over 80%/) });
      const roomy = await runCli(['db', 'health', '--full', '--json'], { cwd: ctx.cwd, env: { ...ctx.env, DB_DISK_LIMIT_BYTES: String(size * 10) } });
      expect(roomy.json().checks['disk:usage'][0]).toMatchObject({ status: 'pass', output: expect.stringMatching(/1\d% of DB_DISK_LIMIT_BYTES/) });
    } else {
      expect(before.checks['queries:slow']).toBeUndefined(); // SQLite records no query timing
      const disk = fs.statfsSync(ctx.cwd);
      const used = 1 - disk.bavail / disk.blocks;
      expect(before.checks['disk:usage'][0]).toMatchObject({
        status: used > 0.8 ? 'warn' : 'pass',
        output: expect.stringMatching(/its file system \d+% used/),
      });
    }
  });

  it('health: exit 1 when the database does not answer', async () => {
    const url = dialect === 'postgres' ? 'postgres://postgres@127.0.0.1:1/nowhere' : `sqlite:${path.join(ctx.cwd, 'no-such-dir', 'x.db')}`;
    if (dialect === 'sqlite') fs.writeFileSync(path.join(ctx.cwd, 'no-such-dir'), 'a file where the folder should be');
    const res = await runCli(['db', 'health', '--full', '--json'], { cwd: ctx.cwd, env: { DATABASE_URL: url, PG_CONNECTION_TIMEOUT_MS: '1000' } });
    expect(res.code).toBe(1);
    if (dialect === 'sqlite') {
      // the file cannot even be opened
      expect(res.json()).toMatchObject({ ok: false, error: expect.any(String) });
    } else {
      expect(res.json().status).toBe('fail');
      expect(res.json().checks['database:connection'][0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/unreachable/) });
      const ping = await runCli(['db', 'health', '--json'], { cwd: ctx.cwd, env: { DATABASE_URL: url, HEALTH_TIMEOUT_MS: '500' } });
      expect(ping.code).toBe(1);
      expect(ping.json().status).toBe('fail');
    }
  });

  it('optimize: recreates a dropped index once, then has nothing to create', async () => {
    await execSql(ctx.scratch.url, ['drop index idx_attempts_user_exercise']);
    const first = await cli('db', 'optimize', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ ok: true, created_indexes: ['idx_attempts_user_exercise'] });
    const second = await cli('db', 'optimize', '--json');
    expect(second.json()).toMatchObject({ ok: true, created_indexes: [] });

    const stats = await cli('db', 'stats', '--json');
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.json().indexes.map((i: { index_name: string }) => i.index_name)).toContain('idx_attempts_user_exercise');
    expect(stats.json().dialect).toBe(dialect);
    const human = await cli('db', 'stats');
    expect(human.stdout).toMatch(dialect === 'postgres' ? /slowest queries/ : /PostgreSQL-only/);
  });

  it('tune: lists the recommendations (PostgreSQL) or says it does not apply (SQLite)', async () => {
    const res = await cli('db', 'tune', '--json');
    expect(res.code, res.stderr).toBe(0);
    const report = res.json();
    if (dialect === 'sqlite') {
      expect(report).toMatchObject({ applicable: false, settings: [], statements: [] });
      expect(report.message).toMatch(/do not apply to SQLite/);
      return;
    }
    expect(report.settings.map((s: { name: string }) => s.name)).toEqual([
      'shared_buffers',
      'effective_cache_size',
      'maintenance_work_mem',
      'checkpoint_completion_target',
      'wal_buffers',
      'default_statistics_target',
      'log_min_duration_statement',
      'log_statement',
    ]);
    const byName = Object.fromEntries(report.settings.map((s: { name: string }) => [s.name, s]));
    expect(byName.shared_buffers).toMatchObject({ context: 'postmaster', needs_restart: true, statement: "ALTER SYSTEM SET shared_buffers = '256MB';" });
    expect(byName.log_statement).toMatchObject({ needs_restart: false, recommended: 'mod' });
    for (const s of report.settings.filter((x: { matches: boolean }) => !x.matches)) expect(report.statements).toContain(s.statement);
  });

  it.skipIf(dialect !== 'postgres')('tune --apply: applies a setting, reloads, and the server shows it (then it is reset)', async ({ skip }) => {
    const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
    await admin.connect();
    try {
      const [{ source, setting }] = (await admin.query(`select source, setting from pg_settings where name = 'log_min_duration_statement'`)).rows;
      // only on a server where nobody set it: the test must be able to put things back exactly
      if (source !== 'default' || setting === '1000') skip(`log_min_duration_statement is already set (${source}): not touching it`);
      try {
        const res = await cli('db', 'tune', '--apply', '--only', 'log_min_duration_statement', '--json');
        expect(res.code, res.stderr).toBe(0);
        const report = res.json();
        expect(report.applied).toEqual(['log_min_duration_statement']);
        expect(report.restart_required).toEqual([]);
        expect(report.settings[0]).toMatchObject({ name: 'log_min_duration_statement', matches: true });
        const fresh = new pg.Client({ connectionString: inject('testDatabaseUrl') });
        await fresh.connect();
        expect((await fresh.query('show log_min_duration_statement')).rows[0].log_min_duration_statement).toBe('1s');
        await fresh.end();
      } finally {
        await admin.query('alter system reset log_min_duration_statement');
        await admin.query('select pg_reload_conf()');
      }
    } finally {
      await admin.end();
    }
  });
});
