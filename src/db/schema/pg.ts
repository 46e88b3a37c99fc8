// The tables, written once: here, with PostgreSQL's column helpers. sqlite.ts gets a copy of the
// table definitions (below the marker) built on its own helpers; test/db/schema-parity.test.ts
// fails when the copy is stale. Column names are the frontend's field names (snake_case).
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { ACCOUNT_TOKEN_PURPOSES, AGE_GROUPS, CHALLENGE_TYPES, DIFFICULTIES, EXERCISE_TYPES, ROLES, sqlInList } from '../enums.js';

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () =>
  ts('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
const json = (name: string) => jsonb(name).$type<unknown>();
const real = doublePrecision;
/** a 64-bit integer read as a JS number (exact below 2^53) */
const bigNumber = (name: string) => bigint(name, { mode: 'number' });
const oneOf = (name: string, column: unknown, values: readonly string[]) => check(name, sql`${column} in (${sql.raw(sqlInList(values))})`);

// ---- The tables. sqlite.ts copies everything below this line (npm run db:schema). To add a column:
// write it here with the helpers above, then `npm run db:schema` and `npm run db:generate`. ----

export const users = pgTable(
  'users',
  {
    id: id(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    hashed_password: text('hashed_password').notNull(),
    full_name: text('full_name'),
    role: text('role', { enum: ROLES }).notNull().default('padawan'),
    is_active: boolean('is_active').notNull().default(true),
    created_at: createdAt(),
    updated_at: updatedAt(),
    grade_level: integer('grade_level'),
    learning_style: text('learning_style'),
    preferred_difficulty: text('preferred_difficulty'),
    preferred_theme: text('preferred_theme'),
    accessibility_settings: json('accessibility_settings'),
    total_points: integer('total_points').notNull().default(0),
    current_level: integer('current_level').notNull().default(1),
    experience_points: integer('experience_points').notNull().default(0),
    jedi_rank: text('jedi_rank').notNull().default('youngling'),
    avatar_url: text('avatar_url'),
    // raised by a password change or deactivation: access tokens carrying an older one stop working
    token_version: integer('token_version').notNull().default(0),
    // PostgreSQL with read replicas: the primary's WAL position after this user's last write; their
    // reads go only to a replica that has replayed it (src/db/read-routing.ts)
    last_write_lsn: bigNumber('last_write_lsn'),
    // gamification (the original's columns): consecutive active days in APP_TIMEZONE, the last such
    // day as 'YYYY-MM-DD', up to 3 pinned achievement ids, and the leaderboard opt-out
    current_streak: integer('current_streak').notNull().default(0),
    best_streak: integer('best_streak').notNull().default(0),
    last_activity_date: text('last_activity_date'),
    pinned_badge_ids: json('pinned_badge_ids'),
    leaderboard_visible: boolean('leaderboard_visible').notNull().default(true),
    // the address in `email` was proven by a link mailed to it (src/modules/auth/email-verification.ts)
    is_email_verified: boolean('is_email_verified').notNull().default(false),
    // raised by each of the learner's attempts that changes what the catalogue shows them (their
    // first at an exercise, any at a challenge): part of their catalogue ETags (src/plugins/conditional.ts)
    catalogue_version: integer('catalogue_version').notNull().default(0),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    // the all-time leaderboard reads learners by points, most first (the original's index)
    index('idx_users_total_points').on(t.total_points),
    oneOf('users_role_check', t.role, ROLES),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    family_id: text('family_id').notNull(),
    token_hash: text('token_hash').notNull(),
    expires_at: ts('expires_at').notNull(),
    used_at: ts('used_at'),
    revoked_at: ts('revoked_at'),
    created_at: createdAt(),
    // the family's sign-in: refreshing never extends a session past REFRESH_SESSION_MAX_DAYS from it
    session_started_at: ts('session_started_at'),
    // the user's token_version when the family's sign-in read the account: a password change or
    // deactivation after it (which raises users.token_version) ends the family at its next refresh
    token_version: integer('token_version').notNull().default(0),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_key').on(t.token_hash),
    index('idx_refresh_tokens_user_id').on(t.user_id),
    index('idx_refresh_tokens_family_id').on(t.family_id),
  ],
);

// A signed-in device: one sign-in and the family of refresh tokens rotated from it
// (src/modules/auth/sessions.ts). Access tokens carry its id, so ending it refuses them at once.
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // refresh_tokens.family_id of its tokens
    family_id: text('family_id').notNull(),
    created_at: createdAt(),
    // the sign-in or the last refresh (not every request: that would be a write per request)
    last_used_at: ts('last_used_at').notNull().defaultNow(),
    // when its newest refresh token expires: past it the session cannot go on
    expires_at: ts('expires_at').notNull(),
    user_agent: text('user_agent'),
    // the client address as the rate limiter sees it (TRUST_PROXY_HOPS applied)
    ip_address: text('ip_address'),
    // signed out, ended from the list, revoked (reuse, password change…): its tokens are refused
    ended_at: ts('ended_at'),
  },
  (t) => [uniqueIndex('sessions_family_id_key').on(t.family_id), index('idx_sessions_user_id').on(t.user_id)],
);

