// `npm start`'s migrations, through the real server process: on SQLite the safe migrate (a
// pre-migrate backup, then apply and verify); on PostgreSQL with MIGRATE_ON_START=false nothing is
// applied, the start log says so loudly and /admin/health?full=true fails on the pending migration.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listMigrations, migrationsFolder } from '../../src/db/migrate.js';
import { describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { httpRequest, startServer, type ServerProcess } from '../deploy/server-process.js';
import { execSql, migratedScratch } from './fixtures.js';

const ADMIN_TOKEN = 'an-admin-token-that-is-long-enough';

describeEachDialect('migrations at start', (dialect) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-start-'));
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  const agent = new http.Agent();
  afterAll(async () => {
    server?.kill();
    await server?.exited;
    agent.destroy();
    await scratch?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A database at the first migration only: the newer ones are pending. */
  async function databaseWithPending(): Promise<ScratchDatabase> {
    const folder = path.join(root, 'first-only');
    fs.cpSync(migrationsFolder(dialect), folder, { recursive: true });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
    journal.entries = journal.entries.slice(0, 1);
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    return migratedScratch(dialect, { migrationsFolder: folder });
  }
  const pendingTags = listMigrations(dialect)
    .slice(1)
    .map((m) => m.tag);

  it(dialect === 'sqlite'
    ? 'applies pending migrations through the safe migrate: a verified backup first'
    : 'MIGRATE_ON_START=false: applies nothing, logs the pending migrations, full health fails', async () => {
    expect(pendingTags.length).toBeGreaterThan(0);
    scratch = await databaseWithPending();
    const backupDir = path.join(root, 'backups');
    server = await startServer({ DATABASE_URL: scratch.url, BACKUP_DIR: backupDir, MIGRATE_ON_START: 'false', ADMIN_TOKEN }, { startTimeoutMs: 60_000 });
    const messages = server.logs.map((l) => l.msg);
    if (dialect === 'sqlite') {
      const applied = server.logs.find((l) => l.msg === 'migrations applied (safe migrate)');
      expect(applied, messages.join('\n')).toMatchObject({ applied: pendingTags });
      expect(path.basename(String(applied?.backup))).toMatch(/^mathakine-sqlite-pre-migrate-/);
      expect(fs.existsSync(String(applied?.backup))).toBe(true);
      const [row] = await execSql(scratch.url, [`select count(*) as n from __drizzle_migrations`]);
      expect(Number(row.n)).toBe(pendingTags.length + 1);
    } else {
      const loud = server.logs.find((l) => l.msg.startsWith('PENDING MIGRATIONS'));
      expect(loud, messages.join('\n')).toMatchObject({ level: 50, pending: pendingTags });
      expect(loud?.msg).toMatch(/MIGRATE_ON_START=false: run `mathakine db migrate`/);
      expect(fs.existsSync(backupDir)).toBe(false);
    }
    const health = await httpRequest(agent, server.baseUrl, {
      method: 'GET',
      path: '/admin/health?full=true',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const report = JSON.parse(health.body ?? '{}');
    const pending = report.checks['migrations:pending'][0];
    if (dialect === 'sqlite') {
      expect(pending).toMatchObject({ status: 'pass', observedValue: 0 });
    } else {
      expect(health.status).toBe(503);
      expect(pending).toMatchObject({ status: 'fail', observedValue: pendingTags.length });
      expect(pending.output).toMatch(/run `mathakine db migrate`/);
    }
  }, 120_000);
});
