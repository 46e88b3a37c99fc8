// How the original app (zyclope0/mathakine) read a NULL in the columns we require: an import
// stores what the original meant, never a value it made up. Each rule was checked against the
// original's models and the code that reads the column; the README's import section lists them.
// A NOT NULL column without a rule takes no NULL: the row is reported as bad (and, with
// --skip-bad-rows, kept whole in the legacy area). Nullable columns keep their NULL.
import { levelFor, rankFor } from '../../domain/levels/ranks.js';

/** The value the original's code gives a NULL. */
export interface ConstantReading {
  constant: unknown;
  why: string;
}

/** Taken from other columns of the same row, once converted (NULL there too: the row is bad). */
export interface FromRowReading {
  from: string[];
  derive: (values: unknown[]) => unknown;
  why: string;
}

export type NullReading = ConstantReading | FromRowReading;

const sameAs = (column: string, why: string): FromRowReading => ({ from: [column], derive: ([value]) => value, why });

const whenKnown =
  (derive: (n: number) => unknown) =>
  ([value]: unknown[]) =>
    value === null ? null : derive(value as number);

// the original never numbers attempts: every one it records gets its model's default, 1
const ATTEMPT_NUMBER: ConstantReading = { constant: 1, why: 'the original numbers no attempt: every one it records holds 1' };
const CREATED_FROM_UPDATED = sameAs('updated_at', 'unknown creation: the row was last changed then, the earliest time it holds');
const UPDATED_FROM_CREATED = sameAs('created_at', 'never updated: last changed when it was created');

export const NULL_READINGS: Record<string, Record<string, NullReading>> = {
  users: {
    role: { constant: 'padawan', why: 'no role: none of the rights the original grants by role, as a padawan' },
    is_active: { constant: false, why: 'sign-in and token checks refuse the account (`if not user.is_active`)' },
    created_at: CREATED_FROM_UPDATED,
    updated_at: UPDATED_FROM_CREATED,
    total_points: { constant: 0, why: 'read as `total_points or 0`' },
    experience_points: sameAs('total_points', 'the original derives experience from total_points; ours grows with them'),
    current_level: {
      from: ['experience_points'],
      derive: whenKnown(levelFor),
      why: 'the original derives the level from the points; ours is 1 + experience ÷ 100',
    },
    jedi_rank: {
      from: ['experience_points'],
      derive: whenKnown(rankFor),
      why: 'the original derives the rank from the points; ours from experience',
    },
  },
  exercises: {
    ai_generated: { constant: false, why: 'selected with `ai_generated IS TRUE`, shown as `ai_generated or False`' },
    is_active: { constant: false, why: 'every query that selects on it wants `is_active IS TRUE`' },
    // the original's catalogue wants `is_archived IS FALSE`: NULL kept the exercise out of it, as archiving does here
    is_archived: { constant: true, why: 'every listing wants `is_archived IS FALSE`: never in the catalogue, as an archived one' },
    view_count: { constant: 0, why: 'read as `view_count or 0`' },
    created_at: CREATED_FROM_UPDATED,
    updated_at: UPDATED_FROM_CREATED,
  },
  attempts: {
    attempt_number: ATTEMPT_NUMBER,
    hints_used: { constant: 0, why: 'no hint recorded' },
  },
  progress: {
    total_attempts: { constant: 0, why: 'no attempt counted' },
    correct_attempts: { constant: 0, why: 'no attempt counted' },
    completion_rate: { constant: 0, why: 'read as `completion_rate or 0.0`' },
    streak: { constant: 0, why: 'no streak counted' },
    highest_streak: { constant: 0, why: 'no streak counted' },
    mastery_level: { constant: 1, why: 'read as `mastery_level or 1`' },
    last_updated: sameAs('last_active_date', 'last changed at the last activity it records'),
  },
  logic_challenges: {
    is_active: { constant: false, why: 'every query wants `is_active IS TRUE`: neither listed nor served' },
    // unlike exercises, the original's challenge listings do not look at is_archived
    is_archived: { constant: false, why: "the learners' listings ignore it; only `is_archived IS TRUE` filters (admin) skip NULL" },
    is_template: { constant: false, why: 'nothing reads it as true' },
    view_count: { constant: 0, why: 'no view counted' },
    created_at: CREATED_FROM_UPDATED,
    updated_at: UPDATED_FROM_CREATED,
  },
  logic_challenge_attempts: {
    attempt_number: ATTEMPT_NUMBER,
    hints_used: { constant: 0, why: 'no hint recorded' },
  },
  // a legacy table nothing reads; NOT NULL DEFAULT 0 in the original, so a NULL never came from it
  statistics: {
    correct_attempts: { constant: 0, why: "the original's own default: its table takes no NULL here" },
    avg_time: { constant: 0, why: "the original's own default: its table takes no NULL here" },
  },
};
