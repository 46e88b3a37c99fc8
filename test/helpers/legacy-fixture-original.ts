// Databases as the original Python app (zyclope0/mathakine) wrote them, written from its models and
// Alembic migrations at two points of its history:
// - `2025-06` (revision 20250513_baseline): enum NAMES as SQLAlchemy stores them (ADDITION,
//   INITIE, AGE_9_12, GROUP_10_12, ENFANT, ALL_AGES…), passlib bcrypt hashes ($2b$12$),
//   achievements/notifications/settings/user_sessions/recommendations we do not model;
// - `2026-04` (revision 20260416_feedback_context): difficulty GRAND_MAITRE, age groups GROUP_6_8,
//   GROUP_15_17, ADULT, many more user columns (streaks, onboarding, email verification…), some
//   twenty more tables (point_events, daily_challenges, diagnostic_results, spaced repetition…).
// Each is built as a SQLite file (SQLAlchemy's SQLite types: 0/1 booleans, text datetimes, JSON
// text) or as a PostgreSQL database (native enum types holding the uppercase names, timestamptz,
// jsonb, alembic_version), from the same description.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

export type OriginalVersion = '2025-06' | '2026-04';

/** Column kinds of the original's models; `enum:NAME` is a native PostgreSQL enum type there. */
type Kind = 'int' | 'float' | 'bool' | 'text' | 'ts' | 'date' | 'json' | `enum:${string}`;

interface TableFixture {
  name: string;
  columns: [name: string, kind: Kind][];
  /** the single-column primary key (`id` unless told) */
  key?: string;
  rows: unknown[][];
}

export interface OriginalFixture {
  version: OriginalVersion;
  revision: string;
  enums: Record<string, string[]>;
  tables: TableFixture[];
}

/** The learners' passwords, as the original hashed them with bcrypt (cost 12 and 10). */
export const ORIGINAL_PASSWORDS = { obiwan: 'Maitre-Yoda-2026', luke: 'Padawan-2025!' } as const;
// cost 10 for the maitre, whose sign-in only opens the API checks (bcryptjs is slow at cost 12)
const OBIWAN_BCRYPT = '$2b$10$rPXaq00DW9VWOznBtEisNOA1fu3lqpOqX.2Oy9T/eFmMHHWMLq1PC';
const LUKE_BCRYPT = '$2b$12$CEJq4ZT5Kou5GFqBMIJjau0xAQ3meVZpxvGFoVa1KW6WGc9ludxf.';
// the same hash under the other prefixes bcrypt implementations wrote ($2a$: passlib before 2014, $2y$: PHP)
const LUKE_BCRYPT_10 = '$2b$10$OV31Qx5nwSWP6l0p9.r66.XtPNNtn7bY3tH8nZXYl5GjfvzF70.He';
export const BCRYPT_HASHES = {
  obiwan: OBIWAN_BCRYPT,
  luke: LUKE_BCRYPT,
  rey: LUKE_BCRYPT_10.replace('$2b$', '$2y$'),
  finn: LUKE_BCRYPT_10.replace('$2b$', '$2a$'),
};

const ENUMS_2025 = {
  userrole: ['PADAWAN', 'MAITRE', 'GARDIEN', 'ARCHIVISTE'],
  exercisetype: ['ADDITION', 'SOUSTRACTION', 'MULTIPLICATION', 'DIVISION', 'FRACTIONS', 'GEOMETRIE', 'TEXTE', 'MIXTE', 'DIVERS'],
  difficultylevel: ['INITIE', 'PADAWAN', 'CHEVALIER', 'MAITRE'],
  logicchallengetype: ['SEQUENCE', 'PATTERN', 'VISUAL', 'PUZZLE', 'RIDDLE', 'DEDUCTION', 'SPATIAL', 'PROBABILITY', 'GRAPH', 'CODING', 'CHESS', 'CUSTOM'],
  agegroup: ['ENFANT', 'ADOLESCENT', 'ADULTE', 'AGE_9_12', 'AGE_12_13', 'AGE_13_PLUS', 'GROUP_10_12', 'GROUP_13_15', 'ALL_AGES'],
};
const ENUMS_2026 = {
  ...ENUMS_2025,
  difficultylevel: [...ENUMS_2025.difficultylevel, 'GRAND_MAITRE'],
  agegroup: ['GROUP_6_8', 'GROUP_10_12', 'GROUP_13_15', 'GROUP_15_17', 'ADULT', 'ALL_AGES'],
};

