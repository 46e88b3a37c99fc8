// A SQLite database as the original Python app (SQLAlchemy) wrote it: uppercase enum names next to
// lowercase ones, booleans 0/1, JSON as text ('null' included), datetimes as text with and without
// fractions and offsets, NULLs where our schema has defaults, columns in another order, a column
// and a table our schema does not have, the protected legacy tables. AWKWARD_ROWS holds every
// awkward value we could think of; the import test checks each one in PostgreSQL.
import BetterSqlite3 from 'better-sqlite3';

/** The legacy DDL, in SQLAlchemy's SQLite dialect (VARCHAR/BOOLEAN/DATETIME/JSON/FLOAT). */
export const LEGACY_SCHEMA_SQL = `
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE users (
	id INTEGER NOT NULL,
	role VARCHAR(10),
	username VARCHAR(50) NOT NULL,
	email VARCHAR(100) NOT NULL,
	hashed_password VARCHAR(255) NOT NULL,
	full_name VARCHAR(100),
	is_active BOOLEAN,
	grade_level INTEGER,
	learning_style VARCHAR(50),
	preferred_difficulty VARCHAR(50),
	preferred_theme VARCHAR(50),
	accessibility_settings JSON,
	total_points INTEGER,
	current_level INTEGER,
	experience_points INTEGER,
	jedi_rank VARCHAR(50),
	avatar_url VARCHAR(255),
	legacy_session_token VARCHAR(255),
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
	updated_at DATETIME,
	PRIMARY KEY (id),
	UNIQUE (username),
	UNIQUE (email)
);
CREATE TABLE exercises (
	id INTEGER NOT NULL,
	title VARCHAR(255) NOT NULL,
	exercise_type VARCHAR(14) NOT NULL,
	difficulty VARCHAR(9) NOT NULL,
	question TEXT NOT NULL,
	correct_answer VARCHAR(255) NOT NULL,
	choices JSON,
	explanation TEXT,
	hint TEXT,
	tags VARCHAR(255),
	age_group VARCHAR(20),
	context_theme VARCHAR(100),
	complexity INTEGER,
	ai_generated BOOLEAN,
	image_url VARCHAR(255),
	audio_url VARCHAR(255),
	is_active BOOLEAN,
	is_archived BOOLEAN,
	view_count INTEGER,
	creator_id INTEGER,
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
	updated_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(creator_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE TABLE attempts (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	exercise_id INTEGER NOT NULL,
	user_answer VARCHAR(255) NOT NULL,
	is_correct BOOLEAN NOT NULL,
	time_spent FLOAT,
	attempt_number INTEGER,
	hints_used INTEGER,
	device_info VARCHAR(255),
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
	FOREIGN KEY(exercise_id) REFERENCES exercises (id) ON DELETE CASCADE
);
CREATE TABLE progress (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	exercise_type VARCHAR(14) NOT NULL,
	difficulty VARCHAR(9) NOT NULL,
	total_attempts INTEGER,
	correct_attempts INTEGER,
	average_time FLOAT,
	completion_rate FLOAT,
	streak INTEGER,
	highest_streak INTEGER,
	concept_mastery JSON,
	learning_curve JSON,
	last_active_date DATETIME,
	mastery_level INTEGER,
	awards JSON,
	strengths TEXT,
	areas_to_improve TEXT,
	recommendations TEXT,
	last_updated DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE logic_challenges (
	id INTEGER NOT NULL,
	title VARCHAR(255) NOT NULL,
	challenge_type VARCHAR(11) NOT NULL,
	age_group VARCHAR(11) NOT NULL,
	description TEXT,
	difficulty VARCHAR(9),
	content TEXT,
	question TEXT,
	solution TEXT,
	correct_answer VARCHAR(255),
	choices JSON,
	solution_explanation TEXT,
	visual_data JSON,
	hints JSON,
	is_active BOOLEAN,
	creator_id INTEGER,
	difficulty_rating FLOAT,
	estimated_time_minutes INTEGER,
	success_rate FLOAT,
	image_url VARCHAR(255),
	source_reference VARCHAR(255),
	tags VARCHAR(255),
	is_template BOOLEAN,
	generation_parameters JSON,
	is_archived BOOLEAN,
	view_count INTEGER,
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
	updated_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(creator_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE TABLE logic_challenge_attempts (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	challenge_id INTEGER NOT NULL,
	user_solution TEXT NOT NULL,
	is_correct BOOLEAN NOT NULL,
	time_spent FLOAT,
	hints_used INTEGER,
	attempt_number INTEGER,
	notes TEXT,
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
	FOREIGN KEY(challenge_id) REFERENCES logic_challenges (id) ON DELETE CASCADE
);
CREATE TABLE results (
	id INTEGER NOT NULL,
	exercise_id INTEGER NOT NULL,
	is_correct BOOLEAN NOT NULL,
	attempt_count INTEGER,
	time_spent FLOAT,
	created_at DATETIME,
	PRIMARY KEY (id)
);
CREATE TABLE statistics (
	id INTEGER NOT NULL,
	user_id INTEGER,
	session_id VARCHAR(255) NOT NULL,
	exercise_type VARCHAR(50),
	difficulty VARCHAR(50) NOT NULL,
	total_attempts INTEGER,
	correct_attempts INTEGER,
	avg_time FLOAT,
	last_updated DATETIME,
	PRIMARY KEY (id)
);
CREATE TABLE user_stats (
	id INTEGER NOT NULL,
	exercise_type VARCHAR(50),
	difficulty VARCHAR(50) NOT NULL,
	total_attempts INTEGER,
	correct_attempts INTEGER,
	last_updated DATETIME,
	PRIMARY KEY (id)
);
CREATE TABLE schema_version (
	version INTEGER PRIMARY KEY
);
`;

