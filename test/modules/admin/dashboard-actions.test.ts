// The dashboard's buttons that write or signal, held to what they may reach: backups are signed,
// owner-only, kept 5 and limited per hour for all callers together; snapshots limited too; cancel
// and terminate reach only client backends of the application's own role (never another role's
// session, never autovacuum or a walsender), checked and signalled in one statement.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DASHBOARD_BACKUPS_KEPT } from '../../../src/modules/admin/dashboard.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/users.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
const SIGNING_KEY = 'dashboard-signing-key-0123456789abcdef';

describeEachDialect('admin dashboard actions: limits, retention, reach', (dialect) => {
  let ctx: TestContext;
  let archiviste: TestUser;
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-dash-actions-'));

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { ADMIN_TOKEN, BACKUP_DIR: backupDir, BACKUP_SIGNING_KEY: SIGNING_KEY });
    archiviste = await createUser(ctx, 'archiviste');
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  it('backups: signed, 0600, the newest 5 kept, 6 per hour for everyone together', async () => {
    const files: string[] = [];
    for (let i = 0; i < 6; i++) {
      // another address each time: the budget is the button's, not the caller's
      const res = await ctx.app.inject({ method: 'POST', url: '/admin/dashboard/backup', headers: archiviste.headers, remoteAddress: `10.0.0.${i + 1}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().verification).toMatch(/signed/);
      files.push(res.json().file);
    }
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/admin/dashboard/backup',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      remoteAddress: '10.0.1.1',
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');

    const kept = fs
      .readdirSync(backupDir)
      .filter((f) => !f.endsWith('.sig'))
      .sort();
    expect(kept).toEqual(
      files
        .slice(-DASHBOARD_BACKUPS_KEPT)
        .map((f) => path.basename(f))
        .sort(),
    );
    expect(fs.readdirSync(backupDir).filter((f) => f.endsWith('.sig'))).toHaveLength(DASHBOARD_BACKUPS_KEPT);
    for (const file of kept) {
      expect(fs.statSync(path.join(backupDir, file)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(backupDir, `${file}.sig`)).mode & 0o777).toBe(0o600);
    }
  }, 120_000);

  it('snapshots: 30 per hour for everyone together', async () => {
    let status = 200;
    let count = 0;
    while (status === 200 && count < 40) {
      const res = await ctx.app.inject({ method: 'POST', url: '/admin/dashboard/snapshot', headers: archiviste.headers, remoteAddress: `10.0.2.${count + 1}` });
      status = res.statusCode;
      if (status === 200) count++;
    }
    expect(status).toBe(429);
    expect(count).toBe(30);
  }, 120_000);

  it.skipIf(dialect !== 'postgres')(
    "cancel/terminate: another role's session and background workers are out of reach",
    async () => {
      const url = ctx.url;
      const role = `dash_other_${process.pid}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`create role ${role} login`);
        const otherUrl = new URL(url);
        otherUrl.username = role;
        const other = new pg.Client({ connectionString: otherUrl.toString() });
        await other.connect();
        try {
          const otherPid = (await other.query('select pg_backend_pid() as pid')).rows[0].pid as number;
          const background = (await admin.query(`select pid from pg_stat_activity where backend_type <> 'client backend' order by pid limit 1`)).rows[0]?.pid as
            | number
            | undefined;
          for (const pid of [otherPid, ...(background ? [background] : [])]) {
            for (const action of ['cancel', 'terminate']) {
              const res = await ctx.app.inject({
                method: 'POST',
                url: `/admin/dashboard/connections/${pid}/${action}`,
                headers: archiviste.headers,
                payload: { confirm: true },
              });
              expect(res.statusCode, `${action} ${pid}`).toBe(404);
            }
          }
          // still alive
          expect((await other.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        } finally {
          await other.end();
        }
        // one of our own role's sessions can be terminated
        const mine = new pg.Client({ connectionString: url });
        await mine.connect();
        mine.on('error', () => {});
        const minePid = (await mine.query('select pg_backend_pid() as pid')).rows[0].pid as number;
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/admin/dashboard/connections/${minePid}/terminate`,
          headers: archiviste.headers,
          payload: { confirm: true },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ pid: minePid, signalled: true });
        await mine.end().catch(() => {});
      } finally {
        await admin.query(`drop role if exists ${role}`).catch(() => {});
        await admin.end();
      }
    },
    60_000,
  );
});
