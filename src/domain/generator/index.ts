// The exercise generator: one maker per type (a file each), numbers growing with the rank, a French Star
// Wars question, explanation, hint and four choices. Deterministic: one seeded generator (random.ts)
// drawn in a fixed order, so a seed, type and difficulty always give the same exercise.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DIFFICULTIES, EXERCISE_TYPES, type Difficulty, type ExerciseType } from '../../db/enums.js';
import { addition } from './addition.js';
import { buildChoices, CHOICE_COUNT } from './choices.js';
import { division } from './division.js';
import type { Maker } from './draft.js';
import { fractions } from './fractions.js';
import { geometry } from './geometry.js';
import { miscellaneous } from './miscellaneous.js';
import { mixed } from './mixed.js';
import { multiplication } from './multiplication.js';
import { SeededRandom } from './random.js';
import { subtraction } from './subtraction.js';
import { wordProblem } from './word-problem.js';

export { CHOICE_COUNT } from './choices.js';
export { SeededRandom } from './random.js';

export const GENERATED_TAG = 'generated';

export interface GenerateInput {
  exercise_type: ExerciseType;
  difficulty: Difficulty;
  /** Any string or integer; omitted → a random exercise. */
  seed?: string | number;
}

/** The insert values of a generated exercise (without its creator). */
export const generatedExerciseSchema = z.object({
  title: z.string(),
  exercise_type: z.enum(EXERCISE_TYPES),
  difficulty: z.enum(DIFFICULTIES),
  question: z.string(),
  correct_answer: z.string(),
  choices: z.array(z.string()).length(CHOICE_COUNT),
  explanation: z.string(),
  hint: z.string(),
  tags: z.string(),
  age_group: z.string(),
  context_theme: z.string(),
  complexity: z.number().int().min(1).max(5),
  ai_generated: z.literal(false),
});
export type GeneratedExercise = z.infer<typeof generatedExerciseSchema>;

const MAKERS: Record<ExerciseType, Maker> = {
  addition,
  soustraction: subtraction,
  multiplication,
  division,
  fractions,
  geometrie: geometry,
  texte: wordProblem,
  mixte: mixed,
  divers: miscellaneous,
};

const COMPLEXITY: Record<Difficulty, number> = { initie: 1, padawan: 2, chevalier: 3, maitre: 4, grand_maitre: 5 };
const AGE_GROUP: Record<Difficulty, string> = { initie: '8-10', padawan: '10-12', chevalier: '12-13', maitre: '13-15', grand_maitre: '15-17' };

/** A new exercise of this type and difficulty; the same seed always gives the same one. */
export function generateExercise({ exercise_type, difficulty, seed }: GenerateInput): GeneratedExercise {
  const rng = new SeededRandom(`${exercise_type}|${difficulty}|${seed ?? randomUUID()}`);
  const draft = MAKERS[exercise_type](rng, difficulty);
  return {
    title: draft.title,
    exercise_type,
    difficulty,
    question: draft.question,
    correct_answer: draft.answer,
    choices: buildChoices(rng, exercise_type, draft),
    explanation: draft.explanation,
    hint: draft.hint,
    tags: `${GENERATED_TAG},${exercise_type},${difficulty}`,
    age_group: AGE_GROUP[difficulty],
    context_theme: 'Star Wars',
    complexity: Math.min(5, COMPLEXITY[difficulty] + (difficulty === 'maitre' && (exercise_type === 'texte' || exercise_type === 'mixte') ? 1 : 0)),
    ai_generated: false,
  };
}
