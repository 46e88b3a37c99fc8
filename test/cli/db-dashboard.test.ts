// `mathakine db dashboard [page]` as an admin at a terminal or a script runs it: the overview one
// check per line (exit 1 on red), every other page as JSON, `snapshot` recording a history point,
// --days, and bad arguments refused.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { execSql } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';

// each call starts a node process (seconds on a loaded machine)
const SLOW = 120_000;

describeEachDialect('mathakine db dashboard', (dialect) => {
  const ctx = useCliScratch(dialect, { name: 'dashboard', sampleRows: true, env: { BACKUP_DIR: './backups' } });
  const { cli } = ctx;

  it(
    'overview: one line per check; red without a backup (exit 1), not red once there is one (exit 0)',
    async () => {
      const red = await cli('db', 'dashboard');
      expect(red.code, red.stderr).toBe(1);
      const lines = red.stdout.trim().split('\n');
      expect(lines).toHaveLength(16);
      expect(lines[0]).toMatch(/^green Database reachable: .+ answers in [\d.]+ ms$/);
      expect(lines).toContainEqual(expect.stringMatching(/^red {3}Last backup: no backup in .*backups → press Backup \(or `mathakine db backup`\)/));
      expect(lines).toContainEqual(expect.stringMatching(/^green Last maintenance run: never run here \(schedule `mathakine db maintenance` daily/));
      if (dialect === 'sqlite') expect(lines).toContainEqual('n/a   Transaction-ID wraparound margin: SQLite has no transaction IDs: does not apply to SQLite');
      else expect(lines).toContainEqual(expect.stringMatching(/^green Transaction-ID wraparound margin: [\d.]+ % of the 2\^31 margin left/));

      const json = await cli('db', 'dashboard', 'overview', '--json');
      expect(json.code).toBe(1);
      const overview = json.json();
      expect(overview).toMatchObject({ dialect, status: 'red' });
      expect(overview.checks.find((c: { id: string }) => c.id === 'backup')).toMatchObject({ status: 'red', value: null });

      const backup = await cli('db', 'backup', '--json');
      expect(backup.code, backup.stderr).toBe(0);
      const after = await cli('db', 'dashboard', 'overview', '--json');
      expect(after.code, after.stdout).toBe(0);
      expect(after.json().status).not.toBe('red');
      expect(after.json().checks.find((c: { id: string }) => c.id === 'backup')).toMatchObject({ status: 'green', value: expect.any(String) });
      expect(fs.readdirSync(path.join(ctx.cwd, 'backups'))).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'learning, space, maintenance, connections, queries: the JSON of the page, whatever --json says',
    async () => {
      const learning = await cli('db', 'dashboard', 'learning');
      expect(learning.code, learning.stderr).toBe(0);
      expect(learning.json()).toEqual({
        days: 30,
        per_day: [{ day: new Date().toISOString().slice(0, 10), attempts: 1, correct: 1, learners: 1, badges: 0 }],
        active_learners: { last_day: 1, last_week: 1, period: 1 },
        by_type: [{ exercise_type: 'addition', difficulty: 'initie', attempts: 1, correct: 1, success_rate: 1 }],
        unknown_requirement_badges: [],
      });
      // an attempt 10 days ago counts in a 30-day period, not in a 7-day one
      const tenDaysAgo = Date.now() - 10 * 86_400_000;
      await execSql(ctx.scratch.url, [
        dialect === 'sqlite'
          ? `insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) values (2, 1, '5', false, ${tenDaysAgo})`
          : `insert into attempts (user_id, exercise_id, user_answer, is_correct, created_at) values (2, 1, '5', false, '${new Date(tenDaysAgo).toISOString()}')`,
      ]);
      const month = (await cli('db', 'dashboard', 'learning', '--json')).json();
      expect(month.active_learners).toEqual({ last_day: 1, last_week: 1, period: 2 });
      expect(month.by_type).toEqual([{ exercise_type: 'addition', difficulty: 'initie', attempts: 2, correct: 1, success_rate: 0.5 }]);
      const week = (await cli('db', 'dashboard', 'learning', '--days', '7')).json();
      expect(week).toMatchObject({ days: 7, active_learners: { period: 1 }, by_type: [{ attempts: 1, correct: 1 }] });

      const space = (await cli('db', 'dashboard', 'space')).json();
      expect(space.dialect).toBe(dialect);
      expect(space.database_bytes).toBeGreaterThan(0);
      expect(space.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['users', 'attempts', 'dashboard_snapshots']));

      const upkeep = (await cli('db', 'dashboard', 'maintenance')).json();
      if (dialect === 'sqlite') expect(upkeep.integrity).toEqual({ ok: true, detail: 'ok' });
      else expect(upkeep.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['users', 'attempts']));

      const connections = (await cli('db', 'dashboard', 'connections')).json();
      if (dialect === 'sqlite') expect(connections.sqlite_write_lock).toEqual({ held: false, detail: 'the write lock is free' });
      else expect(connections.max_connections).toBeGreaterThan(0);

      const queries = await cli('db', 'dashboard', 'queries');
      expect(queries.code).toBe(0);
      if (dialect === 'sqlite')
        expect(queries.json()).toMatchObject({ available: false, message: expect.stringMatching(/SQLite records no query statistics/) });
      else expect(queries.json()).toMatchObject({ dialect: 'postgres', by_total: expect.any(Array), history: [] });
    },
    SLOW,
  );

  it(
    'snapshot records a history point that space then shows',
    async () => {
      const before = (await cli('db', 'dashboard', 'space')).json().history.length;
      const snapshot = await cli('db', 'dashboard', 'snapshot');
      expect(snapshot.code, snapshot.stderr).toBe(0);
      expect(snapshot.json()).toMatchObject({ id: expect.any(Number), source: 'manual', data: { activity: { attempts: 2, users: 2 } } });
      const history = (await cli('db', 'dashboard', 'space')).json().history;
      expect(history).toHaveLength(before + 1);
      expect(history.at(-1).relations.users).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'refuses an unknown page and a bad --days with exit 1 and a message',
    async () => {
      const page = await cli('db', 'dashboard', 'nope');
      expect(page.code).toBe(1);
      expect(page.stderr).toMatch(/'nope' is invalid for argument 'page'. Allowed choices are overview, queries/);
      for (const days of ['0', '366', 'x']) {
        const bad = await cli('db', 'dashboard', 'learning', '--days', days);
        expect(bad.code, days).toBe(1);
        expect(bad.stderr, days).toMatch(/--days <n>.*a whole number of days from 1 to 365/);
      }
    },
    SLOW,
  );
});