export type LegacyRow = Record<string, unknown>;

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const CONTROL_CHARACTERS = '\x01\x02\x7f\x1b[31mrouge\x1b[0m \b \v \f \x1f';

export const AWKWARD_ROWS: Record<string, LegacyRow[]> = {
  alembic_version: [{ version_num: 'a1b2c3d4e5f6' }],
  users: [
    {
      id: 1,
      role: 'ARCHIVISTE',
      username: 'Élodie Ñandú 😀',
      email: 'elodie@example.com',
      hashed_password: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      full_name: `O'Brien "Quoted" back\\slash\ttab\nnew\r\nline`,
      is_active: 1,
      preferred_difficulty: 'PADAWAN',
      accessibility_settings:
        '{"thème": "sombre", "taille": {"police": 1.5, "emoji": "🚀"}, "liste": [1, 2.50, -0, 1e21, {"ü": null}], "échappé": "\\u00e9\\n\\"q\\" \\\\ \\t", "z": true, "a": false}',
      total_points: INT32_MAX,
      current_level: INT32_MIN,
      experience_points: 0,
      jedi_rank: 'maître 🗡',
      legacy_session_token: 'not copied',
      created_at: '2023-01-15 10:30:00',
      updated_at: '2023-01-15 10:30:00.123456',
    },
    {
      id: 2,
      role: 'maitre',
      username: 'luke',
      email: 'luke@jedi.org',
      hashed_password: 'x',
      full_name: '\\N',
      is_active: 0,
      learning_style: CONTROL_CHARACTERS,
      preferred_theme: '',
      accessibility_settings: 'null',
      total_points: null,
      current_level: null,
      experience_points: null,
      jedi_rank: null,
      created_at: '2023-01-15T10:30:00.5+02:00',
      updated_at: '2023-06-30 23:59:59-05:30',
    },
    {
      id: 3,
      role: 'Gardien',
      username: 'Gardien-Test',
      email: '"quoted"@example.com',
      hashed_password: 'y',
      is_active: null,
      grade_level: 6,
      total_points: 10,
      current_level: 2,
      experience_points: 5,
      jedi_rank: 'padawan',
      created_at: null,
      updated_at: '2024-02-29 12:00:00.000001',
    },
    {
      id: 5,
      role: null,
      username: 'tab\tname',
      email: 'tab@example.com',
      hashed_password: 'z',
      is_active: 1,
      accessibility_settings: '{}',
      total_points: 0,
      current_level: 1,
      experience_points: 0,
      jedi_rank: 'youngling',
      created_at: '1999-12-31 23:59:59.999999',
      updated_at: 1700000000123, // a row written by this service: integer milliseconds
    },
  ],
  exercises: [
    {
      id: 1,
      title: 'Addition 😀 "facile"',
      exercise_type: 'ADDITION',
      difficulty: 'INITIE',
      question: 'Combien font 2 + 2 ?\nRéponds vite',
      correct_answer: '4',
      choices: '["3", "4", "5"]',
      explanation: 'C:\\chemin\\vers\\fichier',
      hint: '\\N',
      age_group: 'GROUP_10_12',
      complexity: null,
      ai_generated: 0,
      is_active: 1,
      is_archived: 0,
      view_count: INT32_MAX,
      creator_id: 1,
      created_at: '2023-01-01 00:00:00',
      updated_at: '2023-01-01 00:00:00.000000',
    },
    {
      id: 2,
      title: 'Soustraction',
      exercise_type: 'soustraction',
      difficulty: 'chevalier',
      question: '10 - 3 ?',
      correct_answer: '7',
      choices: 'null',
      tags: 'a,b',
      complexity: 5,
      ai_generated: 1,
      is_active: 1,
      is_archived: 1,
      view_count: INT32_MIN,
      creator_id: null,
      created_at: '2023-02-01 12:00:00',
      updated_at: '2023-02-01 12:00:00',
    },
    {
      id: 3,
      title: 'Multiplication',
      exercise_type: 'Multiplication',
      difficulty: 'MAITRE',
      question: '6 × 7 = ?',
      correct_answer: '42',
      choices: '[{"label": "∞", "value": null}, [], {}, "\\ud83d\\ude00"]',
      explanation: '',
      complexity: 3,
      ai_generated: 0,
      is_active: 0,
      is_archived: 0,
      view_count: 0,
      creator_id: 2,
      created_at: '2023-03-01 08:00:00',
      updated_at: '2023-03-01 08:00:00',
    },
    {
      id: 4,
      title: 'Division\ttabulée',
      exercise_type: 'DIVISION',
      difficulty: 'PADAWAN',
      question: '84 ÷ 2 ?',
      correct_answer: '42',
      age_group: '9-12',
      complexity: 2,
      ai_generated: 0,
      is_active: 1,
      is_archived: 0,
      view_count: null,
      creator_id: 3,
      created_at: '2023-04-01 08:00:00',
      updated_at: '2023-04-01 08:00:00',
    },
  ],
  attempts: [
    {
      id: 1,
      user_id: 1,
      exercise_id: 1,
      user_answer: '4',
      is_correct: 1,
      time_spent: 0.1,
      attempt_number: 1,
      hints_used: 0,
      created_at: '2023-03-01 08:00:00',
    },
    {
      id: 2,
      user_id: 1,
      exercise_id: 1,
      user_answer: '\\N',
      is_correct: 0,
      time_spent: 1e-7,
      attempt_number: 2,
      hints_used: 1,
      created_at: '2023-03-01 08:00:00.25',
    },
    {
      id: 3,
      user_id: 2,
      exercise_id: 3,
      user_answer: '',
      is_correct: 0,
      time_spent: 12345.678,
      attempt_number: null,
      hints_used: null,
      created_at: '2023-03-01T08:00:00Z',
    },
    {
      id: 4,
      user_id: 2,
      exercise_id: 3,
      user_answer: `l'élève a dit "42"`,
      is_correct: 1,
      time_spent: null,
      device_info: 'Mozilla/5.0\t(X11)',
      created_at: '2023-03-02 09:15:30.000500',
    },
    { id: 5, user_id: 3, exercise_id: 4, user_answer: '42', is_correct: 1, time_spent: 3, created_at: '2023-03-03 10:00:00' },
    { id: 9, user_id: 5, exercise_id: 2, user_answer: '7', is_correct: 1, time_spent: 1.7976931348623157e308, created_at: '2023-03-04 00:00:00' },
  ],
  progress: [
    {
      id: 1,
      user_id: 1,
      exercise_type: 'ADDITION',
      difficulty: 'INITIE',
      total_attempts: 4,
      correct_attempts: 3,
      average_time: 2.5,
      completion_rate: 75.0,
      streak: 2,
      highest_streak: 3,
      concept_mastery: '{"addition": {"niveau": "élevé", "score": 0.75}}',
      learning_curve: '[1, 2, 3]',
      last_active_date: '2023-03-01 08:00:00+01:00',
      mastery_level: 3,
      awards: '[]',
      strengths: 'calcul mental',
      recommendations: 'Continue ! 💪',
      last_updated: '2023-03-01 08:00:00',
    },
    {
      id: 2,
      user_id: 2,
      exercise_type: 'soustraction',
      difficulty: 'padawan',
      total_attempts: null,
      correct_attempts: 0,
      average_time: null,
      completion_rate: 66.66666666666667,
      streak: 0,
      highest_streak: 0,
      learning_curve: 'null',
      mastery_level: null,
      last_updated: '2023-03-05 00:00:00',
    },
  ],
  logic_challenges: [
    {
      id: 1,
      title: 'Suite logique',
      challenge_type: 'SEQUENCE',
      age_group: 'GROUP_10_12',
      difficulty: 'INITIE',
      question: '2, 4, 8, ?',
      correct_answer: '16',
      hints: '["Regarde bien", "Encore 😀"]',
      visual_data: '{"grille": [[1, 2], [3, null]], "couleur": "#ff0000"}',
      difficulty_rating: 4.5,
      estimated_time_minutes: null,
      success_rate: 0.333,
      generation_parameters: 'null',
      is_template: 0,
      is_active: 1,
      is_archived: 0,
      view_count: 3,
      creator_id: 2,
      created_at: '2023-05-05 05:05:05',
      updated_at: '2023-05-05 05:05:05.5',
    },
    {
      id: 2,
      title: 'Énigme',
      challenge_type: 'riddle',
      age_group: 'AGE_13_PLUS',
      difficulty: null,
      is_active: null,
      difficulty_rating: 3,
      created_at: '2023-05-06 00:00:00',
      updated_at: '2023-05-06 00:00:00',
    },
    {
      id: 3,
      title: 'Motifs',
      challenge_type: 'Pattern',
      age_group: 'ALL_AGES',
      difficulty: 'chevalier',
      difficulty_rating: 1,
      created_at: '2023-05-07 00:00:00',
      updated_at: '2023-05-07 00:00:00',
    },
    {
      id: 4,
      title: 'Déduction',
      challenge_type: 'DEDUCTION',
      age_group: 'enfant',
      difficulty: 'MAITRE',
      difficulty_rating: 5,
      created_at: '2023-05-08 00:00:00',
      updated_at: '2023-05-08 00:00:00',
    },
    {
      id: 5,
      title: 'Espace',
      challenge_type: 'SPATIAL',
      age_group: 'AGE_9_12',
      difficulty: 'PADAWAN',
      difficulty_rating: 2.25,
      created_at: '2023-05-09 00:00:00',
      updated_at: '2023-05-09 00:00:00',
    },
  ],
  logic_challenge_attempts: [
    {
      id: 1,
      user_id: 1,
      challenge_id: 1,
      user_solution: '16',
      is_correct: 1,
      time_spent: 42.5,
      hints_used: 1,
      attempt_number: 1,
      notes: 'première\ttentative',
      created_at: '2023-05-10 10:10:10.101010',
    },
    {
      id: 2,
      user_id: 5,
      challenge_id: 2,
      user_solution: 'un écho',
      is_correct: 0,
      time_spent: null,
      hints_used: null,
      attempt_number: null,
      created_at: '2023-05-10 10:10:11',
    },
  ],
  results: [
    { id: 1, exercise_id: 999, is_correct: 1, attempt_count: null, time_spent: 1.5, created_at: null },
    { id: 2, exercise_id: 1, is_correct: 0, attempt_count: 3, time_spent: null, created_at: '2022-01-01 00:00:00' },
  ],
  statistics: [
    {
      id: 1,
      user_id: null,
      session_id: 'sess-ü',
      exercise_type: 'ADDITION',
      difficulty: 'INITIE',
      total_attempts: null,
      correct_attempts: null,
      avg_time: null,
      last_updated: '2022-05-05 05:05:05',
    },
  ],
  user_stats: [{ id: 7, exercise_type: null, difficulty: 'padawan', total_attempts: 3, correct_attempts: null, last_updated: null }],
  schema_version: [{ version: 3 }],
};

