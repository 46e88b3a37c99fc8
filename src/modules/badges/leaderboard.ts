// Leaderboards from the points ledger: points over a rolling week or month (as the original: the
// last 7 or 30 days) or all time (total_points), top N and the caller's own rank. Children's
// privacy first: username only; staff and inactive accounts are left out, and a learner who opted
// out (leaderboard_visible = false) is neither shown nor ranked.
import { and, asc, eq, gt, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import type { Actor } from '../auth/actor.js';
import type { Leaderboard, LeaderboardQuery } from './schemas.js';

const PERIOD_DAYS = { week: 7, month: 30 } as const;

export async function leaderboard(store: Store, now: Date, actor: Actor, query: LeaderboardQuery): Promise<Leaderboard> {
  const { users, pointEvents } = store.tables;
  const rankable = and(eq(users.role, 'padawan'), eq(users.is_active, true), eq(users.leaderboard_visible, true)) as SQL;

  // per learner, their points in the period: total_points for all time, else the ledger's rows
  // since the start of the period (the (created_at, user_id) index), summed
  let board;
  if (query.period === 'all') {
    board = store.db
      .select({ id: users.id, username: users.username, points: sql<number>`${users.total_points}`.as('points') })
      .from(users)
      .where(and(rankable, gt(users.total_points, 0)))
      .as('board');
  } else {
    const since = new Date(now.getTime() - PERIOD_DAYS[query.period] * 86_400_000);
    const sums = store.db
      .select({ user_id: pointEvents.user_id, total: sql<number>`sum(${pointEvents.points_delta})`.as('total') })
      .from(pointEvents)
      .where(gte(pointEvents.created_at, since))
      .groupBy(pointEvents.user_id)
      .as('period_points');
    board = store.db
      .select({ id: users.id, username: users.username, points: sql<number>`${sums.total}`.as('points') })
      .from(sums)
      .innerJoin(users, eq(users.id, sums.user_id))
      .where(and(rankable, sql`${sums.total} > 0`))
      .as('board');
  }
  // one pass over the period: each learner's rank (ties share it) and place, keeping the top N and the caller
  const ranked = store.db
    .select({
      id: board.id,
      username: board.username,
      points: board.points,
      rank: sql<number>`rank() over (order by ${board.points} desc)`.as('rank'),
      place: sql<number>`row_number() over (order by ${board.points} desc, ${board.username} asc)`.as('place'),
    })
    .from(board)
    .as('ranked');
  const rows = await store.db
    .select()
    .from(ranked)
    .where(or(lte(ranked.place, query.limit), eq(ranked.id, actor.id)))
    .orderBy(asc(ranked.place));

  const entries = rows
    .filter((row) => Number(row.place) <= query.limit)
    .map((row) => ({ rank: Number(row.rank), username: row.username, points: Number(row.points), is_me: row.id === actor.id }));
  const mine = rows.find((row) => row.id === actor.id);
  const me: Leaderboard['me'] = mine ? { rank: Number(mine.rank), username: mine.username, points: Number(mine.points) } : null;
  return { period: query.period, entries, me };
}
