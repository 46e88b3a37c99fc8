// The original's `requirements` vocabulary: which kind of rule a badge's JSON is, recognised from
// its keys in the original's order (the most specific first), and the numbers each kind reads.
// A badge whose keys match no kind is never awarded (listed by unknownRequirementBadges()).

export const REQUIREMENT_KINDS = [
  'attempts_and_logic', // attempts_count + logic_attempts_count
  'logic_attempts_count',
  'attempts_count',
  'success_rate',
  'consecutive_correct',
  'max_time',
  'consecutive_days',
  'perfect_day',
  'all_types',
  'min_per_type',
  'comeback_days',
] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

export type Requirements = Record<string, unknown>;

/** The requirements as an object, from the stored JSON (an object, or text holding one); null otherwise. */
export function requirementsOf(stored: unknown): Requirements | null {
  let value = stored;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Requirements) : null;
}

/** The kind of rule, from the keys present (a null value counts as absent), in the original's order; null when none matches. */
export function requirementKind(requirements: Requirements | null): RequirementKind | null {
  if (!requirements) return null;
  const has = (key: string) => requirements[key] !== undefined && requirements[key] !== null;
  if (has('attempts_count') && has('logic_attempts_count')) return 'attempts_and_logic';
  if (has('logic_attempts_count')) return 'logic_attempts_count';
  if (has('attempts_count') && !has('consecutive_correct') && !has('success_rate')) return 'attempts_count';
  if (has('min_attempts') && has('success_rate')) return 'success_rate';
  if (has('exercise_type') || has('consecutive_correct')) return 'consecutive_correct';
  if (has('max_time')) return 'max_time';
  if (has('consecutive_days')) return 'consecutive_days';
  if (has('perfect_day')) return 'perfect_day';
  if (has('all_types')) return 'all_types';
  if (has('min_per_type') || has('min_count')) return 'min_per_type';
  if (has('comeback_days')) return 'comeback_days';
  return null;
}

/** A number the rule reads: a finite number, or numeric text (the original stored both); null otherwise. */
export function numberIn(requirements: Requirements, key: string): number | null {
  const value = requirements[key];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** consecutive_correct's exercise type: lower-cased, `addition` when absent (the original's default). */
export function exerciseTypeIn(requirements: Requirements): string {
  const value = requirements.exercise_type;
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : 'addition';
}

/** min_per_type's threshold: min_per_type, else min_count, else 5 (the original's default). */
export function minPerTypeIn(requirements: Requirements): number {
  return numberIn(requirements, 'min_per_type') ?? numberIn(requirements, 'min_count') ?? 5;
}
