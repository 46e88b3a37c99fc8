// The badge catalogue, a learner's badges with their progress, pinning, and the staff's edits.
// Awarding lives in award.ts (inside the attempt's transaction).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import { roleAtLeast } from '../../db/enums.js';
import type { Reads, Store } from '../../db/store.js';
import { badRequest, notFound } from '../../errors.js';
import type { Actor } from '../auth/actor.js';
import { dayIn, daysBetween, type LearnerCalendar } from '../gamification/calendar.js';
import { standingOn } from './evaluate.js';
import { loadFacts, type RuleInPlay } from './facts.js';
import { badgeHolders, rarityOf } from './rarity.js';
import { requirementKind, requirementsOf, type RequirementKind } from '../../domain/badges/requirements.js';
import type { BadgeView, CreateBadgeInput, MyBadges, UpdateBadgeInput } from './schemas.js';

// shared with the dashboard's learning page, so it lives in src/domain
export { unknownRequirementBadges } from '../../domain/badges/unknown-requirements.js';

type AchievementRow = Tables['achievements']['$inferSelect'];

/** Staff who manage the catalogue: gardien and above (they already look after learners' records). */
export const MANAGES_BADGES = 'gardien' as const;
const managesBadges = (actor: Actor) => roleAtLeast(actor.role, MANAGES_BADGES);

function view(row: AchievementRow, holders: { byBadge: Map<number, number>; activeLearners: number }, earnedAt: Date | null): BadgeView {
  const requirements = requirementsOf(row.requirements);
  return {
    ...row,
    requirements,
    requirement_kind: requirementKind(requirements),
    rarity: rarityOf(holders.byBadge.get(row.id) ?? 0, holders.activeLearners),
    earned_at: earnedAt,
  };
}

async function earnedBy(on: Reads, userId: number) {
  const { userAchievements } = on.tables;
  return on.db.select().from(userAchievements).where(eq(userAchievements.user_id, userId));
}

/** The catalogue: active badges (all, for staff asking `include_inactive`); a secret one only once the caller holds it (staff see all). */
export async function listBadges(store: Store, actor: Actor, includeInactive = false): Promise<BadgeView[]> {
  const { achievements } = store.tables;
  const staff = managesBadges(actor);
  const [rows, earned, holders] = await Promise.all([
    store.db
      .select()
      .from(achievements)
      .where(staff && includeInactive ? undefined : eq(achievements.is_active, true))
      .orderBy(asc(achievements.id)),
    earnedBy(store, actor.id),
    badgeHolders(store),
  ]);
  const earnedAt = new Map(earned.map((row) => [row.achievement_id, row.earned_at]));
  return rows.filter((row) => staff || !row.is_secret || earnedAt.has(row.id)).map((row) => view(row, holders, earnedAt.get(row.id) ?? null));
}

