// How points turn into a level and a Jedi rank: one rule for the attempt path (modules/gamification,
// in SQL) and the importer (ops/import/null-readings.ts, for a source that left them NULL).

/** current_level = 1 + experience_points ÷ 100 (integer division). */
export const EXPERIENCE_PER_LEVEL = 100;

/** jedi_rank from experience_points, highest threshold first. */
export const JEDI_RANKS: readonly { rank: string; minExperience: number }[] = [
  { rank: 'grand_maitre', minExperience: 5000 },
  { rank: 'maitre', minExperience: 2000 },
  { rank: 'chevalier', minExperience: 500 },
  { rank: 'padawan', minExperience: 100 },
  { rank: 'youngling', minExperience: 0 },
];

export const levelFor = (experience: number): number => 1 + Math.floor(experience / EXPERIENCE_PER_LEVEL);

export const rankFor = (experience: number): string => JEDI_RANKS.find(({ minExperience }) => experience >= minExperience)?.rank ?? 'youngling';
