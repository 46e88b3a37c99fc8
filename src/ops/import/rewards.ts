// After the tables are copied, in the import's transaction: the points ledger made whole (one
// opening point_events row per learner whose ledger sums below total_points: a 2025 original has no
// ledger, a 2026 one began after many points were earned), and what of the badges cannot be
// awarded. The original's rows are never rewritten; the opening row says what it is.
import { requirementKind, requirementsOf } from '../../domain/badges/requirements.js';
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

export async function settleRewards(dialect: 'postgres' | 'sqlite', run: RunStatement): Promise<RewardsReport> {
  const [before] = await run(`select count(*) as n from point_events`);
  await run(openingRowsSql(dialect));
  const [opened] = await run(`select count(*) as n, coalesce(sum(points_delta), 0) as points from point_events where source_type = 'import'`);
  const above = await run(`select u.id from users u join ${LEDGER_SUMS} l on l.user_id = u.id where l.total > u.total_points order by u.id`);
  const badges = await run(`select code, requirements from achievements order by id`);
  return {
    ledgerRowsImported: Number(before.n),
    openingRows: Number(opened.n),
    openingPoints: Number(opened.points),
    ledgerAboveTotal: above.map((row) => Number(row.id)),
    unknownRequirementBadges: badges.filter((row) => requirementKind(requirementsOf(row.requirements)) === null).map((row) => String(row.code)),
  };
}