/** The caller's badges, and their progress towards each unearned active one whose rule is known (secret ones stay hidden). */
export async function myBadges(store: Store, calendar: LearnerCalendar, actor: Actor): Promise<MyBadges> {
  const { achievements, users } = store.tables;
  const [rows, earned, holders, [me]] = await Promise.all([
    store.db.select().from(achievements).orderBy(asc(achievements.id)),
    earnedBy(store, actor.id),
    badgeHolders(store),
    store.db.select().from(users).where(eq(users.id, actor.id)),
  ]);
  if (!me) throw notFound('User');
  const byId = new Map(rows.map((row) => [row.id, row]));
  const earnedIds = new Set(earned.map((row) => row.achievement_id));

  const toEarn: { row: AchievementRow; rule: RuleInPlay }[] = [];
  for (const row of rows) {
    if (!row.is_active || row.is_secret || earnedIds.has(row.id)) continue;
    const requirements = requirementsOf(row.requirements);
    const kind: RequirementKind | null = requirementKind(requirements);
    if (kind && requirements) toEarn.push({ row, rule: { kind, requirements } });
  }
  const today = dayIn(calendar.clock.now(), calendar.timeZone);
  const facts = await loadFacts(
    store,
    actor.id,
    toEarn.map(({ rule }) => rule),
    today,
    calendar.timeZone,
  );
  const alive = me.last_activity_date !== null && daysBetween(me.last_activity_date, today) <= 1;

  return {
    earned: earned
      .filter((row) => byId.has(row.achievement_id))
      .sort((a, b) => a.earned_at.getTime() - b.earned_at.getTime() || a.achievement_id - b.achievement_id)
      .map((row) => ({
        badge: view(byId.get(row.achievement_id) as AchievementRow, holders, row.earned_at),
        earned_at: row.earned_at,
        is_displayed: row.is_displayed,
        progress_data: row.progress_data ?? null,
      })),
    in_progress: toEarn.map(({ row, rule }) => {
      const standing = standingOn(rule.kind, rule.requirements, facts);
      const current = Math.min(standing.current, standing.target);
      return {
        badge: view(row, holders, null),
        current,
        target: standing.target,
        progress: Math.round((100 * current) / Math.max(1, standing.target)) / 100,
      };
    }),
    pinned_badge_ids: pinnedIds(me.pinned_badge_ids),
    total_points: me.total_points,
    current_streak: alive ? me.current_streak : 0,
    best_streak: me.best_streak,
    last_activity_date: me.last_activity_date,
  };
}

/** users.pinned_badge_ids as stored (the original's JSON list; anything else reads as none). */
export function pinnedIds(stored: unknown): number[] {
  return Array.isArray(stored) ? stored.filter((id): id is number => Number.isInteger(id)) : [];
}

/** Pins up to 3 of the caller's earned badges (in the order given); [] unpins all. */
export async function pinBadges(store: Store, actor: Actor, ids: number[]): Promise<{ pinned_badge_ids: number[] }> {
  const unique = [...new Set(ids)];
  return store.transaction(async (tx) => {
    const { userAchievements, users } = tx.tables;
    if (unique.length > 0) {
      const held = await tx.db
        .select({ id: userAchievements.achievement_id })
        .from(userAchievements)
        .where(and(eq(userAchievements.user_id, actor.id), inArray(userAchievements.achievement_id, unique)));
      const heldIds = new Set(held.map((row) => row.id));
      const missing = unique.filter((id) => !heldIds.has(id));
      if (missing.length > 0) {
        throw badRequest('Only badges you have earned can be pinned', [{ in: 'body', path: 'achievement_ids', message: `not earned: ${missing.join(', ')}` }]);
      }
    }
    await tx.db.update(users).set({ pinned_badge_ids: unique }).where(eq(users.id, actor.id));
    return { pinned_badge_ids: unique };
  });
}

function assertKnownRule(requirements: Record<string, unknown> | undefined): void {
  if (requirements !== undefined && requirementKind(requirements) === null) {
    throw badRequest('These requirements use no rule this service knows: the badge could never be earned', [
      { in: 'body', path: 'requirements', message: 'unknown requirement keys' },
    ]);
  }
}

export async function createBadge(store: Store, actor: Actor, input: CreateBadgeInput): Promise<BadgeView> {
  assertKnownRule(input.requirements);
  const row = await store.transaction(async (tx) => {
    const [created] = await tx.db.insert(tx.tables.achievements).values(input).returning();
    return created;
  });
  return view(row, await badgeHolders(store), null);
}

export async function updateBadge(store: Store, actor: Actor, id: number, input: UpdateBadgeInput): Promise<BadgeView> {
  assertKnownRule(input.requirements);
  const { achievements } = store.tables;
  const row = await store.transaction(async (tx) => {
    const [updated] = await tx.db.update(achievements).set(input).where(eq(achievements.id, id)).returning();
    return updated;
  });
  if (!row) throw notFound('Badge');
  const [earned] = await store.db
    .select()
    .from(store.tables.userAchievements)
    .where(and(eq(store.tables.userAchievements.user_id, actor.id), eq(store.tables.userAchievements.achievement_id, id)));
  return view(row, await badgeHolders(store), earned?.earned_at ?? null);
}
