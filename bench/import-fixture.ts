// A large legacy (Python app) SQLite database for the import benchmark: the fixture's schema,
// filled with ordinary legacy values (uppercase enum names, 0/1 booleans, JSON text, datetimes as
// 'YYYY-MM-DD HH:MM:SS.ffffff' text). Deterministic: the same sizes give the same file.
import fs from 'node:fs';
import { createLegacyDatabase } from '../test/helpers/legacy-fixture.js';

export interface BulkSizes {
  users: number;
  exercises: number;
  attempts: number;
  challenges: number;
  challengeAttempts: number;
}

const EXERCISE_TYPES = ['ADDITION', 'SOUSTRACTION', 'MULTIPLICATION', 'DIVISION', 'FRACTIONS', 'GEOMETRIE', 'TEXTE', 'MIXTE', 'DIVERS'];
const DIFFICULTIES = ['INITIE', 'PADAWAN', 'CHEVALIER', 'MAITRE'];
const ROLES = ['PADAWAN', 'PADAWAN', 'PADAWAN', 'MAITRE', 'GARDIEN', 'ARCHIVISTE'];
const CHALLENGE_TYPES = ['SEQUENCE', 'PATTERN', 'VISUAL', 'PUZZLE', 'RIDDLE', 'DEDUCTION'];
const AGE_GROUPS = ['GROUP_10_12', 'AGE_13_PLUS', 'ALL_AGES', 'AGE_9_12'];

/** A small deterministic PRNG (mulberry32), so runs compare the same data. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_MS = Date.UTC(2023, 0, 1);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** SQLAlchemy's SQLite DateTime text. */
function legacyDatetime(ms: number, micros: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micros, 6)}`;
}

export function buildBulkLegacyDatabase(file: string, sizes: BulkSizes): void {
  fs.rmSync(file, { force: true });
  const db = createLegacyDatabase(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const next = random(42);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const when = () => legacyDatetime(BASE_MS + Math.floor(next() * 400 * 86_400_000), Math.floor(next() * 1_000_000));

  db.transaction(() => {
    const user = db.prepare(
      `insert into users (id, role, username, email, hashed_password, full_name, is_active, grade_level, accessibility_settings,
         total_points, current_level, experience_points, jedi_rank, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= sizes.users; id++) {
      user.run(
        id,
        pick(ROLES),
        `élève_${id}`,
        `eleve${id}@example.com`,
        '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
        `Élève n°${id}`,
        next() < 0.95 ? 1 : 0,
        6 + (id % 6),
        id % 3 === 0 ? '{"police": "grande", "contraste": true}' : null,
        Math.floor(next() * 10_000),
        1 + (id % 20),
        Math.floor(next() * 5000),
        'padawan',
        when(),
        when(),
      );
    }

    const exercise = db.prepare(
      `insert into exercises (id, title, exercise_type, difficulty, question, correct_answer, choices, explanation, age_group,
         complexity, ai_generated, is_active, is_archived, view_count, creator_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= sizes.exercises; id++) {
      const a = Math.floor(next() * 100);
      const b = Math.floor(next() * 100);
      exercise.run(
        id,
        `Exercice ${id}`,
        pick(EXERCISE_TYPES),
        pick(DIFFICULTIES),
        `Combien font ${a} + ${b} ?`,
        String(a + b),
        JSON.stringify([String(a + b - 1), String(a + b), String(a + b + 1)]),
        `${a} plus ${b} égale ${a + b}.`,
        pick(AGE_GROUPS),
        1 + (id % 5),
        id % 4 === 0 ? 1 : 0,
        1,
        0,
        Math.floor(next() * 1000),
        1 + (id % sizes.users),
        when(),
        when(),
      );
    }

    const attempt = db.prepare(
      `insert into attempts (id, user_id, exercise_id, user_answer, is_correct, time_spent, attempt_number, hints_used, device_info, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= sizes.attempts; id++) {
      attempt.run(
        id,
        1 + Math.floor(next() * sizes.users),
        1 + Math.floor(next() * sizes.exercises),
        String(Math.floor(next() * 200)),
        next() < 0.7 ? 1 : 0,
        next() < 0.9 ? Math.round(next() * 120_000) / 1000 : null,
        1 + Math.floor(next() * 3),
        Math.floor(next() * 3),
        id % 10 === 0 ? 'Mozilla/5.0 (X11; Linux x86_64)' : null,
        when(),
      );
    }

    const progress = db.prepare(
      `insert into progress (id, user_id, exercise_type, difficulty, total_attempts, correct_attempts, average_time, completion_rate,
         streak, highest_streak, concept_mastery, learning_curve, last_active_date, mastery_level, awards, last_updated)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let progressId = 0;
    for (let userId = 1; userId <= sizes.users; userId++) {
      for (const type of EXERCISE_TYPES.slice(0, 3)) {
        const total = Math.floor(next() * 100);
        const correct = Math.floor(total * next());
        progress.run(
          ++progressId,
          userId,
          type,
          'INITIE',
          total,
          correct,
          total ? Math.round(next() * 60_000) / 1000 : null,
          total ? (correct / total) * 100 : 0,
          Math.floor(next() * 10),
          10,
          '{"addition": 0.5}',
          '[1, 2, 3]',
          when(),
          1 + (userId % 5),
          '[]',
          when(),
        );
      }
    }

    const challenge = db.prepare(
      `insert into logic_challenges (id, title, challenge_type, age_group, difficulty, question, correct_answer, hints, visual_data,
         is_active, creator_id, difficulty_rating, estimated_time_minutes, success_rate, is_template, is_archived, view_count, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= sizes.challenges; id++) {
      challenge.run(
        id,
        `Épreuve ${id}`,
        pick(CHALLENGE_TYPES),
        pick(AGE_GROUPS),
        pick(DIFFICULTIES),
        'Quelle est la suite ?',
        '42',
        '["indice 1", "indice 2"]',
        '{"grille": [[1, 2], [3, 4]]}',
        1,
        1 + (id % sizes.users),
        1 + next() * 4,
        15,
        next(),
        0,
        0,
        0,
        when(),
        when(),
      );
    }

    const challengeAttempt = db.prepare(
      `insert into logic_challenge_attempts (id, user_id, challenge_id, user_solution, is_correct, time_spent, hints_used, attempt_number, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= sizes.challengeAttempts; id++) {
      challengeAttempt.run(
        id,
        1 + Math.floor(next() * sizes.users),
        1 + Math.floor(next() * sizes.challenges),
        '42',
        next() < 0.5 ? 1 : 0,
        Math.round(next() * 300_000) / 1000,
        0,
        1,
        when(),
      );
    }

    const result = db.prepare(`insert into results (id, exercise_id, is_correct, attempt_count, time_spent, created_at) values (?, ?, ?, ?, ?, ?)`);
    for (let id = 1; id <= 10_000; id++) result.run(id, 1 + (id % sizes.exercises), id % 2, 1, Math.round(next() * 60_000) / 1000, when());
    db.prepare(`insert into schema_version (version) values (3)`).run();
  })();
  db.close();
}
