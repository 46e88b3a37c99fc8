// Awarding badges inside the transaction of the attempt that earns them: only the active badges
// the learner does not hold yet are judged (reads), then each is inserted at most once (the unique
// key decides between concurrent attempts) and its points go through the ledger once.
import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared.js';
import { runPrepared, type Tx } from '../../db/store.js';
import { creditPoints, POINT_SOURCES } from '../gamification/ledger.js';
import { standingOn } from './evaluate.js';
import { loadFacts, type RuleInPlay } from './facts.js';
import { requirementKind, requirementsOf } from '../../domain/badges/requirements.js';

/** What just happened, in the learner's calendar. */
export interface LearnerActivity {
  userId: number;
  at: Date;
  /** the day of `at` in APP_TIMEZONE */
  today: string;
  timeZone: string;
  /** days since the learner's active day before this one (null: first activity ever, or same day) */
  comebackGap: number | null;
  /** the learner's streak including today */
  streakDays: number;
}

export interface AwardedBadge {
  id: number;
  code: string;
  name: string;
  star_wars_title: string | null;
  difficulty: string | null;
  points_reward: number;
}

/** Active badges the learner does not hold yet, in catalogue order. Prepared: it runs on every attempt. */
export const badgesToEarnQuery = preparedQuery('badges_to_earn', (db, { achievements, userAchievements }) =>
  db
    .select({
      id: achievements.id,
      code: achievements.code,
      name: achievements.name,
      star_wars_title: achievements.star_wars_title,
      difficulty: achievements.difficulty,
      points_reward: achievements.points_reward,
      requirements: achievements.requirements,
    })
    .from(achievements)
    .where(
      and(
        eq(achievements.is_active, true),
        notExists(
          db
            .select({ one: sql`1` })
            .from(userAchievements)
            .where(and(eq(userAchievements.user_id, sql.placeholder('user_id')), eq(userAchievements.achievement_id, achievements.id))),
        ),
      ),
    )
    .orderBy(asc(achievements.id)),
);

const badgesToEarn = (tx: Tx, userId: number) => runPrepared(tx, badgesToEarnQuery, { user_id: userId });

export interface EarnedBadge {
  badge: AwardedBadge;
  progress: { kind: string; current: number; target: number };
}

export interface BadgeCandidate {
  badge: AwardedBadge;
  rule: RuleInPlay;
}

/** The active badges the learner does not hold yet whose rule is known: the ones an attempt may earn. */
export async function badgeCandidates(tx: Tx, userId: number): Promise<BadgeCandidate[]> {
  return (await badgesToEarn(tx, userId)).flatMap(({ requirements: stored, ...badge }) => {
    const requirements = requirementsOf(stored);
    const kind = requirementKind(requirements);
    return kind && requirements ? [{ badge, rule: { kind, requirements } }] : [];
  });
}

/** The candidates `activity` earned, judged from reads: awardBadges() writes them. */
export async function earnedBadges(tx: Tx, candidates: BadgeCandidate[], activity: LearnerActivity): Promise<EarnedBadge[]> {
  if (candidates.length === 0) return [];
  const facts = await loadFacts(
    tx,
    activity.userId,
    candidates.map(({ rule }) => rule),
    activity.today,
    activity.timeZone,
    { comebackGap: activity.comebackGap, streakDays: activity.streakDays },
  );
  return candidates.flatMap(({ badge, rule }) => {
    const standing = standingOn(rule.kind, rule.requirements, facts);
    return standing.met ? [{ badge, progress: { kind: rule.kind, current: standing.current, target: standing.target } }] : [];
  });
}

/**
 * Awards the earned badges, each at most once: a concurrent attempt that inserted it first wins
 * (ON CONFLICT DO NOTHING) and this one neither reports it nor credits its points.
 */
export async function awardBadges(tx: Tx, userId: number, earned: EarnedBadge[], at: Date): Promise<AwardedBadge[]> {
  const { userAchievements } = tx.tables;
  const awarded: AwardedBadge[] = [];
  for (const { badge, progress } of earned) {
    const inserted = await tx.db
      .insert(userAchievements)
      .values({ user_id: userId, achievement_id: badge.id, earned_at: at, progress_data: progress })
      .onConflictDoNothing({ target: [userAchievements.user_id, userAchievements.achievement_id] })
      .returning({ id: userAchievements.id });
    if (inserted.length === 0) continue;
    if (badge.points_reward > 0) {
      await creditPoints(tx, {
        userId,
        points: badge.points_reward,
        source: POINT_SOURCES.badge,
        sourceId: badge.id,
        details: { code: badge.code, name: badge.name },
        at,
      });
    }
    awarded.push(badge);
  }
  return awarded;
}
