import { z } from 'zod';
import { DIFFICULTIES, EXERCISE_TYPES, ROLES } from '../../db/enums.js';
import { booleanQuery, enumInput, pageOf, paginationQuery, timestamp, webUrl } from '../../http/schemas.js';
import { userSchema } from '../../http/user.js';
import { emailInput, passwordInput, usernameInput } from '../../domain/accounts/input.js';

/** Display preferences of the front end: a flat map of a few short values, not free storage. */
export const MAX_ACCESSIBILITY_SETTINGS = 30;
const accessibilitySettings = z
  .record(z.string().min(1).max(50), z.union([z.boolean(), z.number().min(-1e9).max(1e9), z.string().max(100), z.null()]))
  .refine((settings) => Object.keys(settings).length <= MAX_ACCESSIBILITY_SETTINGS, `at most ${MAX_ACCESSIBILITY_SETTINGS} settings`)
  .meta({ maxProperties: MAX_ACCESSIBILITY_SETTINGS });

const profileFields = {
  full_name: z.string().trim().max(100).nullable(),
  grade_level: z.number().int().min(1).max(12).nullable(),
  learning_style: z.string().trim().max(50).nullable(),
  preferred_difficulty: enumInput(DIFFICULTIES).nullable(),
  preferred_theme: z.string().trim().max(50).nullable(),
  accessibility_settings: accessibilitySettings.nullable(),
  avatar_url: webUrl(500).nullable(),
};

export const updateMeBody = z
  .object({ username: usernameInput, email: emailInput, ...profileFields, leaderboard_visible: z.boolean() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .meta({ example: { full_name: 'Ahsoka Tano', preferred_difficulty: 'padawan', accessibility_settings: { dyslexia_font: true } } });
export type UpdateMeInput = z.infer<typeof updateMeBody>;

export const updateUserBody = z
  .object({ username: usernameInput, email: emailInput, role: enumInput(ROLES), is_active: z.boolean(), ...profileFields })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .meta({ example: { role: 'maitre', is_active: true } });
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const changePasswordBody = z
  .object({ current_password: z.string().min(1).max(128), new_password: passwordInput })
  .strict()
  .meta({ example: { current_password: 'use-the-force', new_password: 'a-new-hope-1977' } });

export const deleteMeBody = z
  .object({ current_password: z.string().min(1).max(128) })
  .strict()
  .meta({ example: { current_password: 'use-the-force' } });

const exportedRows = (what: string) => z.array(z.record(z.string(), z.unknown())).describe(what);

/** GET /api/users/me/export: documented here, written as a stream by ./export.ts (same keys, same order). */
export const accountExportSchema = z
  .object({
    format: z.literal('mathakine-account-export'),
    version: z.literal(1),
    exported_at: timestamp,
    user_id: z.number().int(),
    profile: z.record(z.string(), z.unknown()).describe('the users row: every column but password and token hashes and internal counters'),
    sessions: exportedRows('refresh tokens of each sign-in (family_id: one session): created_at, used_at, expires_at, revoked_at; never the token'),
    attempts: exportedRows('every exercise attempt, oldest first'),
    progress: exportedRows('progress per exercise type and difficulty'),
    challenge_attempts: exportedRows('every logic challenge attempt'),
    exercises_created: exportedRows('exercises the account wrote or generated: id, title, type, difficulty, flags and dates (not their answers)'),
    challenges_created: exportedRows('logic challenges the account wrote: id, title, type, difficulty, flags and dates'),
    legacy_statistics: exportedRows("the original app's statistics rows of the account"),
    legacy: z
      .record(z.string(), exportedRows('rows as the import kept them: every value as text, source_row first'))
      .describe("what the import of the original kept for the account in the legacy area, by table (users: the original's columns we do not model)"),
  })
  .meta({ id: 'AccountExport' });

export const listUsersQuery = paginationQuery.extend({
  role: enumInput(ROLES).optional(),
  search: z.string().trim().min(1).max(100).optional().describe('part of the username, email or full name'),
  is_active: booleanQuery.optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;
export const userPage = pageOf(userSchema, 'UserPage');

const breakdownRow = z.object({
  exercise_type: z.enum(EXERCISE_TYPES),
  difficulty: z.enum(DIFFICULTIES),
  attempts: z.number().int(),
  correct: z.number().int(),
  success_rate: z.number(),
  average_time: z.number().nullable(),
});

export const userStatsSchema = z
  .object({
    user_id: z.number().int(),
    total_attempts: z.number().int(),
    correct_attempts: z.number().int(),
    success_rate: z.number().describe('percentage 0–100'),
    average_time: z.number().nullable().describe('seconds, over attempts that reported a time'),
    total_points: z.number().int(),
    experience_points: z.number().int(),
    current_level: z.number().int(),
    jedi_rank: z.string(),
    by_type_and_difficulty: z.array(breakdownRow),
    challenges: z.object({ attempts: z.number().int(), solved: z.number().int() }),
    recent_activity: z.array(
      z.object({
        attempt_id: z.number().int(),
        exercise_id: z.number().int(),
        exercise_title: z.string(),
        exercise_type: z.enum(EXERCISE_TYPES),
        difficulty: z.enum(DIFFICULTIES),
        is_correct: z.boolean(),
        created_at: timestamp,
      }),
    ),
    daily_activity: z.array(z.object({ day: z.string().describe('YYYY-MM-DD (UTC)'), attempts: z.number().int(), correct: z.number().int() })),
  })
  .meta({ id: 'UserStats' });
export type UserStats = z.infer<typeof userStatsSchema>;
