// After the tables are copied, in the import's transaction: the points ledger made whole (one
// opening point_events row per learner whose ledger sums below total_points: a 2025 original has no
// ledger, a 2026 one began after many points were earned), point_days rebuilt from the whole ledger
// in one statement and checked against it per learner, and what of the badges cannot be awarded.
// The original's rows are never rewritten; the opening row says what it is.
import { requirementKind, requirementsOf } from '../../domain/badges/requirements.js';
import { ImportFailure } from './context.js';
import type { RewardsReport } from './report.js';

const OPENING_REASON = 'opening balance: points counted in total_points before the ledger began, added by the import';

/** Runs one statement on the target's connection inside the import transaction; returns its rows. */
export type RunStatement = (sql: string) => Promise<Record<string, unknown>[]>;

/** The ledger sum per user, for both dialects. */
const LEDGER_SUMS = `(select user_id, sum(points_delta) as total from point_events group by user_id)`;

/**
 * Dated at the learner's sign-up, balance_after the difference: points earned before any row of the
 * ledger, so they count in the all-time leaderboard and never in this week's.
 */
function openingRowsSql(dialect: 'postgres' | 'sqlite'): string {
  const details = `'${JSON.stringify({ reason: OPENING_REASON }).replace(/'/g, "''")}'`;
  return `insert into point_events (user_id, source_type, source_id, points_delta, balance_after, details, created_at)
    select u.id, 'import', null, u.total_points - coalesce(l.total, 0), u.total_points - coalesce(l.total, 0),
      ${dialect === 'postgres' ? `cast(${details} as jsonb)` : details}, u.created_at
    from users u left join ${LEDGER_SUMS} l on l.user_id = u.id
    where u.total_points > coalesce(l.total, 0)`;
}

/**
 * A ledger row's UTC day, whole days since 1970-01-01 UTC: what creditPoints computes in JavaScript
 * (src/modules/gamification/ledger.ts) and the migration that made point_days.
 */
const LEDGER_DAY = {
  postgres: `floor(extract(epoch from created_at) / 86400)::integer`,
  sqlite: `cast(created_at / 86400000 as integer)`,
} as const;

/** point_days from the ledger (emptied with the imported tables); throws when a learner's days do not sum to their ledger. */
async function rebuildPointDays(dialect: 'postgres' | 'sqlite', run: RunStatement): Promise<number> {
  await run(`insert into point_days (user_id, day, points)
    select user_id, ${LEDGER_DAY[dialect]}, sum(points_delta) from point_events group by 1, 2`);
  const differ = await run(`select coalesce(l.user_id, d.user_id) as user_id
    from ${LEDGER_SUMS} l full outer join (select user_id, sum(points) as total from point_days group by user_id) d on d.user_id = l.user_id
    where coalesce(l.total, 0) <> coalesce(d.total, 0) order by 1`);
  if (differ.length > 0) {
    throw new ImportFailure(
      `point_days does not sum to the ledger for ${differ.length} user(s) (first: id ${String(differ[0].user_id)}): nothing was imported`,
    );
  }
  const [days] = await run(`select count(*) as n from point_days`);
  return Number(days.n);
}

export async function settleRewards(dialect: 'postgres' | 'sqlite', run: RunStatement): Promise<RewardsReport> {
  const [before] = await run(`select count(*) as n from point_events`);
  await run(openingRowsSql(dialect));
  const [opened] = await run(`select count(*) as n, coalesce(sum(points_delta), 0) as points from point_events where source_type = 'import'`);
  const pointDays = await rebuildPointDays(dialect, run);
  const above = await run(`select u.id from users u join ${LEDGER_SUMS} l on l.user_id = u.id where l.total > u.total_points order by u.id`);
  const badges = await run(`select code, requirements from achievements order by id`);
  return {
    ledgerRowsImported: Number(before.n),
    openingRows: Number(opened.n),
    openingPoints: Number(opened.points),
    pointDays,
    ledgerAboveTotal: above.map((row) => Number(row.id)),
    unknownRequirementBadges: badges.filter((row) => requirementKind(requirementsOf(row.requirements)) === null).map((row) => String(row.code)),
  };
}
