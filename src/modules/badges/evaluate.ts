// Each requirement kind as a pure function of the learner's facts: how far along they are
// (current / target, as the original shows "37/50") and whether the badge is earned.
import { exerciseTypeIn, minPerTypeIn, numberIn, type RequirementKind, type Requirements } from './requirements.js';

/** What the rules read about a learner, loaded by facts.ts for the kinds in play (absent: not loaded). */
export interface LearnerFacts {
  /** exercise attempts, all and correct */
  attempts?: { total: number; correct: number };
  /** correct logic challenge attempts (the original counts only those) */
  logicCorrect?: number;
  /** per exercise type (lower case): how many of the learner's latest attempts of it are correct in a row */
  trailingCorrect?: Record<string, number>;
  /** the fastest correct exercise attempt's time_spent, in seconds */
  fastestCorrect?: number | null;
  /** consecutive active days up to today (0 when the streak is broken) */
  streakDays?: number;
  /** today's exercise attempts in APP_TIMEZONE */
  today?: { total: number; correct: number };
  /** days between the active day before this attempt and today (only while an attempt is being judged) */
  comebackGap?: number | null;
  /** the exercise types of the catalogue (in service, not private) */
  catalogueTypes?: string[];
  /** per exercise type: the learner's attempts and correct attempts */
  byType?: Record<string, { attempted: number; correct: number }>;
}

export interface Standing {
  current: number;
  target: number;
  met: boolean;
}

const count = (current: number, target: number): Standing => ({ current, target, met: current >= target });
const yesNo = (met: boolean): Standing => ({ current: met ? 1 : 0, target: 1, met });
const never = (target = 1): Standing => ({ current: 0, target, met: false });

/** A perfect day: at least 3 exercise attempts today, all correct (the original's rule). */
export const PERFECT_DAY_MIN_ATTEMPTS = 3;

/** The learner's standing on one badge's rule. */
export function standingOn(kind: RequirementKind, requirements: Requirements, facts: LearnerFacts): Standing {
  switch (kind) {
    case 'attempts_count':
      return countStanding(requirements, 'attempts_count', facts.attempts?.total ?? 0);
    case 'logic_attempts_count':
      return countStanding(requirements, 'logic_attempts_count', facts.logicCorrect ?? 0);
    case 'attempts_and_logic': {
      const exercises = countStanding(requirements, 'attempts_count', facts.attempts?.total ?? 0);
      const logic = countStanding(requirements, 'logic_attempts_count', facts.logicCorrect ?? 0);
      // shown: the one further from done
      const shown = exercises.current / Math.max(1, exercises.target) <= logic.current / Math.max(1, logic.target) ? exercises : logic;
      return { ...shown, met: exercises.met && logic.met };
    }
    case 'success_rate':
      return successRateStanding(requirements, facts.attempts ?? { total: 0, correct: 0 });
    case 'consecutive_correct': {
      const target = numberIn(requirements, 'consecutive_correct');
      if (target === null) return never();
      return count(facts.trailingCorrect?.[exerciseTypeIn(requirements)] ?? 0, Math.ceil(target));
    }
    case 'max_time': {
      const limit = numberIn(requirements, 'max_time');
      const fastest = facts.fastestCorrect ?? null;
      return yesNo(limit !== null && fastest !== null && fastest <= limit);
    }
    case 'consecutive_days':
      return countStanding(requirements, 'consecutive_days', facts.streakDays ?? 0);
    case 'perfect_day': {
      const today = facts.today ?? { total: 0, correct: 0 };
      return yesNo(today.total >= PERFECT_DAY_MIN_ATTEMPTS && today.correct === today.total);
    }
    case 'all_types': {
      const types = facts.catalogueTypes ?? [];
      const tried = types.filter((type) => (facts.byType?.[type]?.attempted ?? 0) > 0).length;
      return types.length === 0 ? never() : count(tried, types.length);
    }
    case 'min_per_type': {
      const types = facts.catalogueTypes ?? [];
      const target = Math.ceil(minPerTypeIn(requirements));
      if (types.length === 0) return never(target);
      return count(Math.min(...types.map((type) => facts.byType?.[type]?.correct ?? 0)), target);
    }
    case 'comeback_days': {
      const days = numberIn(requirements, 'comeback_days');
      const gap = facts.comebackGap ?? null;
      return yesNo(days !== null && gap !== null && gap >= days);
    }
  }
}

function countStanding(requirements: Requirements, key: string, current: number): Standing {
  const target = numberIn(requirements, key);
  return target === null ? never() : count(current, Math.ceil(target));
}

/** success_rate + min_attempts: enough attempts, and a share correct at least the rate (percent). Shown as correct / correct needed. */
function successRateStanding(requirements: Requirements, attempts: { total: number; correct: number }): Standing {
  const minAttempts = numberIn(requirements, 'min_attempts');
  const rate = numberIn(requirements, 'success_rate');
  if (minAttempts === null || rate === null) return never();
  const met = attempts.total >= minAttempts && attempts.total > 0 && 100 * attempts.correct >= rate * attempts.total;
  const target = Math.ceil((Math.max(attempts.total, minAttempts) * rate) / 100);
  // not met yet: never shown as target/target
  return { current: met ? attempts.correct : Math.max(0, Math.min(attempts.correct, target - 1)), target, met };
}