/** Inserts `rows` into `table` (each row's own columns; the others get SQLite's NULL or default). */
export function insertLegacyRows(db: BetterSqlite3.Database, table: string, rows: Iterable<LegacyRow>): void {
  const statements = new Map<string, BetterSqlite3.Statement>();
  for (const row of rows) {
    const columns = Object.keys(row);
    const key = columns.join(',');
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
      statements.set(key, statement);
    }
    statement.run(row);
  }
}

/** The legacy schema, empty, in a new file; the caller closes the handle. */
export function createLegacyDatabase(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  // Python's sqlite3 leaves foreign keys off, which is how dangling references got in
  db.pragma('foreign_keys = OFF');
  db.exec(LEGACY_SCHEMA_SQL);
  return db;
}

/** A legacy database holding AWKWARD_ROWS, plus `extra` rows (e.g. bad ones, or many) per table. */
export function buildLegacyFixture(file: string, extra: Record<string, Iterable<LegacyRow>> = {}): void {
  const db = createLegacyDatabase(file);
  try {
    db.transaction(() => {
      for (const [table, rows] of Object.entries(AWKWARD_ROWS)) {
        insertLegacyRows(db, table, rows);
        insertLegacyRows(db, table, extra[table] ?? []);
      }
    })();
  } finally {
    db.close();
  }
}
