// Leaderboards from the points ledger: points over a rolling week or month (as the original: the
// last 7 or 30 days) or all time (total_points), top N and the caller's own rank. Children's
// privacy first: username only; staff and inactive accounts are left out, and a learner who opted
// out (leaderboard_visible = false) is neither shown nor ranked.
import { and, asc, desc, eq, gt, gte, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import type { Actor } from '../auth/actor.js';
import type { Leaderboard, LeaderboardQuery } from './schemas.js';

const PERIOD_DAYS = { week: 7, month: 30 } as const;

export async function leaderboard(store: Store, now: Date, actor: Actor, query: LeaderboardQuery): Promise<Leaderboard> {
  const { users, pointEvents } = store.tables;
  const ranked = and(eq(users.role, 'padawan'), eq(users.is_active, true), eq(users.leaderboard_visible, true)) as SQL;

  // per learner, their points in the period: total_points for all time, else the ledger's rows
  // since the start of the period (the (created_at, user_id) index), summed
  let board;
  if (query.period === 'all') {
    board = store.db
      .select({ id: users.id, username: users.username, points: sql<number>`${users.total_points}`.as('points') })
      .from(users)
      .where(and(ranked, gt(users.total_points, 0)))
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
      .where(and(ranked, sql`${sums.total} > 0`))
      .as('board');
  }
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

  let rank = 0;
  let previous: number | null = null;
  const entries = rows.map((row, i) => {
    const value = Number(row.points);
    if (value !== previous) rank = i + 1;
    previous = value;
    return { rank, username: row.username, points: value, is_me: row.id === actor.id };
  });
  return { period: query.period, entries, me };
}
