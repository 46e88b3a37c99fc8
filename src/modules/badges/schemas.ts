import { z } from 'zod';
import { entityId, timestamp, webUrl } from '../../http/schemas.js';
import { REQUIREMENT_KINDS } from '../../domain/badges/requirements.js';

export const BADGE_TIERS = ['bronze', 'silver', 'gold', 'legendary'] as const;
/** At most this many badges pinned on a profile (the original's rule). */
export const MAX_PINNED_BADGES = 3;

export const awardedBadgeSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    star_wars_title: z.string().nullable(),
    difficulty: z.string().nullable().describe('the tier: bronze, silver, gold or legendary'),
    points_reward: z.number().int(),
  })
  .meta({ id: 'AwardedBadge' });

const rarityLabel = z.enum(['rare', 'uncommon', 'common']);

export const raritySchema = z
  .object({
    holders: z.number().int().describe('active learners holding it'),
    percent: z.number().describe('share of active learners holding it, 0–100, one decimal'),
    label: rarityLabel.describe('rare below 5 %, uncommon below 20 %, common otherwise'),
  })
  .meta({ id: 'BadgeRarity' });

const requirementsField = z.record(z.string(), z.unknown()).nullable();

export const badgeSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    icon_url: z.string().nullable(),
    category: z.string().nullable(),
    difficulty: z.string().nullable().describe('the tier: bronze, silver, gold or legendary'),
    points_reward: z.number().int(),
    is_secret: z.boolean(),
    is_active: z.boolean(),
    star_wars_title: z.string().nullable(),
    requirements: requirementsField.describe("the original's requirements JSON"),
    requirement_kind: z.enum(REQUIREMENT_KINDS).nullable().describe('null: no rule this service knows, never awarded'),
    created_at: timestamp,
    rarity: raritySchema,
    earned_at: timestamp.nullable().describe('when the caller earned it; null when they have not'),
  })
  .meta({ id: 'Badge' });
export type BadgeView = z.infer<typeof badgeSchema>;

export const badgeListSchema = z.object({ items: z.array(badgeSchema) }).meta({ id: 'BadgeList' });

export const badgeProgressSchema = z
  .object({
    badge: badgeSchema,
    current: z.number().int(),
    target: z.number().int(),
    progress: z.number().describe('current ÷ target, 0–1, two decimals'),
  })
  .meta({ id: 'BadgeProgress' });

export const myBadgesSchema = z
  .object({
    earned: z.array(
      z.object({
        badge: badgeSchema,
        earned_at: timestamp,
        is_displayed: z.boolean(),
        progress_data: z.unknown().describe('what the rule read when it was earned'),
      }),
    ),
    in_progress: z.array(badgeProgressSchema).describe('unearned badges with a known rule (secret ones left out)'),
    pinned_badge_ids: z.array(z.number().int()),
    total_points: z.number().int(),
    current_streak: z.number().int().describe('consecutive active days up to today or yesterday, else 0'),
    best_streak: z.number().int(),
    last_activity_date: z.string().nullable().describe('YYYY-MM-DD in APP_TIMEZONE'),
  })
  .meta({ id: 'MyBadges' });
export type MyBadges = z.infer<typeof myBadgesSchema>;

export const pinBadgesBody = z
  .object({ achievement_ids: z.array(entityId).max(MAX_PINNED_BADGES).describe(`earned badges, at most ${MAX_PINNED_BADGES}; [] unpins all`) })
  .strict()
  .meta({ example: { achievement_ids: [1, 4] } });
export const pinnedBadgesSchema = z.object({ pinned_badge_ids: z.array(z.number().int()) }).meta({ id: 'PinnedBadges' });

const requirementsInput = z.record(z.string().max(50), z.union([z.number().min(0).max(1_000_000), z.string().max(100), z.boolean(), z.null()]));

export const createBadgeBody = z
  .object({
    code: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _'),
    name: z.string().trim().min(1).max(255),
    description: z.string().trim().max(2000).nullable().optional(),
    icon_url: webUrl(255).nullable().optional(),
    category: z.string().trim().max(50).nullable().optional(),
    difficulty: z.enum(BADGE_TIERS).optional().describe('the tier'),
    points_reward: z.number().int().min(0).max(10_000).optional(),
    is_secret: z.boolean().optional(),
    is_active: z.boolean().optional(),
    star_wars_title: z.string().trim().max(255).nullable().optional(),
    requirements: requirementsInput.describe("the original's vocabulary: attempts_count, logic_attempts_count, success_rate + min_attempts, …"),
  })
  .strict()
  .meta({
    example: {
      code: 'maitre_des_additions',
      name: 'Maître des additions',
      description: '10 additions justes de suite',
      difficulty: 'silver',
      points_reward: 50,
      star_wars_title: 'Gardien du calcul',
      requirements: { exercise_type: 'addition', consecutive_correct: 10 },
    },
  });
export type CreateBadgeInput = z.infer<typeof createBadgeBody>;

export const updateBadgeBody = createBadgeBody
  .omit({ code: true })
  .partial()
  .strict()
  .meta({ example: { name: 'Maître des additions', is_active: false } });
export type UpdateBadgeInput = z.infer<typeof updateBadgeBody>;

export const badgeListQuery = z.object({
  include_inactive: z.string().max(5).pipe(z.stringbool()).optional().describe('gardien and above: inactive badges too'),
});

export const unknownRequirementsSchema = z
  .object({
    items: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), is_active: z.boolean(), requirements: z.unknown() })),
  })
  .meta({ id: 'UnknownRequirementBadges' });

export const LEADERBOARD_PERIODS = ['week', 'month', 'all'] as const;
export const leaderboardQuery = z.object({
  period: z.enum(LEADERBOARD_PERIODS).default('week').describe('the last 7 days, the last 30 days, or all time'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export type LeaderboardQuery = z.infer<typeof leaderboardQuery>;

export const leaderboardSchema = z
  .object({
    period: z.enum(LEADERBOARD_PERIODS),
    entries: z.array(
      z.object({
        rank: z.number().int().describe('learners with the same points share a rank'),
        username: z.string(),
        points: z.number().int(),
        is_me: z.boolean(),
      }),
    ),
    me: z
      .object({ rank: z.number().int(), username: z.string(), points: z.number().int() })
      .nullable()
      .describe('the caller, when ranked (a learner with points in the period, not opted out)'),
  })
  .meta({ id: 'Leaderboard' });
export type Leaderboard = z.infer<typeof leaderboardSchema>;