const USERS_2025: TableFixture['columns'] = [
  ['id', 'int'],
  ['username', 'text'],
  ['email', 'text'],
  ['hashed_password', 'text'],
  ['full_name', 'text'],
  ['role', 'enum:userrole'],
  ['is_active', 'bool'],
  ['created_at', 'ts'],
  ['updated_at', 'ts'],
  ['grade_level', 'int'],
  ['learning_style', 'text'],
  ['preferred_difficulty', 'text'],
  ['preferred_theme', 'text'],
  ['accessibility_settings', 'text'],
  ['total_points', 'int'],
  ['current_level', 'int'],
  ['experience_points', 'int'],
  ['jedi_rank', 'text'],
  ['avatar_url', 'text'],
];
const USERS_2026_EXTRA: TableFixture['columns'] = [
  ['is_email_verified', 'bool'],
  ['email_verification_token', 'text'],
  ['password_reset_token', 'text'],
  ['password_changed_at', 'ts'],
  ['grade_system', 'text'],
  ['age_group', 'text'],
  ['onboarding_completed_at', 'ts'],
  ['learning_goal', 'text'],
  ['pinned_badge_ids', 'json'],
  ['current_streak', 'int'],
  ['best_streak', 'int'],
  ['last_activity_date', 'date'],
];
const EXERCISES: TableFixture['columns'] = [
  ['id', 'int'],
  ['title', 'text'],
  ['creator_id', 'int'],
  ['exercise_type', 'enum:exercisetype'],
  ['difficulty', 'enum:difficultylevel'],
  ['tags', 'text'],
  ['age_group', 'text'],
  ['question', 'text'],
  ['correct_answer', 'text'],
  ['choices', 'json'],
  ['explanation', 'text'],
  ['ai_generated', 'bool'],
  ['is_active', 'bool'],
  ['is_archived', 'bool'],
  ['view_count', 'int'],
  ['created_at', 'ts'],
  ['updated_at', 'ts'],
];
const ATTEMPTS: TableFixture['columns'] = [
  ['id', 'int'],
  ['user_id', 'int'],
  ['exercise_id', 'int'],
  ['user_answer', 'text'],
  ['is_correct', 'bool'],
  ['time_spent', 'float'],
  ['attempt_number', 'int'],
  ['hints_used', 'int'],
  ['device_info', 'text'],
  ['created_at', 'ts'],
];
const PROGRESS: TableFixture['columns'] = [
  ['id', 'int'],
  ['user_id', 'int'],
  ['exercise_type', 'enum:exercisetype'],
  ['difficulty', 'enum:difficultylevel'],
  ['total_attempts', 'int'],
  ['correct_attempts', 'int'],
  ['average_time', 'float'],
  ['completion_rate', 'float'],
  ['streak', 'int'],
  ['highest_streak', 'int'],
  ['concept_mastery', 'json'],
  ['last_active_date', 'ts'],
  ['mastery_level', 'int'],
  ['last_updated', 'ts'],
];
const CHALLENGES: TableFixture['columns'] = [
  ['id', 'int'],
  ['title', 'text'],
  ['description', 'text'],
  ['challenge_type', 'enum:logicchallengetype'],
  ['age_group', 'enum:agegroup'],
  ['difficulty', 'text'],
  ['question', 'text'],
  ['correct_answer', 'text'],
  ['choices', 'json'],
  ['hints', 'json'],
  ['is_active', 'bool'],
  ['creator_id', 'int'],
  ['created_at', 'ts'],
  ['difficulty_rating', 'float'],
  ['estimated_time_minutes', 'int'],
  ['success_rate', 'float'],
  ['is_template', 'bool'],
  ['is_archived', 'bool'],
  ['view_count', 'int'],
];
const CHALLENGE_ATTEMPTS: TableFixture['columns'] = [
  ['id', 'int'],
  ['user_id', 'int'],
  ['challenge_id', 'int'],
  ['user_solution', 'text'],
  ['is_correct', 'bool'],
  ['time_spent', 'float'],
  ['hints_used', 'int'],
  ['attempt_number', 'int'],
  ['notes', 'text'],
  ['created_at', 'ts'],
];

const user2025 = (id: number, name: string, role: string, hash: string, extra: unknown[] = []) => [
  id,
  name,
  `${name}@jedi.example`,
  hash,
  `${name[0].toUpperCase()}${name.slice(1)}`,
  role,
  true,
  `2025-06-0${id} 09:00:00.12345${id}`,
  null,
  5,
  'visuel',
  'padawan',
  'dark',
  id === 1 ? '{"high_contrast": true, "font": "large"}' : null,
  120 * id,
  id,
  40 * id,
  'youngling',
  null,
  ...extra,
];

