// The enum value lists: one source for both Drizzle schemas (CHECK constraints) and the zod
// schemas. Values are the lowercase French words the frontend and the original data use.

export const ROLES = ['padawan', 'maitre', 'gardien', 'archiviste'] as const;
export type Role = (typeof ROLES)[number];

/** In increasing rank; `grand_maitre` came with the original's GRAND_MAITRE (2026). */
export const DIFFICULTIES = ['initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const EXERCISE_TYPES = ['addition', 'soustraction', 'multiplication', 'division', 'fractions', 'geometrie', 'texte', 'mixte', 'divers'] as const;
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

// The original's 2025 names (ENFANT, AGE_9_12, …) and its latest ones (GROUP_6_8, GROUP_10_12,
// GROUP_13_15, GROUP_15_17, ADULT → 'adulte', ALL_AGES → 'all') each have a value here.
export const AGE_GROUPS = ['enfant', 'adolescent', 'adulte', '6-8', '9-12', '10-12', '12-13', '13-15', '15-17', '13+', 'all'] as const;

/** What a mailed single-use link is for (account_tokens.purpose). */
export const ACCOUNT_TOKEN_PURPOSES = ['password_reset', 'email_verification'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** Legacy tables of the original app: created on a fresh database, never dropped or altered. */
export const PROTECTED_TABLES = ['results', 'statistics', 'user_stats', 'schema_version'] as const;

/** Roles in increasing order of power; a route needing `maitre` accepts gardien and archiviste. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Lowercase, accents stripped, blanks and dashes as `_`: `Grand Maître` → `grand_maitre`. */
function foldEnumSpelling(raw: string): string {
  return raw
    .trim()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

// The original's age-group names that are not our value folded: GROUP_6_8, AGE_9_12, AGE_13_PLUS,
// ADULT, ALL_AGES.
const AGE_GROUP_SPELLING = /^(?:group|age|ages)?_?(\d+)_(\d+)$/;
const AGE_GROUP_PLUS = /^(?:group|age|ages)?_?(\d+)_?(?:plus|\+)$/;
const AGE_GROUP_WORDS: Record<string, string> = { adult: 'adulte', adults: 'adulte', all_ages: 'all', ages_all: 'all', tous: 'all' };

/**
 * The canonical value of `raw` among `allowed`, or undefined when it is none of them: any case,
 * accents or not, `GRAND_MAITRE` / `Grand Maître`, and the original's age-group names. A spelling
 * only ever maps to the same value, never to a neighbouring one.
 */
export function canonicalEnum(raw: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(raw)) return raw;
  const folded = foldEnumSpelling(raw);
  const candidates = [folded, folded.replace(/_/g, '-'), AGE_GROUP_WORDS[folded]];
  const range = AGE_GROUP_SPELLING.exec(folded);
  if (range) candidates.push(`${range[1]}-${range[2]}`);
  const plus = AGE_GROUP_PLUS.exec(folded);
  if (plus) candidates.push(`${plus[1]}+`);
  return candidates.find((candidate) => candidate !== undefined && allowed.includes(candidate));
}

/** `in (...)` list for a CHECK constraint; the values are our own constants, never user input. */
export function sqlInList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
