// What learners had in the original, imported into our tables (issue #23): badges and earned
// badges, the ledger made whole by one opening row per learner, streaks and pinned badges; then a
// learner moved over earns an imported badge by the original's rule, and total_points stays the
// ledger's sum. Sources: the 2025 original (no ledger) as SQLite, the 2026 one as PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { importDatabase } from '../../src/ops/import/run.js';
import { formatImportReport } from '../../src/ops/import/format.js';
import { createScratchDatabase, describeEachDialect, testConfig, type ScratchDatabase } from '../helpers/app.js';
import { ORIGINAL_PASSWORDS, originalFixture, writeOriginalPostgres, writeOriginalSqlite, type OriginalVersion } from '../helpers/legacy-fixture-original.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-rewards-'));
const scratches: ScratchDatabase[] = [];
afterAll(async () => {
  await Promise.all(scratches.map((s) => s.drop()));
  fs.rmSync(folder, { recursive: true, force: true });
});

async function scratch(dialect: 'sqlite' | 'postgres'): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(dialect);
  scratches.push(database);
  return database;
}

async function sourceOf(version: OriginalVersion): Promise<string> {
  if (version === '2025-06') {
    const file = path.join(folder, `original-${version}-${Math.random().toString(36).slice(2)}.db`);
    writeOriginalSqlite(file, originalFixture(version));
    return file;
  }
  const url = (await scratch('postgres')).url;
  await writeOriginalPostgres(url, originalFixture(version));
  return url;
}

describeEachDialect('importing what learners had in the original', (dialect) => {
  beforeAll(() => {
    if (!inject('pgAvailable')) throw new Error('the 2026 source is a PostgreSQL database: start PostgreSQL');
  });

  for (const version of ['2025-06', '2026-04'] as const) {
    it(`${version}: badges, earned badges, ledger, streaks and pins land in our tables; a learner keeps earning`, async () => {
      const target = await scratch(dialect);
      const report = await importDatabase({ source: await sourceOf(version), target: target.url.replace(/^sqlite:/, '') });
      expect(report.error).toBeNull();
      expect(report.tables.every((t) => t.verified)).toBe(true);
      const imported = (table: string) => report.tables.find((t) => t.table === table)?.imported;
      expect([imported('achievements'), imported('user_achievements'), imported('recommendations')]).toEqual([4, 2, 1]);
      expect(imported('point_events')).toBe(version === '2025-06' ? 0 : 2);
      expect(report.legacy.map((t) => t.sourceTable)).not.toEqual(expect.arrayContaining(['achievements']));

      // users' total_points are 120 × id; luke (2) had 20 points in the 2026 ledger: 240 − 20 = 220 opening
      const openings = version === '2025-06' ? [120, 240, 360, 480] : [120, 220, 360, 480];
      expect(report.rewards).toEqual({
        ledgerRowsImported: version === '2025-06' ? 0 : 2,
        openingRows: 4,
        openingPoints: openings.reduce((a, b) => a + b, 0),
        // a learner-day per opening row (each dated at sign-up), and luke's two 2026 rows on 2026-04-01
        pointDays: version === '2025-06' ? 4 : 5,
        ledgerAboveTotal: [],
        unknownRequirementBadges: ['holocron'],
      });
      expect(formatImportReport(report)).toMatch(/4 learner\(s\) given an opening row .*\n.*holocron/);

      const config = testConfig(target.url);
      const app = await buildApp({ config, database: openConfiguredDatabase(config) });
      try {
        await app.ready();
        const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'luke', password: ORIGINAL_PASSWORDS.luke } });
        expect(login.statusCode, login.body).toBe(200);
        const headers = { authorization: `Bearer ${login.json().access_token}` };
        const mine = async () => {
          const res = await app.inject({ method: 'GET', url: '/api/users/me/badges', headers });
          expect(res.statusCode, res.body).toBe(200);
          return res.json();
        };

        const before = await mine();
        expect(before.earned.map((e: { badge: { code: string } }) => e.badge.code)).toEqual(['first_steps']);
        expect(before.total_points).toBe(240);
        expect(before.best_streak).toBe(version === '2025-06' ? 0 : 6);
        // luke has 2 attempts: 2 of the 3 the imported "trio" badge asks for; the unknown rule is not listed
        expect(before.in_progress.map((p: { badge: { code: string }; current: number; target: number }) => [p.badge.code, p.current, p.target])).toEqual([
          ['padawan_path', 2, 10],
          ['trio', 2, 3],
        ]);

        // his next attempt is the 3rd: trio is earned, by the original's rule, its 15 points credited once
        const attempt = await app.inject({ method: 'POST', url: '/api/exercises/1/attempts', headers, payload: { user_answer: '0' } });
        expect(attempt.statusCode, attempt.body).toBe(201);
        expect(attempt.json().new_badges.map((b: { code: string }) => b.code)).toEqual(['trio']);
        const after = await mine();
        expect(after.total_points).toBe(255);
        expect(after.current_streak).toBe(1);
        expect(after.earned.map((e: { badge: { code: string } }) => e.badge.code)).toEqual(['first_steps', 'trio']);

        // the secret badge with an unknown rule: hidden from learners, listed to staff as never awarded
        const catalogue = await app.inject({ method: 'GET', url: '/api/badges', headers });
        expect(catalogue.json().items.map((b: { code: string }) => b.code)).toEqual(['first_steps', 'padawan_path', 'trio']);
        const obiwan = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'obiwan', password: ORIGINAL_PASSWORDS.obiwan } });
        const staffHeaders = { authorization: `Bearer ${obiwan.json().access_token}` };
        // obiwan is a maitre: below gardien, the catalogue's staff routes are not his
        const unknown = await app.inject({ method: 'GET', url: '/api/badges/unknown-requirements', headers: staffHeaders });
        expect(unknown.statusCode).toBe(403);
        if (version === '2026-04') {
          const pinned = (await app.inject({ method: 'GET', url: '/api/users/me/badges', headers: staffHeaders })).json();
          expect(pinned.pinned_badge_ids).toEqual([3, 1]);
        }
      } finally {
        await app.close();
      }

      // total_points equals the ledger for every learner, from the first request on
      const database = openConfiguredDatabase(config);
      try {
        const mismatches = await database.query<{ id: number }>(
          (await import('drizzle-orm')).sql.raw(
            `select u.id from users u left join (select user_id, sum(points_delta) as total from point_events group by user_id) l on l.user_id = u.id where u.total_points <> coalesce(l.total, 0)`,
          ),
        );
        expect(mismatches).toEqual([]);
        // point_days (what the rolling leaderboards read) sums to the ledger too, per learner and in all
        const dayMismatches = await database.query<{ id: number }>(
          (await import('drizzle-orm')).sql.raw(
            `select u.id from users u left join (select user_id, sum(points) as total from point_days group by user_id) d on d.user_id = u.id where u.total_points <> coalesce(d.total, 0)`,
          ),
        );
        expect(dayMismatches).toEqual([]);
      } finally {
        await database.close();
      }
    });
  }
});