function fixture2025(): OriginalFixture {
  return {
    version: '2025-06',
    revision: '20250513_baseline',
    enums: ENUMS_2025,
    tables: [
      {
        name: 'users',
        columns: USERS_2025,
        rows: [
          user2025(1, 'obiwan', 'MAITRE', OBIWAN_BCRYPT),
          user2025(2, 'luke', 'PADAWAN', LUKE_BCRYPT),
          user2025(3, 'rey', 'PADAWAN', BCRYPT_HASHES.rey),
          user2025(4, 'finn', 'PADAWAN', BCRYPT_HASHES.finn),
        ],
      },
      {
        name: 'exercises',
        columns: EXERCISES,
        rows: [
          [
            1,
            'Droïdes de Tatooine',
            1,
            'ADDITION',
            'INITIE',
            'calcul',
            '6-8',
            '7 + 5 ?',
            '12',
            '["11", "12", "13"]',
            '7 + 5 = 12',
            false,
            true,
            false,
            3,
            '2025-06-02 10:00:00.5',
            null,
          ],
          [
            2,
            'Sabres laser',
            1,
            'MULTIPLICATION',
            'CHEVALIER',
            null,
            null,
            '6 × 7 ?',
            '42',
            null,
            null,
            true,
            true,
            false,
            0,
            '2025-06-02 10:05:00',
            '2025-06-03 08:00:00',
          ],
          [3, 'Kyber', null, 'DIVISION', 'MAITRE', null, null, '144 ÷ 12 ?', '12', null, null, false, true, true, 1, '2025-06-02 10:10:00', null],
        ],
      },
      {
        name: 'attempts',
        columns: ATTEMPTS,
        rows: [
          [1, 2, 1, '12', true, 4.25, 1, 0, 'Firefox', '2025-06-04 16:00:00.000001'],
          [2, 2, 2, '41', false, 12.5, 1, 1, null, '2025-06-04 16:01:00'],
          [3, 3, 2, '42', true, null, 2, 0, null, '2025-06-05 08:30:00'],
        ],
      },
      {
        name: 'progress',
        columns: PROGRESS,
        rows: [[1, 2, 'ADDITION', 'INITIE', 2, 1, 8.375, 50, 1, 1, '{"addition": 0.5}', '2025-06-04 16:01:00', 1, '2025-06-04 16:01:00']],
      },
      {
        name: 'logic_challenges',
        columns: CHALLENGES,
        rows: [
          [
            1,
            'Suite des cristaux',
            'Trouve la suite',
            'SEQUENCE',
            'AGE_9_12',
            'padawan',
            '2, 4, 8, ?',
            '16',
            null,
            '["double"]',
            true,
            1,
            '2025-06-03 12:00:00',
            2.5,
            10,
            0.4,
            false,
            false,
            2,
          ],
          [
            2,
            'Motif des étoiles',
            'Motif',
            'PATTERN',
            'GROUP_10_12',
            'initie',
            'Quel motif ?',
            'B',
            '["A", "B"]',
            null,
            true,
            1,
            '2025-06-03 12:00:00',
            3,
            15,
            0,
            false,
            false,
            0,
          ],
          [
            3,
            'Énigme de Yoda',
            'Énigme',
            'RIDDLE',
            'ALL_AGES',
            null,
            'Qui suis-je ?',
            'Yoda',
            null,
            null,
            true,
            null,
            '2025-06-03 12:00:00',
            4,
            20,
            0,
            false,
            false,
            0,
          ],
          [4, 'Déduction', 'Grille', 'DEDUCTION', 'ENFANT', 'chevalier', '?', 'R2', null, null, true, null, '2025-06-03 12:00:00', 1, 5, 0, true, false, 0],
          [5, 'Visuel', 'Rotation', 'VISUAL', 'AGE_13_PLUS', 'maitre', '?', '90', null, null, false, null, '2025-06-03 12:00:00', 5, 30, 1, false, true, 9],
        ],
      },
      {
        name: 'logic_challenge_attempts',
        columns: CHALLENGE_ATTEMPTS,
        rows: [[1, 2, 1, '16', true, 30.5, 1, 1, 'facile', '2025-06-05 09:00:00']],
      },
      {
        // app/models/achievement.py: `difficulty` is the tier, `requirements` the badge engine's JSON
        name: 'achievements',
        columns: [
          ['id', 'int'],
          ['code', 'text'],
          ['name', 'text'],
          ['description', 'text'],
          ['icon_url', 'text'],
          ['category', 'text'],
          ['difficulty', 'text'],
          ['points_reward', 'int'],
          ['is_secret', 'bool'],
          ['requirements', 'json'],
          ['star_wars_title', 'text'],
          ['is_active', 'bool'],
          ['created_at', 'ts'],
        ],
        rows: [
          [
            1,
            'first_steps',
            'Premiers pas',
            'Première tentative',
            null,
            'progression',
            'bronze',
            10,
            false,
            '{"attempts_count": 1}',
            'Éveil de la Force',
            true,
            '2025-06-01 00:00:00',
          ],
          [
            2,
            'padawan_path',
            'Voie du Padawan',
            '10 tentatives',
            null,
            'progression',
            'silver',
            50,
            false,
            '{"attempts_count": 10}',
            'Padawan',
            true,
            '2025-06-01 00:00:00',
          ],
          [
            3,
            'trio',
            'Trois essais',
            '3 tentatives',
            '/badges/trio.svg',
            'progression',
            'bronze',
            15,
            false,
            '{"attempts_count": 3}',
            null,
            true,
            '2025-06-01 00:00:00',
          ],
          // a rule the badge engine never knew: imported, reported, never awarded
          [
            4,
            'holocron',
            'Holocron',
            null,
            null,
            'special',
            'legendary',
            100,
            true,
            '{"holocrons_found": 1}',
            'Gardien du Holocron',
            true,
            '2025-06-01 00:00:00',
          ],
        ],
      },
      {
        name: 'user_achievements',
        columns: [
          ['id', 'int'],
          ['user_id', 'int'],
          ['achievement_id', 'int'],
          ['earned_at', 'ts'],
          ['progress_data', 'json'],
          ['is_displayed', 'bool'],
        ],
        rows: [
          [1, 2, 1, '2025-06-04 16:00:01', null, true],
          [2, 1, 1, '2025-06-02 09:00:00', '{"attempts_count": 1}', true],
        ],
      },
      {
        name: 'user_sessions',
        columns: [
          ['id', 'int'],
          ['user_id', 'int'],
          ['session_token', 'text'],
          ['ip_address', 'text'],
          ['expires_at', 'ts'],
          ['is_active', 'bool'],
        ],
        rows: [[1, 2, 'tok-\t-with-tab\nand newline \\ backslash', '10.0.0.1', '2025-06-05 16:00:00', false]],
      },
      {
        name: 'notifications',
        columns: [
          ['id', 'int'],
          ['user_id', 'int'],
          ['type', 'text'],
          ['title', 'text'],
          ['message', 'text'],
          ['is_read', 'bool'],
          ['created_at', 'ts'],
        ],
        rows: [[1, 2, 'achievement', 'Bravo !', 'Premier badge « Premiers pas » 🎉', false, '2025-06-04 16:00:02']],
      },
      {
        name: 'settings',
        columns: [
          ['id', 'int'],
          ['key', 'text'],
          ['value', 'text'],
          ['category', 'text'],
          ['is_public', 'bool'],
        ],
        rows: [[1, 'maintenance_mode', 'false', 'system', true]],
      },
      {
        name: 'recommendations',
        columns: [
          ['id', 'int'],
          ['user_id', 'int'],
          ['exercise_id', 'int'],
          ['exercise_type', 'enum:exercisetype'],
          ['difficulty', 'enum:difficultylevel'],
          ['priority', 'int'],
          ['reason', 'text'],
          ['is_completed', 'bool'],
        ],
        rows: [[1, 2, 2, 'MULTIPLICATION', 'CHEVALIER', 8, 'À revoir', false]],
      },
    ],
  };
}

