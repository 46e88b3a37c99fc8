// SQLite tables. Same table and property names as ./pg.ts; test/db/schema-parity.test.ts keeps
// the two from drifting. Timestamps are integers (milliseconds since the epoch, UTC), which
// drizzle maps to Date, so the API's JSON is the same ISO-8601 text on both dialects.
import { sql } from 'drizzle-orm';
import { check, index, integer, real as sqliteReal, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { AGE_GROUPS, CHALLENGE_TYPES, DIFFICULTIES, EXERCISE_TYPES, ROLES, sqlInList } from '../enums.js';

const NOW_MS = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const id = () => integer('id').primaryKey({ autoIncrement: true });
const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });
const createdAt = () => ts('created_at').notNull().default(NOW_MS);
const updatedAt = () =>
  ts('updated_at')
    .notNull()
    .default(NOW_MS)
    .$onUpdate(() => new Date());
const json = (name: string) => text(name, { mode: 'json' }).$type<unknown>();
const boolean = (name: string) => integer(name, { mode: 'boolean' });
const real = sqliteReal;
const oneOf = (name: string, column: unknown, values: readonly string[]) =>
  check(name, sql`${column} in (${sql.raw(sqlInList(values))})`);

export const users = sqliteTable(
  'users',
  {
    id: id(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    hashedPassword: text('hashed_password').notNull(),
    fullName: text('full_name'),
    role: text('role').notNull().default('padawan'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    gradeLevel: integer('grade_level'),
    learningStyle: text('learning_style'),
    preferredDifficulty: text('preferred_difficulty'),
    preferredTheme: text('preferred_theme'),
    accessibilitySettings: json('accessibility_settings'),
    totalPoints: integer('total_points').notNull().default(0),
    currentLevel: integer('current_level').notNull().default(1),
    experiencePoints: integer('experience_points').notNull().default(0),
    jediRank: text('jedi_rank').notNull().default('youngling'),
    avatarUrl: text('avatar_url'),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    oneOf('users_role_check', t.role, ROLES),
  ],
);

export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_key').on(t.tokenHash),
    index('idx_refresh_tokens_user_id').on(t.userId),
    index('idx_refresh_tokens_family_id').on(t.familyId),
  ],
);

export const exercises = sqliteTable(
  'exercises',
  {
    id: id(),
    title: text('title').notNull(),
    creatorId: integer('creator_id').references(() => users.id, { onDelete: 'set null' }),
    exerciseType: text('exercise_type').notNull(),
    difficulty: text('difficulty').notNull(),
    tags: text('tags'),
    ageGroup: text('age_group'),
    contextTheme: text('context_theme'),
    complexity: integer('complexity').notNull().default(1),
    aiGenerated: boolean('ai_generated').notNull().default(false),
    question: text('question').notNull(),
    correctAnswer: text('correct_answer').notNull(),
    choices: json('choices'),
    explanation: text('explanation'),
    hint: text('hint'),
    imageUrl: text('image_url'),
    audioUrl: text('audio_url'),
    isActive: boolean('is_active').notNull().default(true),
    isArchived: boolean('is_archived').notNull().default(false),
    viewCount: integer('view_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('idx_exercises_type').on(t.exerciseType),
    index('idx_exercises_difficulty').on(t.difficulty),
    index('idx_exercises_creator_id').on(t.creatorId),
    oneOf('exercises_exercise_type_check', t.exerciseType, EXERCISE_TYPES),
    oneOf('exercises_difficulty_check', t.difficulty, DIFFICULTIES),
    check('exercises_complexity_check', sql`${t.complexity} between 1 and 5`),
  ],
);

export const attempts = sqliteTable(
  'attempts',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    exerciseId: integer('exercise_id')
      .notNull()
      .references(() => exercises.id, { onDelete: 'cascade' }),
    userAnswer: text('user_answer').notNull(),
    isCorrect: boolean('is_correct').notNull(),
    timeSpent: real('time_spent'),
    attemptNumber: integer('attempt_number').notNull().default(1),
    hintsUsed: integer('hints_used').notNull().default(0),
    deviceInfo: text('device_info'),
    createdAt: createdAt(),
  },
  (t) => [
    index('idx_attempts_user_id').on(t.userId),
    index('idx_attempts_exercise_id').on(t.exerciseId),
    index('idx_attempts_created_at').on(t.createdAt),
  ],
);

