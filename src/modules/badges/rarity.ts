// Each badge's rarity: the share of active learners (active accounts) holding it, as the original
// shows it ("X % ont débloqué"), with its labels.
import { and, eq, sql } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';
import type { BadgeView } from './schemas.js';

type Rarity = BadgeView['rarity'];

export function rarityOf(holders: number, activeLearners: number): Rarity {
  const percent = activeLearners > 0 ? Math.round((1000 * holders) / activeLearners) / 10 : 0;
  return { holders, percent, label: percent < 5 ? 'rare' : percent < 20 ? 'uncommon' : 'common' };
}

/** Holders per badge id among active accounts, and how many active accounts there are. */
export async function badgeHolders(on: Reads): Promise<{ byBadge: Map<number, number>; activeLearners: number }> {
  const { users, userAchievements } = on.tables;
  const [counted, [active]] = await Promise.all([
    on.db
      .select({ id: userAchievements.achievement_id, holders: sql<number>`count(*)` })
      .from(userAchievements)
      .innerJoin(users, and(eq(users.id, userAchievements.user_id), eq(users.is_active, true)))
      .groupBy(userAchievements.achievement_id),
    on.db.select({ n: sql<number>`count(*)` }).from(users).where(eq(users.is_active, true)),
  ]);
  return { byBadge: new Map(counted.map((row) => [row.id, Number(row.holders)])), activeLearners: Number(active?.n ?? 0) };
}