function fixture2026(): OriginalFixture {
  const base = fixture2025();
  const table = (name: string) => base.tables.find((t) => t.name === name)!;
  const users = table('users');
  users.columns = [...USERS_2025, ...USERS_2026_EXTRA];
  const extras = (id: number) => [
    id !== 4,
    null,
    id === 3 ? 'reset-me' : null,
    id === 1 ? '2026-02-01 10:00:00.654321' : null,
    'FR',
    id === 2 ? '9-11' : null,
    '2026-02-10 18:00:00',
    'reviser',
    id === 1 ? '[3, 1]' : null,
    id * 2,
    id * 3,
    `2026-04-2${id}`,
  ];
  users.rows = users.rows.map((row) => [...row, ...extras(row[0] as number)]);
  table('exercises').rows.push([
    4,
    'Hyperespace',
    1,
    'FRACTIONS',
    'GRAND_MAITRE',
    null,
    'adulte',
    '3/4 + 5/6 ?',
    '19/12',
    null,
    null,
    true,
    true,
    false,
    0,
    '2026-03-01 12:00:00',
    null,
  ]);
  const challenges = table('logic_challenges');
  challenges.columns = [...CHALLENGES, ['difficulty_tier', 'int']];
  challenges.rows = [
    [
      1,
      'Suite des cristaux',
      'Trouve la suite',
      'SEQUENCE',
      'GROUP_10_12',
      'PADAWAN',
      '2, 4, 8, ?',
      '16',
      null,
      '["double"]',
      true,
      1,
      '2025-06-03 12:00:00',
      2.5,
      10,
      0.4,
      false,
      false,
      2,
      4,
    ],
    [
      2,
      'Motif des étoiles',
      'Motif',
      'PATTERN',
      'GROUP_6_8',
      'INITIE',
      'Quel motif ?',
      'B',
      '["A", "B"]',
      null,
      true,
      1,
      '2025-06-03 12:00:00',
      3,
      15,
      0,
      false,
      false,
      0,
      1,
    ],
    [
      3,
      'Énigme de Yoda',
      'Énigme',
      'RIDDLE',
      'ALL_AGES',
      null,
      'Qui suis-je ?',
      'Yoda',
      null,
      null,
      true,
      null,
      '2025-06-03 12:00:00',
      4,
      20,
      0,
      false,
      false,
      0,
      null,
    ],
    [4, 'Déduction', 'Grille', 'DEDUCTION', 'GROUP_15_17', 'MAITRE', '?', 'R2', null, null, true, null, '2025-06-03 12:00:00', 1, 5, 0, true, false, 0, 12],
    [5, 'Visuel', 'Rotation', 'VISUAL', 'ADULT', 'GRAND_MAITRE', '?', '90', null, null, false, null, '2025-06-03 12:00:00', 5, 30, 1, false, true, 9, 15],
    [6, 'Probabilités', 'Dés', 'PROBABILITY', 'GROUP_13_15', 'CHEVALIER', '?', '1/6', null, null, true, 1, '2026-03-02 12:00:00', 3, 10, 0, false, false, 0, 9],
  ];
  challenges.columns = challenges.columns.map(([name, kind]) => [name, name === 'difficulty' ? 'enum:difficultylevel' : kind]);
  base.tables.push(
    {
      name: 'point_events',
      columns: [
        ['id', 'int'],
        ['user_id', 'int'],
        ['source_type', 'text'],
        ['source_id', 'int'],
        ['points_delta', 'int'],
        ['balance_after', 'int'],
        ['details', 'json'],
        ['created_at', 'ts'],
      ],
      // app/services/gamification: PointEventSourceType values; the ledger began long after the first points
      rows: [
        [1, 2, 'exercise_completed', 1, 10, 130, '{"exercise_type": "addition"}', '2026-04-01 10:00:00'],
        [2, 2, 'badge_awarded', 1, 10, 140, '{"code": "first_steps", "name": "Premiers pas"}', '2026-04-01 10:00:01'],
      ],
    },
    {
      name: 'daily_challenges',
      columns: [
        ['id', 'int'],
        ['user_id', 'int'],
        ['challenge_date', 'date'],
        ['challenge_type', 'text'],
        ['target_count', 'int'],
        ['completed_count', 'int'],
        ['status', 'text'],
        ['bonus_points', 'int'],
      ],
      rows: [[1, 2, '2026-04-20', 'volume_exercises', 5, 2, 'pending', 20]],
    },
    {
      name: 'diagnostic_results',
      columns: [
        ['id', 'int'],
        ['user_id', 'int'],
        ['triggered_from', 'text'],
        ['scores', 'json'],
        ['completed_at', 'ts'],
        ['questions_asked', 'int'],
      ],
      rows: [[1, 2, 'onboarding', '{"addition": {"level": 2, "difficulty": "PADAWAN"}}', '2026-02-10 18:05:00', 12]],
    },
    {
      name: 'spaced_repetition_items',
      columns: [
        ['id', 'int'],
        ['user_id', 'int'],
        ['exercise_id', 'int'],
        ['ease_factor', 'float'],
        ['interval_days', 'int'],
        ['repetition_count', 'int'],
        ['next_review_date', 'date'],
      ],
      rows: [[1, 2, 2, 2.36, 6, 3, '2026-04-30']],
    },
    {
      name: 'feedback_reports',
      columns: [
        ['id', 'int'],
        ['user_id', 'int'],
        ['feedback_type', 'text'],
        ['page_url', 'text'],
        ['description', 'text'],
        ['status', 'text'],
        ['created_at', 'ts'],
      ],
      rows: [[1, null, 'bug', '/exercises/2', "L'énoncé dit « 6 × 7 »", 'new', '2026-04-16 11:00:00']],
    },
    {
      name: 'results',
      columns: [
        ['id', 'int'],
        ['exercise_id', 'int'],
        ['is_correct', 'bool'],
        ['attempt_count', 'int'],
        ['time_spent', 'float'],
        ['created_at', 'ts'],
      ],
      rows: [[1, 1, true, 1, 3.5, '2026-02-22 09:00:00']],
    },
    {
      name: 'user_stats',
      columns: [
        ['id', 'int'],
        ['exercise_type', 'text'],
        ['difficulty', 'text'],
        ['total_attempts', 'int'],
        ['correct_attempts', 'int'],
        ['last_updated', 'ts'],
      ],
      rows: [[1, 'addition', 'initie', 2, 1, '2026-02-22 09:00:00']],
    },
  );
  return { ...base, version: '2026-04', revision: '20260416_feedback_context', enums: ENUMS_2026 };
}