// Failed sign-ins, counted by the identifier as typed (whether an account has it or not, so the
// answers never tell) and by client address, plus one row per identifier over every address
// (client_key ''). Shared by every instance; rows older than the window are deleted as new
// failures come in (src/modules/auth/throttle.ts).
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: id(),
    // SHA-256 of the trimmed, lower-cased username or email: no typed name is stored
    identifier_hash: text('identifier_hash').notNull(),
    // the client's rate-limit key (an IPv6 address by its /64), or '' for every address together
    client_key: text('client_key').notNull(),
    failures: integer('failures').notNull(),
    window_start: ts('window_start').notNull(),
    last_failure_at: ts('last_failure_at').notNull(),
  },
  (t) => [
    uniqueIndex('sign_in_failures_identifier_client_key').on(t.identifier_hash, t.client_key),
    index('idx_sign_in_failures_last_failure_at').on(t.last_failure_at),
  ],
);

// Single-use links mailed to a user: a password reset or an address verification. Only a SHA-256
// of the token is stored; `email` is the address it was sent to (a verification proves that one only),
// `password_fingerprint` the password hash's fingerprint at issue (a reset dies with any password change).
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    token_hash: text('token_hash').notNull(),
    email: text('email').notNull(),
    password_fingerprint: text('password_fingerprint'),
    expires_at: ts('expires_at').notNull(),
    used_at: ts('used_at'),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex('account_tokens_token_hash_key').on(t.token_hash),
    index('idx_account_tokens_user_purpose').on(t.user_id, t.purpose, t.created_at),
    index('idx_account_tokens_expires_at').on(t.expires_at),
    oneOf('account_tokens_purpose_check', t.purpose, ACCOUNT_TOKEN_PURPOSES),
  ],
);

export const exercises = pgTable(
  'exercises',
  {
    id: id(),
    title: text('title').notNull(),
    creator_id: integer('creator_id').references(() => users.id, { onDelete: 'set null' }),
    exercise_type: text('exercise_type', { enum: EXERCISE_TYPES }).notNull(),
    difficulty: text('difficulty', { enum: DIFFICULTIES }).notNull(),
    tags: text('tags'),
    age_group: text('age_group'),
    context_theme: text('context_theme'),
    // NULL: not rated (the original's complexity is optional); the API's own creates still default to 1
    complexity: integer('complexity').default(1),
    ai_generated: boolean('ai_generated').notNull().default(false),
    question: text('question').notNull(),
    correct_answer: text('correct_answer').notNull(),
    choices: json('choices'),
    explanation: text('explanation'),
    hint: text('hint'),
    image_url: text('image_url'),
    audio_url: text('audio_url'),
    is_active: boolean('is_active').notNull().default(true),
    is_archived: boolean('is_archived').notNull().default(false),
    view_count: integer('view_count').notNull().default(0),
    created_at: createdAt(),
    updated_at: updatedAt(),
    // a learner's generated exercise: seen by that learner and staff only (never the catalogue); last, where its migration put it
    is_private: boolean('is_private').notNull().default(false),
  },
  (t) => [
    index('idx_exercises_type').on(t.exercise_type),
    index('idx_exercises_difficulty').on(t.difficulty),
    index('idx_exercises_creator_id').on(t.creator_id),
    oneOf('exercises_exercise_type_check', t.exercise_type, EXERCISE_TYPES),
    oneOf('exercises_difficulty_check', t.difficulty, DIFFICULTIES),
    check('exercises_complexity_check', sql`${t.complexity} between 1 and 5`),
  ],
);

