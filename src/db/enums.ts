// The enum value lists: one source for both Drizzle schemas (CHECK constraints) and the zod
// schemas. Values are the lowercase French words the frontend and the original data use.

export const ROLES = ['padawan', 'maitre', 'gardien', 'archiviste'] as const;
export type Role = (typeof ROLES)[number];

export const DIFFICULTIES = ['initie', 'padawan', 'chevalier', 'maitre'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const EXERCISE_TYPES = [
  'addition',
  'soustraction',
  'multiplication',
  'division',
  'fractions',
  'geometrie',
  'texte',
  'mixte',
  'divers',
] as const;
export type ExerciseType = (typeof EXERCISE_TYPES)[number];

export const CHALLENGE_TYPES = [
  'sequence',
  'pattern',
  'visual',
  'puzzle',
  'riddle',
  'deduction',
  'spatial',
  'probability',
  'graph',
  'coding',
  'chess',
  'custom',
] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

export const AGE_GROUPS = ['enfant', 'adolescent', 'adulte', '9-12', '10-12', '12-13', '13-15', '13+', 'all'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

/** Legacy tables of the original app: created on a fresh database, never dropped or altered. */
export const PROTECTED_TABLES = ['results', 'statistics', 'user_stats', 'schema_version'] as const;

/** Roles in increasing order of power; a route needing `maitre` accepts gardien and archiviste. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** `in (...)` list for a CHECK constraint; the values are our own constants, never user input. */
export function sqlInList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