export function originalFixture(version: OriginalVersion): OriginalFixture {
  return version === '2025-06' ? fixture2025() : fixture2026();
}

const quote = (name: string) => `"${name}"`;

const SQLITE_TYPES: Record<string, string> = { int: 'INTEGER', float: 'FLOAT', bool: 'BOOLEAN', text: 'VARCHAR', ts: 'DATETIME', date: 'DATE', json: 'JSON' };
const PG_TYPES: Record<string, string> = {
  int: 'integer',
  float: 'double precision',
  bool: 'boolean',
  text: 'character varying',
  ts: 'timestamp with time zone',
  date: 'date',
  json: 'jsonb',
};

const sqliteValue = (value: unknown) => (typeof value === 'boolean' ? Number(value) : value);

/** The fixture as the original's SQLite file (SQLAlchemy's SQLite dialect). */
export function writeOriginalSqlite(file: string, fixture: OriginalFixture): void {
  const db = new BetterSqlite3(file);
  try {
    db.exec(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))`);
    db.prepare('insert into alembic_version values (?)').run(fixture.revision);
    for (const table of fixture.tables) {
      const key = table.key ?? 'id';
      const columns = table.columns.map(([name, kind]) => `${quote(name)} ${kind.startsWith('enum:') ? 'VARCHAR(14)' : SQLITE_TYPES[kind]}`);
      db.exec(`CREATE TABLE ${quote(table.name)} (${columns.join(', ')}, PRIMARY KEY (${quote(key)}))`);
      const insert = db.prepare(`insert into ${quote(table.name)} values (${table.columns.map(() => '?').join(', ')})`);
      for (const row of table.rows) insert.run(row.map(sqliteValue));
    }
  } finally {
    db.close();
  }
}

/** The fixture as the original's PostgreSQL database (native enum types, as its migrations create them). */
export async function writeOriginalPostgres(url: string, fixture: OriginalFixture): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local timezone = 'UTC'`);
    for (const [name, values] of Object.entries(fixture.enums)) {
      await client.query(`create type ${name} as enum (${values.map((v) => `'${v}'`).join(', ')})`);
    }
    await client.query(`create table alembic_version (version_num varchar(32) not null, constraint alembic_version_pkc primary key (version_num))`);
    await client.query('insert into alembic_version values ($1)', [fixture.revision]);
    for (const table of fixture.tables) {
      const key = table.key ?? 'id';
      const columns = table.columns.map(([name, kind]) => `${quote(name)} ${kind.startsWith('enum:') ? kind.slice(5) : PG_TYPES[kind]}`);
      await client.query(`create table ${quote(table.name)} (${columns.join(', ')}, primary key (${quote(key)}))`);
      for (const row of table.rows) {
        await client.query(`insert into ${quote(table.name)} values (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
      }
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
}
