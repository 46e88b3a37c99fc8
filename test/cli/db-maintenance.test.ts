// `mathakine db maintenance`, the daily job: prune old logs and backups, optimize, back up,
// report health; one line per step, exit code 1 when a step fails (after running the others).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { execSql, ORPHAN_USER_ID, plantOrphan } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';

describeEachDialect('mathakine db maintenance', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'maintenance', sampleRows: true, env: { BACKUP_DIR: './backups' } });
  const { cli } = ctx;

  it('prunes old logs and backups, optimizes, backs up, reports health; one line per step', async () => {
    const logs = path.join(ctx.cwd, 'logs');
    const backups = path.join(ctx.cwd, 'backups');
    fs.mkdirSync(logs, { recursive: true });
    fs.mkdirSync(backups, { recursive: true });
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const name of ['app.log', 'app.log.1', 'notes.txt']) {
      fs.writeFileSync(path.join(logs, name), 'x');
      fs.utimesSync(path.join(logs, name), old, old);
    }
    fs.writeFileSync(path.join(logs, 'today.log'), 'x');
    const ext = dialect === 'sqlite' ? 'db' : 'dump';
    const oldBackup = `mathakine-${dialect}-20200101-000000-000.${ext}`;
    fs.writeFileSync(path.join(backups, oldBackup), 'x');
    fs.writeFileSync(path.join(backups, 'keep-me.txt'), 'not ours');

    const res = await cli('db', 'maintenance', '--json', '--days', '30');
    expect(res.code, res.stderr).toBe(0);
    const report = res.json();
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: { name: string; ok: boolean }) => `${s.name}:${s.ok}`)).toEqual([
      'prune logs:true',
      'prune backups:true',
      'purge sessions:true',
      'purge links:true',
      'optimize:true',
      'backup:true',
      'health:true',
      'dashboard snapshot:true',
    ]);
    const [snapshot] = await execSql(ctx.scratch.url, ["select count(*) as n from dashboard_snapshots where source = 'maintenance'"]);
    expect(Number(snapshot.n)).toBe(1);
    expect(fs.readdirSync(logs).sort()).toEqual(['notes.txt', 'today.log']);
    const left = fs.readdirSync(backups);
    expect(left).not.toContain(oldBackup);
    expect(left).toContain('keep-me.txt');
    expect(left.filter((f) => new RegExp(`^mathakine-${dialect}-\\d{8}-\\d{6}-\\d{3}\\.${ext}$`).test(f))).toHaveLength(1);

    const human = await cli('db', 'maintenance');
    expect(human.code).toBe(0);
    expect(human.stdout.trim().split('\n')).toHaveLength(9); // eight steps and the verdict

    // both runs recorded, with each step's outcome and duration
    const runs = await execSql(ctx.scratch.url, ['select ok, steps, started_at, finished_at from maintenance_runs order by id']);
    expect(runs).toHaveLength(2);
    const steps = (typeof runs[1].steps === 'string' ? JSON.parse(runs[1].steps) : runs[1].steps) as { name: string; ok: boolean; duration_ms: number }[];
    expect(steps.map((s) => s.name)).toEqual([
      'prune logs',
      'prune backups',
      'purge sessions',
      'purge links',
      'optimize',
      'backup',
      'health',
      'dashboard snapshot',
    ]);
    expect(steps.every((s) => s.ok && s.duration_ms >= 0)).toBe(true);
    const health = await cli('db', 'health', '--full', '--json');
    expect(health.json().checks['maintenance:last_run'][0]).toMatchObject({ status: 'pass', output: expect.stringMatching(/^ok 0 h ago, prune logs ok/) });
  });

  it('deletes expired reset and verification links, keeps the live ones', async () => {
    const ms = (offset: number) => (dialect === 'sqlite' ? String(Date.now() + offset) : `'${new Date(Date.now() + offset).toISOString()}'`);
    const link = (hash: string, purpose: string, offset: number) =>
      `insert into account_tokens (user_id, purpose, token_hash, email, expires_at) select min(id), '${purpose}', '${hash}', 'a@b.example', ${ms(offset)} from users`;
    await execSql(ctx.scratch.url, [
      link('expired-reset', 'password_reset', -60_000),
      link('expired-verification', 'email_verification', -1),
      link('live-reset', 'password_reset', 30 * 60_000),
    ]);
    const res = await cli('db', 'maintenance', '--json');
    const step = res.json().steps.find((s: { name: string }) => s.name === 'purge links');
    expect(step).toMatchObject({ ok: true, summary: '2 expired reset or verification link(s) deleted' });
    const left = await execSql(ctx.scratch.url, ['select token_hash from account_tokens order by token_hash']);
    expect(left.map((r) => r.token_hash)).toEqual(['live-reset']);
  });

  it('exits 1 when a step fails, after running the others', async () => {
    await plantOrphan(ctx.scratch.url);
    try {
      const res = await cli('db', 'maintenance', '--json');
      expect(res.code).toBe(1);
      const steps = res.json().steps;
      expect(steps.map((s: { name: string }) => s.name)).toEqual([
        'prune logs',
        'prune backups',
        'purge sessions',
        'purge links',
        'optimize',
        'backup',
        'health',
        'dashboard snapshot',
      ]);
      expect(steps.find((s: { name: string }) => s.name === 'backup').ok).toBe(true);
      expect(steps.find((s: { name: string }) => s.name === 'health')).toMatchObject({ ok: false, summary: expect.stringMatching(/orphan_rows/) });
      // the failed run is recorded and shown by health (warn: the last run failed)
      const [run] = await execSql(ctx.scratch.url, ['select ok from maintenance_runs order by id desc limit 1']);
      expect(Boolean(run.ok)).toBe(false);
      const health = await cli('db', 'health', '--full', '--json');
      expect(health.json().checks['maintenance:last_run'][0]).toMatchObject({ status: 'warn', output: expect.stringMatching(/^FAILED .*health: fail/) });
    } finally {
      await execSql(ctx.scratch.url, [`delete from progress where user_id = ${ORPHAN_USER_ID}`]);
    }
  });
});