export const attempts = pgTable(
  'attempts',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    exercise_id: integer('exercise_id')
      .notNull()
      .references(() => exercises.id, { onDelete: 'cascade' }),
    user_answer: text('user_answer').notNull(),
    is_correct: boolean('is_correct').notNull(),
    time_spent: real('time_spent'),
    attempt_number: integer('attempt_number').notNull().default(1),
    hints_used: integer('hints_used').notNull().default(0),
    device_info: text('device_info'),
    created_at: createdAt(),
  },
  (t) => [
    index('idx_attempts_exercise_id').on(t.exercise_id),
    index('idx_attempts_created_at').on(t.created_at),
    // a user's attempts (lists, stats), and at one exercise (attempt_number and "solved before?"
    // on every attempt); it also serves as the index of the user_id foreign key
    index('idx_attempts_user_exercise').on(t.user_id, t.exercise_id),
  ],
);

export const progress = pgTable(
  'progress',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    exercise_type: text('exercise_type', { enum: EXERCISE_TYPES }).notNull(),
    difficulty: text('difficulty', { enum: DIFFICULTIES }).notNull(),
    total_attempts: integer('total_attempts').notNull().default(0),
    correct_attempts: integer('correct_attempts').notNull().default(0),
    // attempts that reported a time_spent: the divisor of average_time
    timed_attempts: integer('timed_attempts').notNull().default(0),
    average_time: real('average_time'),
    completion_rate: real('completion_rate').notNull().default(0),
    streak: integer('streak').notNull().default(0),
    highest_streak: integer('highest_streak').notNull().default(0),
    concept_mastery: json('concept_mastery'),
    learning_curve: json('learning_curve'),
    last_active_date: ts('last_active_date'),
    mastery_level: integer('mastery_level').notNull().default(1),
    awards: json('awards'),
    strengths: text('strengths'),
    areas_to_improve: text('areas_to_improve'),
    recommendations: text('recommendations'),
    last_updated: ts('last_updated').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('progress_user_type_difficulty_key').on(t.user_id, t.exercise_type, t.difficulty),
    oneOf('progress_exercise_type_check', t.exercise_type, EXERCISE_TYPES),
    oneOf('progress_difficulty_check', t.difficulty, DIFFICULTIES),
    check('progress_mastery_level_check', sql`${t.mastery_level} between 1 and 5`),
  ],
);

export const logicChallenges = pgTable(
  'logic_challenges',
  {
    id: id(),
    title: text('title').notNull(),
    description: text('description'),
    challenge_type: text('challenge_type', { enum: CHALLENGE_TYPES }).notNull(),
    age_group: text('age_group', { enum: AGE_GROUPS }).notNull(),
    difficulty: text('difficulty', { enum: DIFFICULTIES }),
    content: text('content'),
    question: text('question'),
    solution: text('solution'),
    correct_answer: text('correct_answer'),
    choices: json('choices'),
    solution_explanation: text('solution_explanation'),
    visual_data: json('visual_data'),
    hints: json('hints'),
    is_active: boolean('is_active').notNull().default(true),
    creator_id: integer('creator_id').references(() => users.id, { onDelete: 'set null' }),
    created_at: createdAt(),
    updated_at: updatedAt(),
    // NULL: not given (the original serves them as null); the API's own creates still get the defaults
    difficulty_rating: real('difficulty_rating').default(3),
    estimated_time_minutes: integer('estimated_time_minutes').default(15),
    success_rate: real('success_rate').default(0),
    image_url: text('image_url'),
    source_reference: text('source_reference'),
    tags: text('tags'),
    is_template: boolean('is_template').notNull().default(false),
    generation_parameters: json('generation_parameters'),
    is_archived: boolean('is_archived').notNull().default(false),
    view_count: integer('view_count').notNull().default(0),
  },
  (t) => [
    index('idx_logic_challenges_type').on(t.challenge_type),
    index('idx_logic_challenges_age_group').on(t.age_group),
    index('idx_logic_challenges_creator_id').on(t.creator_id),
    oneOf('logic_challenges_challenge_type_check', t.challenge_type, CHALLENGE_TYPES),
    oneOf('logic_challenges_age_group_check', t.age_group, AGE_GROUPS),
    oneOf('logic_challenges_difficulty_check', t.difficulty, DIFFICULTIES),
  ],
);

