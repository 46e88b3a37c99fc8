// The few aggregate queries behind the badge rules, each run only when a badge still to earn needs
// it: a learner who holds every volume badge never counts their attempts again.
import { and, desc, eq, gte, min, sql } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';
import { inServiceConditions } from '../content/lifecycle.js';
import { daysBetween, startOfDay } from '../gamification/calendar.js';
import type { LearnerFacts } from './evaluate.js';
import { exerciseTypeIn, numberIn, type RequirementKind, type Requirements } from '../../domain/badges/requirements.js';

type Fact = Exclude<keyof LearnerFacts, 'comebackGap'>;

/** The facts each kind reads (comeback's gap comes from the attempt, not a query). */
const FACTS_OF: Record<RequirementKind, Fact[]> = {
  attempts_count: ['attempts'],
  logic_attempts_count: ['logicCorrect'],
  attempts_and_logic: ['attempts', 'logicCorrect'],
  success_rate: ['attempts'],
  consecutive_correct: ['trailingCorrect'],
  max_time: ['fastestCorrect'],
  consecutive_days: ['streakDays'],
  perfect_day: ['today'],
  all_types: ['catalogueTypes', 'byType'],
  min_per_type: ['catalogueTypes', 'byType'],
  comeback_days: [],
};

export interface RuleInPlay {
  kind: RequirementKind;
  requirements: Requirements;
}

const asCount = (value: unknown) => Number(value ?? 0);

/** Loads what `rules` need about the learner and `known` does not say; `today` is their calendar day, in `timeZone`. */
export async function loadFacts(
  on: Reads,
  userId: number,
  rules: RuleInPlay[],
  today: string,
  timeZone: string,
  known: LearnerFacts = {},
): Promise<LearnerFacts> {
  const needed = new Set(rules.flatMap(({ kind }) => FACTS_OF[kind]).filter((fact) => known[fact] === undefined));
  const { attempts, exercises, logicChallengeAttempts, users } = on.tables;
  const facts: LearnerFacts = { ...known };
  const correctCount = sql<number>`sum(case when ${attempts.is_correct} then 1 else 0 end)`;
  const mine = eq(attempts.user_id, userId);

  if (needed.has('attempts')) {
    const [row] = await on.db.select({ total: sql<number>`count(*)`, correct: correctCount }).from(attempts).where(mine);
    facts.attempts = { total: asCount(row?.total), correct: asCount(row?.correct) };
  }
  if (needed.has('logicCorrect')) {
    const [row] = await on.db
      .select({ n: sql<number>`count(*)` })
      .from(logicChallengeAttempts)
      .where(and(eq(logicChallengeAttempts.user_id, userId), eq(logicChallengeAttempts.is_correct, true)));
    facts.logicCorrect = asCount(row?.n);
  }
  if (needed.has('trailingCorrect')) {
    // per type, the latest attempts up to the largest run any badge asks for
    const longest = new Map<string, number>();
    for (const { kind, requirements } of rules) {
      if (kind !== 'consecutive_correct') continue;
      const type = exerciseTypeIn(requirements);
      longest.set(type, Math.max(longest.get(type) ?? 0, Math.ceil(numberIn(requirements, 'consecutive_correct') ?? 0)));
    }
    facts.trailingCorrect = {};
    for (const [type, limit] of longest) {
      const latest = await on.db
        .select({ is_correct: attempts.is_correct })
        .from(attempts)
        .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
        .where(and(mine, sql`lower(${exercises.exercise_type}) = ${type}`))
        .orderBy(desc(attempts.created_at), desc(attempts.id))
        .limit(Math.max(1, limit));
      const firstWrong = latest.findIndex((row) => !row.is_correct);
      facts.trailingCorrect[type] = firstWrong < 0 ? latest.length : firstWrong;
    }
  }
  if (needed.has('fastestCorrect')) {
    const [row] = await on.db
      .select({ fastest: min(attempts.time_spent) })
      .from(attempts)
      .where(and(mine, eq(attempts.is_correct, true)));
    facts.fastestCorrect = row?.fastest ?? null;
  }
  if (needed.has('streakDays')) {
    const [row] = await on.db.select({ current: users.current_streak, last: users.last_activity_date }).from(users).where(eq(users.id, userId));
    // a streak whose last active day is before yesterday is broken, whatever the column still says
    facts.streakDays = row?.last && daysBetween(row.last, today) <= 1 ? row.current : 0;
  }
  if (needed.has('today')) {
    const [row] = await on.db
      .select({ total: sql<number>`count(*)`, correct: correctCount })
      .from(attempts)
      .where(and(mine, gte(attempts.created_at, startOfDay(today, timeZone))));
    facts.today = { total: asCount(row?.total), correct: asCount(row?.correct) };
  }
  if (needed.has('catalogueTypes')) {
    const rows = await on.db
      .selectDistinct({ type: exercises.exercise_type })
      .from(exercises)
      .where(and(...inServiceConditions(exercises), eq(exercises.is_private, false)));
    facts.catalogueTypes = rows.map((row) => row.type.toLowerCase());
  }
  if (needed.has('byType')) {
    const rows = await on.db
      .select({ type: exercises.exercise_type, attempted: sql<number>`count(*)`, correct: correctCount })
      .from(attempts)
      .innerJoin(exercises, eq(exercises.id, attempts.exercise_id))
      .where(mine)
      .groupBy(exercises.exercise_type);
    facts.byType = Object.fromEntries(rows.map((row) => [row.type.toLowerCase(), { attempted: asCount(row.attempted), correct: asCount(row.correct) }]));
  }
  return facts;
}