export const progress = sqliteTable(
  'progress',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    exerciseType: text('exercise_type').notNull(),
    difficulty: text('difficulty').notNull(),
    totalAttempts: integer('total_attempts').notNull().default(0),
    correctAttempts: integer('correct_attempts').notNull().default(0),
    // attempts that reported a time_spent: the divisor of average_time
    timedAttempts: integer('timed_attempts').notNull().default(0),
    averageTime: real('average_time'),
    completionRate: real('completion_rate').notNull().default(0),
    streak: integer('streak').notNull().default(0),
    highestStreak: integer('highest_streak').notNull().default(0),
    conceptMastery: json('concept_mastery'),
    learningCurve: json('learning_curve'),
    lastActiveDate: ts('last_active_date'),
    masteryLevel: integer('mastery_level').notNull().default(1),
    awards: json('awards'),
    strengths: text('strengths'),
    areasToImprove: text('areas_to_improve'),
    recommendations: text('recommendations'),
    lastUpdated: ts('last_updated').notNull().default(NOW_MS),
  },
  (t) => [
    uniqueIndex('progress_user_type_difficulty_key').on(t.userId, t.exerciseType, t.difficulty),
    oneOf('progress_exercise_type_check', t.exerciseType, EXERCISE_TYPES),
    oneOf('progress_difficulty_check', t.difficulty, DIFFICULTIES),
    check('progress_mastery_level_check', sql`${t.masteryLevel} between 1 and 5`),
  ],
);

export const logicChallenges = sqliteTable(
  'logic_challenges',
  {
    id: id(),
    title: text('title').notNull(),
    description: text('description'),
    challengeType: text('challenge_type').notNull(),
    ageGroup: text('age_group').notNull(),
    difficulty: text('difficulty'),
    content: text('content'),
    question: text('question'),
    solution: text('solution'),
    correctAnswer: text('correct_answer'),
    choices: json('choices'),
    solutionExplanation: text('solution_explanation'),
    visualData: json('visual_data'),
    hints: json('hints'),
    isActive: boolean('is_active').notNull().default(true),
    creatorId: integer('creator_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    difficultyRating: real('difficulty_rating').notNull().default(3),
    estimatedTimeMinutes: integer('estimated_time_minutes').notNull().default(15),
    successRate: real('success_rate').notNull().default(0),
    imageUrl: text('image_url'),
    sourceReference: text('source_reference'),
    tags: text('tags'),
    isTemplate: boolean('is_template').notNull().default(false),
    generationParameters: json('generation_parameters'),
    isArchived: boolean('is_archived').notNull().default(false),
    viewCount: integer('view_count').notNull().default(0),
  },
  (t) => [
    index('idx_logic_challenges_type').on(t.challengeType),
    index('idx_logic_challenges_age_group').on(t.ageGroup),
    index('idx_logic_challenges_creator_id').on(t.creatorId),
    oneOf('logic_challenges_challenge_type_check', t.challengeType, CHALLENGE_TYPES),
    oneOf('logic_challenges_age_group_check', t.ageGroup, AGE_GROUPS),
    oneOf('logic_challenges_difficulty_check', t.difficulty, DIFFICULTIES),
  ],
);

export const logicChallengeAttempts = sqliteTable(
  'logic_challenge_attempts',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    challengeId: integer('challenge_id')
      .notNull()
      .references(() => logicChallenges.id, { onDelete: 'cascade' }),
    userSolution: text('user_solution').notNull(),
    isCorrect: boolean('is_correct').notNull(),
    timeSpent: real('time_spent'),
    hintsUsed: integer('hints_used').notNull().default(0),
    attemptNumber: integer('attempt_number').notNull().default(1),
    notes: text('notes'),
    createdAt: createdAt(),
  },
  (t) => [
    index('idx_logic_challenge_attempts_user_id').on(t.userId),
    index('idx_logic_challenge_attempts_challenge_id').on(t.challengeId),
  ],
);

// Protected legacy tables: created here so a fresh database has them; nothing in the API reads
// them and src/db/protected.ts refuses any migration that drops or alters them.
export const results = sqliteTable('results', {
  id: id(),
  exerciseId: integer('exercise_id').notNull(),
  isCorrect: boolean('is_correct').notNull(),
  attemptCount: integer('attempt_count').default(1),
  timeSpent: real('time_spent'),
  createdAt: ts('created_at').default(NOW_MS),
});

export const statistics = sqliteTable('statistics', {
  id: id(),
  userId: integer('user_id'),
  sessionId: text('session_id').notNull(),
  exerciseType: text('exercise_type'),
  difficulty: text('difficulty').notNull(),
  totalAttempts: integer('total_attempts'),
  correctAttempts: integer('correct_attempts').notNull().default(0),
  avgTime: real('avg_time').notNull().default(0),
  lastUpdated: ts('last_updated'),
});

export const userStats = sqliteTable('user_stats', {
  id: id(),
  exerciseType: text('exercise_type'),
  difficulty: text('difficulty').notNull(),
  totalAttempts: integer('total_attempts'),
  correctAttempts: integer('correct_attempts').default(0),
  lastUpdated: ts('last_updated'),
});

export const schemaVersion = sqliteTable('schema_version', {
  version: integer('version').primaryKey(),
});
