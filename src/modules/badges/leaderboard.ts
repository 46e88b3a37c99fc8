// Leaderboards from the points ledger: points over a rolling week or month (as the original: the
// last 7 or 30 days) or all time (total_points), top N and the caller's own rank. Children's
// privacy first: username only; staff and inactive accounts are left out, and a learner who opted
// out (leaderboard_visible = false) is neither shown nor ranked.
import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import type { Actor } from '../auth/actor.js';
import { DAY_MS, utcDay } from '../gamification/ledger.js';
import type { Leaderboard, LeaderboardQuery } from './schemas.js';

const PERIOD_DAYS = { week: 7, month: 30 } as const;

export async function leaderboard(store: Store, now: Date, actor: Actor, query: LeaderboardQuery): Promise<Leaderboard> {
  const { users } = store.tables;
  const ranked = and(eq(users.role, 'padawan'), eq(users.is_active, true), eq(users.leaderboard_visible, true)) as SQL;
  return query.period === 'all' ? allTime(store, actor, query, ranked) : rolling(store, now, actor, query, ranked);
}

/**
 * All time: total_points, read in its index's order (idx_users_total_points): the top N, then the
 * caller's row and the learners ahead of them.
 */
async function allTime(store: Store, actor: Actor, query: LeaderboardQuery, ranked: SQL): Promise<Leaderboard> {
  const { users } = store.tables;
  const board = store.db
    .select({ id: users.id, username: users.username, points: sql<number>`${users.total_points}`.as('points') })
    .from(users)
    .where(and(ranked, gt(users.total_points, 0)))
    .as('board');
  const rows = await store.db.select().from(board).orderBy(desc(board.points), asc(board.username)).limit(query.limit);

  // the caller's rank: 1 + learners with more points (ties share a rank); null when not ranked
  const [mine] = await store.db.select().from(board).where(eq(board.id, actor.id));
  let me: Leaderboard['me'] = null;
  if (mine) {
    const [ahead] = await store.db
      .select({ n: sql<number>`count(*)` })
      .from(board)
      .where(sql`${board.points} > ${Number(mine.points)}`);
    me = { rank: Number(ahead.n) + 1, username: mine.username, points: Number(mine.points) };
  }

  return { period: query.period, entries: rankedEntries(rows, actor), me };
}

/** The top rows, in the board's order, with their ranks: ties share a rank (1, 2, 2, 4). */
function rankedEntries(rows: { id: number; username: string; points: number }[], actor: Actor): Leaderboard['entries'] {
  let rank = 0;
  let previous: number | null = null;
  return rows.map((row, i) => {
    const value = Number(row.points);
    if (value !== previous) rank = i + 1;
    previous = value;
    return { rank, username: row.username, points: value, is_me: Number(row.id) === actor.id };
  });
}

/**
 * A rolling week or month, exactly the last N×24 h: the whole UTC days after the period's first
 * (partial) day from point_days (index ix_point_days_day_user), plus the ledger's rows of that first
 * day from its start on (index ix_point_events_created_user). The board (those rows joined to the
 * ranked learners, summed per learner) is computed once, in a MATERIALIZED common table expression
 * (PostgreSQL 12+, SQLite 3.35+) that one statement reads twice: its top N (a top-N sort, no full ranking) and the caller's row
 * with the learners ahead of them (rank = 1 + that count: ties share a rank). BENCHMARKS.md,
 * "Leaderboards at scale", has the plans and what a window-function ranking cost instead.
 */
async function rolling(store: Store, now: Date, actor: Actor, query: LeaderboardQuery, ranked: SQL): Promise<Leaderboard> {
  const { users, pointEvents, pointDays } = store.tables;
  const since = new Date(now.getTime() - PERIOD_DAYS[query.period as keyof typeof PERIOD_DAYS] * DAY_MS);
  const firstDay = utcDay(since);
  const wholeDays = store.db.select({ user_id: pointDays.user_id, points: pointDays.points }).from(pointDays).where(gt(pointDays.day, firstDay));
  const firstDayRows = store.db
    .select({ user_id: pointEvents.user_id, points: pointEvents.points_delta })
    .from(pointEvents)
    .where(and(gte(pointEvents.created_at, since), lt(pointEvents.created_at, new Date((firstDay + 1) * DAY_MS))));
  const periodRows = wholeDays.unionAll(firstDayRows).as('period_rows');
  // joined to users before the sum: PostgreSQL cannot estimate the groups of a UNION ALL (it assumes
  // 200) and, summing first, joined 75,000 sums to users by as many index lookups (BENCHMARKS.md)
  const total = sql<number>`sum(${periodRows.points})`;
  const board = store.db
    .select({ id: users.id, username: users.username, points: total.as('points') })
    .from(periodRows)
    .innerJoin(users, eq(users.id, periodRows.user_id))
    .where(ranked)
    .groupBy(users.id, users.username)
    .having(sql`${total} > 0`);
  // mine = 0: the top N in the board's order; mine = 1: the caller's row, with the learners ahead
  // (drizzle puts the embedded query in parentheses itself: SQLite refuses a second pair)
  const rows = await store.db
    .select({
      id: sql<number>`id`,
      username: sql<string>`username`,
      points: sql<number>`points`,
      ahead: sql<number | null>`ahead`,
      mine: sql<number>`mine`,
    })
    .from(
      sql`(with board as materialized ${board}
        select id, username, points, null as ahead, 0 as mine
          from (select id, username, points from board order by points desc, username asc limit ${query.limit}) as top_rows
        union all
        select id, username, points, (select count(*) from board as ahead where ahead.points > mine.points) as ahead, 1 as mine
          from board as mine where mine.id = ${actor.id}) as ranked_board`,
    )
    .orderBy(sql`mine`, sql`points desc`, sql`username asc`);

  const entries = rankedEntries(
    rows.filter((row) => Number(row.mine) === 0),
    actor,
  );
  const mine = rows.find((row) => Number(row.mine) === 1);
  const me = mine ? { rank: Number(mine.ahead) + 1, username: mine.username, points: Number(mine.points) } : null;
  return { period: query.period, entries, me };
}