export const logicChallengeAttempts = pgTable(
  'logic_challenge_attempts',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    challenge_id: integer('challenge_id')
      .notNull()
      .references(() => logicChallenges.id, { onDelete: 'cascade' }),
    user_solution: text('user_solution').notNull(),
    is_correct: boolean('is_correct').notNull(),
    time_spent: real('time_spent'),
    hints_used: integer('hints_used').notNull().default(0),
    attempt_number: integer('attempt_number').notNull().default(1),
    notes: text('notes'),
    created_at: createdAt(),
  },
  (t) => [index('idx_logic_challenge_attempts_user_id').on(t.user_id), index('idx_logic_challenge_attempts_challenge_id').on(t.challenge_id)],
);

// Protected legacy tables: created here so a fresh database has them; nothing in the API reads
// them and src/db/protected.ts refuses any migration that drops or alters them.
export const results = pgTable('results', {
  id: id(),
  exercise_id: integer('exercise_id').notNull(),
  is_correct: boolean('is_correct').notNull(),
  attempt_count: integer('attempt_count').default(1),
  time_spent: real('time_spent'),
  created_at: ts('created_at').defaultNow(),
});

export const statistics = pgTable('statistics', {
  id: id(),
  user_id: integer('user_id'),
  session_id: text('session_id').notNull(),
  exercise_type: text('exercise_type'),
  difficulty: text('difficulty').notNull(),
  total_attempts: integer('total_attempts'),
  correct_attempts: integer('correct_attempts').notNull().default(0),
  avg_time: real('avg_time').notNull().default(0),
  last_updated: ts('last_updated'),
});

export const userStats = pgTable('user_stats', {
  id: id(),
  exercise_type: text('exercise_type'),
  difficulty: text('difficulty').notNull(),
  total_attempts: integer('total_attempts'),
  correct_attempts: integer('correct_attempts').default(0),
  last_updated: ts('last_updated'),
});

export const schemaVersion = pgTable('schema_version', {
  version: integer('version').primaryKey(),
});

// The admin dashboard's history: sizes, query statistics and activity captured by `db maintenance`
// or the optional interval (DASHBOARD_SNAPSHOT_MINUTES); pruned to a bounded retention.
export const dashboardSnapshots = pgTable('dashboard_snapshots', {
  id: id(),
  created_at: createdAt(),
  source: text('source').notNull(),
  data: json('data').notNull(),
});

// One row per `db maintenance` run (the Render cron job or a crontab), so health and the admin
// pages can show the last one; steps: [{ name, ok, summary, duration_ms }].
export const maintenanceRuns = pgTable('maintenance_runs', {
  id: id(),
  started_at: ts('started_at').notNull(),
  finished_at: ts('finished_at').notNull(),
  ok: boolean('ok').notNull(),
  steps: json('steps').notNull(),
});

// Badges as the original defines them: `difficulty` is the tier (bronze, silver, gold, legendary),
// `requirements` the original's JSON vocabulary (src/modules/badges/requirements).
export const achievements = pgTable(
  'achievements',
  {
    id: id(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    icon_url: text('icon_url'),
    category: text('category'),
    difficulty: text('difficulty'),
    points_reward: integer('points_reward').notNull().default(0),
    is_secret: boolean('is_secret').notNull().default(false),
    requirements: json('requirements'),
    star_wars_title: text('star_wars_title'),
    is_active: boolean('is_active').notNull().default(true),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex('achievements_code_key').on(t.code), index('idx_achievements_category').on(t.category)],
);

// A badge a learner earned: at most once (the unique key is what makes concurrent awards safe).
export const userAchievements = pgTable(
  'user_achievements',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    achievement_id: integer('achievement_id')
      .notNull()
      .references(() => achievements.id, { onDelete: 'cascade' }),
    earned_at: ts('earned_at').notNull().defaultNow(),
    progress_data: json('progress_data'),
    is_displayed: boolean('is_displayed').notNull().default(true),
  },
  (t) => [
    uniqueIndex('user_achievements_user_achievement_key').on(t.user_id, t.achievement_id),
    // rarity (holders per badge) and badges earned per day
    index('idx_user_achievements_achievement_id').on(t.achievement_id),
    index('idx_user_achievements_earned_at').on(t.earned_at),
  ],
);

