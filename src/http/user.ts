// A user as the API shows it (auth, cookie-auth, mail-links and users answer it): the output
// schema and the mapping from a users row, with no password hash and no internal counter.
import { z } from 'zod';
import type { Tables } from '../db/client.js';
import { ROLES } from '../db/enums.js';
import { timestamp } from './schemas.js';

/** A user as the API shows it: never the password hash. */
export const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    full_name: z.string().nullable(),
    role: z.enum(ROLES),
    is_active: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
    grade_level: z.number().int().nullable(),
    learning_style: z.string().nullable(),
    preferred_difficulty: z.string().nullable(),
    preferred_theme: z.string().nullable(),
    accessibility_settings: z.unknown().nullable(),
    total_points: z.number().int(),
    current_level: z.number().int(),
    experience_points: z.number().int(),
    jedi_rank: z.string(),
    avatar_url: z.string().nullable(),
    current_streak: z.number().int().describe('consecutive active days as of the last active day (GET /api/users/me/badges says whether it is still alive)'),
    best_streak: z.number().int(),
    last_activity_date: z.string().nullable().describe('YYYY-MM-DD in APP_TIMEZONE'),
    leaderboard_visible: z.boolean().describe('false: neither shown nor ranked on leaderboards'),
    is_email_verified: z.boolean().describe('the address was proven by a link mailed to it (sign-up, change of address, or a password reset)'),
  })
  .meta({ id: 'User' });
export type PublicUser = z.infer<typeof userSchema>;

export type UserRow = Tables['users']['$inferSelect'];

export function toPublicUser(row: UserRow): PublicUser {
  const { hashed_password: _never, token_version: _internal, ...rest } = row;
  return rest;
}