// The points ledger: every point a learner gets is a row, written in the transaction that adds it
// to users.total_points. source_type keeps the original's values (exercise_completed,
// logic_challenge_completed, badge_awarded, ...) plus `import` for an import's opening balance.
export const pointEvents = pgTable(
  'point_events',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source_type: text('source_type').notNull(),
    source_id: integer('source_id'),
    points_delta: integer('points_delta').notNull(),
    balance_after: integer('balance_after').notNull(),
    details: json('details'),
    created_at: createdAt(),
  },
  (t) => [
    index('ix_point_events_user_created').on(t.user_id, t.created_at),
    // leaderboards of a rolling period: the rows since a date, summed per learner, read from the
    // index alone (points_delta in it: no visit to the table's rows, measured in BENCHMARKS.md)
    index('ix_point_events_created_user').on(t.created_at, t.user_id, t.points_delta),
  ],
);

// The ledger's points per learner per UTC day (day: whole days since 1970-01-01 UTC, an integer on
// both dialects), kept equal to point_events in the transaction of each of its rows (creditPoints;
// the import and the migration that made it fill it in bulk): the rolling leaderboards sum whole days from here
// and only the partial first day from the ledger (src/modules/badges/leaderboard.ts).
export const pointDays = pgTable(
  'point_days',
  {
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    points: integer('points').notNull(),
  },
  (t) => [
    primaryKey({ name: 'point_days_pkey', columns: [t.user_id, t.day] }),
    // a period's days summed per learner from the index alone
    index('ix_point_days_day_user').on(t.day, t.user_id, t.points),
  ],
);

// Recommended next exercises, with the original's columns: what was recommended and why
// (reason_code + reason_params), how often it was shown and clicked, and when it was completed.
export const recommendations = pgTable(
  'recommendations',
  {
    id: id(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    exercise_id: integer('exercise_id').references(() => exercises.id, { onDelete: 'set null' }),
    challenge_id: integer('challenge_id').references(() => logicChallenges.id, { onDelete: 'set null' }),
    recommendation_type: text('recommendation_type').notNull().default('exercise'),
    // our enums (no CHECK: what the original stored is kept), so the import normalizes its spellings
    exercise_type: text('exercise_type', { enum: EXERCISE_TYPES }).notNull(),
    difficulty: text('difficulty', { enum: DIFFICULTIES }).notNull(),
    priority: integer('priority').notNull().default(5),
    reason: text('reason'),
    reason_code: text('reason_code'),
    reason_params: json('reason_params'),
    is_completed: boolean('is_completed').notNull().default(false),
    shown_count: integer('shown_count').notNull().default(0),
    clicked_count: integer('clicked_count').notNull().default(0),
    last_shown_at: ts('last_shown_at'),
    last_clicked_at: ts('last_clicked_at'),
    completed_at: ts('completed_at'),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  (t) => [
    index('ix_recommendations_user_completed').on(t.user_id, t.is_completed),
    index('idx_recommendations_exercise_id').on(t.exercise_id),
    index('idx_recommendations_challenge_id').on(t.challenge_id),
  ],
);

// Erased accounts (src/domain/accounts/erase.ts), so that `db restore` of an older backup erases them
// again (src/ops/backup-restore/erasures-after-restore.ts). No personal data: the id and a keyed fingerprint of the
// id with the account's creation time, which tells the erased person from a later one given the same id.
export const erasedAccounts = pgTable(
  'erased_accounts',
  {
    id: id(),
    user_id: integer('user_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    erased_at: ts('erased_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('erased_accounts_user_fingerprint_key').on(t.user_id, t.fingerprint)],
);

// A version per catalogue ('exercises', 'challenges'), raised by database triggers in the transaction
// of every write to its content (not by the view counts or challenge statistics): the catalogue
// ETags come from it, so every instance agrees (src/plugins/conditional.ts). No row yet: never
// written; the first write starts it at a random number, so a database made again never repeats
// the validators of the one before.
export const contentVersions = pgTable('content_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

// One row per `db import` that committed, written in the import's own transaction (a failed or
// interrupted run leaves none): when it ran, from where (a path, or a URL without its password), how
// many rows went into our tables. Describes this database, not the data: never imported itself
// (src/ops/import/plan.ts NOT_IMPORTED_TABLES). /metrics reads the last one (src/ops/measure/upkeep.ts).
export const importRuns = pgTable('import_runs', {
  id: id(),
  started_at: ts('started_at').notNull(),
  finished_at: ts('finished_at').notNull(),
  source: text('source').notNull(),
  rows: integer('rows').notNull(),
});
